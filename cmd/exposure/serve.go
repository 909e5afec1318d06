package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/export"
	"github.com/psd-tools/exposure/pipeline"
	"github.com/psd-tools/exposure/report"
	"github.com/psd-tools/exposure/store"
	"github.com/psd-tools/exposure/web"
)

func (a *app) serveCmd() *cobra.Command {
	var addr, certFile, keyFile, cfgPath, signKey, exportDir string
	var behindProxy bool
	var idle time.Duration
	var origins []string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the reviewers' web application and the scheduled jobs",
		Long: `Run the web application on the database: a dashboard, the review queue with
keyboard shortcuts, post and profile pages, the referral builder, the audit log
and user management; admins download signed export packs (with the key from
'exposure keys init') and purge data past the retention in --config (default
6 months for personal data, 6 years for referrals; the file is compacted only by
'exposure purge' with the server stopped). While it runs it holds the database,
so other commands tell you to use the web application; with --config it also
runs the sweep and recheck on the config file's schedule.

  exposure user add alice --role admin          (once, before serving)
  exposure serve --db exposure.db               (then open http://127.0.0.1:8080)

It listens on the loopback interface by default. Listening on any other
address needs --tls-cert and --tls-key, or --insecure-behind-proxy when a TLS
proxy in front forwards to it: passwords and sessions must not cross a network
in clear text. Sessions end after --session-idle without a request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (certFile == "") != (keyFile == "") {
				return badInput("--tls-cert and --tls-key go together")
			}
			tls := certFile != ""
			if err := web.CheckAddr(addr, tls, behindProxy); err != nil {
				return inputError{err}
			}
			if idle < time.Minute {
				return badInput("--session-idle %s: want at least 1m", idle)
			}
			var cfg *config.Config
			if cfgPath != "" {
				var err error
				if cfg, err = config.Load(cfgPath); err != nil {
					return inputError{err}
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return badInput("--addr %s: %v", addr, err)
			}
			defer ln.Close()
			scheme := "http"
			if tls {
				scheme = "https"
			}
			url := fmt.Sprintf("%s://%s", scheme, ln.Addr())
			a.owner = "exposure serve at " + url
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			jobs, err := a.scheduledJobs(cfg, db)
			if err != nil {
				return err
			}
			exp, err := a.serveExport(signKey, exportDir)
			if err != nil {
				return err
			}
			var ropt report.Options
			var keep web.Retention
			if cfg != nil {
				ropt.CannotVerifyAfter = cfg.Recheck.CannotVerifyAfter.D()
				keep = web.Retention{Profiles: cfg.Retention.Profiles.D(), Referrals: cfg.Retention.Referrals.D()}
			}
			// On loopback with no proxy in front, only requests addressed to
			// this machine are answered (DNS rebinding).
			loopback := false
			if ta, ok := ln.Addr().(*net.TCPAddr); ok && ta.IP.IsLoopback() && !behindProxy {
				loopback = true
			}
			srv, err := web.New(web.Options{DB: db, Log: a.log, TLS: tls, BehindProxy: behindProxy, Loopback: loopback,
				TrustedOrigins: origins, Idle: idle, Jobs: jobs, Export: exp, Report: ropt, Retention: keep})
			if err != nil {
				return inputError{err}
			}
			users, err := srv.Users().List()
			if err != nil {
				return err
			}
			if len(users) == 0 {
				a.log.Warn().Msg("no user accounts yet: stop the server and run 'exposure user add NAME --role admin'")
			}
			a.log.Info().Str("url", url).Str("db", db.Path()).Int("jobs", len(jobs)).Msg("serving")
			fmt.Fprintf(a.stderr, "exposure: serving %s at %s (Ctrl-C to stop)\n", db.Path(), url)
			if err := srv.Serve(cmd.Context(), ln, certFile, keyFile); err != nil && !errors.Is(err, net.ErrClosed) {
				return err
			}
			a.log.Info().Msg("stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (loopback unless TLS or --insecure-behind-proxy)")
	f.StringVar(&certFile, "tls-cert", "", "TLS certificate file (PEM); serve HTTPS")
	f.StringVar(&keyFile, "tls-key", "", "TLS private key file (PEM)")
	f.BoolVar(&behindProxy, "insecure-behind-proxy", false, "allow a non-loopback address without TLS, because a TLS proxy is in front; trust its X-Forwarded-For and X-Forwarded-Proto")
	f.StringSliceVar(&origins, "trusted-origin", nil, "extra origin allowed to post forms (https://host), for a proxy that rewrites Host")
	f.DurationVar(&idle, "session-idle", 30*time.Minute, "sign reviewers out after this long without a request")
	f.StringVar(&cfgPath, "config", "", "config file whose schedule: section drives the in-process sweep and recheck")
	f.StringVar(&signKey, "key", "", "Ed25519 key that signs downloaded export packs (default exposure-keys/signing.key beside --db; without one, downloads are off)")
	f.StringVar(&exportDir, "export-dir", "", "where downloaded export packs are written and kept (default exposure-exports/ beside --db)")
	return cmd
}

// serveExport loads the signing key for pack downloads. With no --key and
// no key in the default place, downloads are off and the referral page
// says how to turn them on; a key given but unreadable is an error.
func (a *app) serveExport(keyPath, dir string) (*web.ExportOptions, error) {
	explicit := keyPath != ""
	if !explicit {
		keyPath = filepath.Join(a.keysDir(), export.PrivateKeyFile)
		if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) {
			a.log.Info().Str("key", keyPath).Msg("no signing key: export pack downloads are off (run 'exposure keys init')")
			return nil, nil
		}
	}
	key, err := export.LoadPrivateKey(keyPath)
	if err != nil {
		return nil, inputError{err}
	}
	if dir == "" {
		dir = filepath.Join(filepath.Dir(a.dbPath), "exposure-exports")
	}
	return &web.ExportOptions{Key: key, Dir: dir, Tool: version}, nil
}

// scheduledJobs turns the config file's schedule into the jobs serve runs
// in-process: the sweep and the recheck of due referrals, through the same
// pipeline as the commands, on the store this process owns.
func (a *app) scheduledJobs(cfg *config.Config, db *store.DB) ([]web.Job, error) {
	if cfg == nil || (cfg.Schedule.SweepEvery == 0 && cfg.Schedule.RecheckEvery == 0) {
		return nil, nil
	}
	e, err := a.engineFor(cfg)
	if err != nil {
		return nil, err
	}
	det, cl := e.detector, e.classifier
	// Jobs log their progress; there is no terminal to draw a bar on.
	prog := &progress{w: a.stderr, log: a.log}
	srcs, err := a.sources(e, db, prog)
	if err != nil {
		return nil, err
	}
	var jobs []web.Job
	if every := cfg.Schedule.SweepEvery.D(); every > 0 {
		jobs = append(jobs, web.Job{Name: "sweep", Every: every, Run: func(ctx context.Context) error {
			sw := &pipeline.Sweeper{DB: db, Sources: srcs, Identify: det, Classify: cl}
			s, err := sw.Run(ctx, pipeline.SweepOptions{Operator: cfg.Operator, Authority: cfg.Authority,
				ConfigHash: cfg.Hash(), IncludeReposts: cfg.Sweep.IncludeReposts, ToolVersion: version,
				RulesVersion: e.rulesVersion, Workers: 4, Progress: prog, Log: a.log})
			prog.Finish()
			if err == nil {
				a.log.Info().Uint64("sweep", s.ID).Int("in_scope", s.Summary.InScope).Int("flagged", s.Summary.Flagged).
					Int("failed", s.Summary.Failed).Msg("scheduled sweep finished")
			}
			return err
		}})
	}
	if every := cfg.Schedule.RecheckEvery.D(); every > 0 {
		jobs = append(jobs, web.Job{Name: "recheck", Every: every, Run: func(ctx context.Context) error {
			rc := &pipeline.Rechecker{DB: db, Sources: srcs}
			res, err := rc.Run(ctx, pipeline.RecheckOptions{Due: cfg.Recheck.Due.D(), Operator: cfg.Operator,
				Authority: cfg.Authority, Progress: prog, Log: a.log})
			prog.Finish()
			if err == nil {
				a.log.Info().Int("checked", res.Checked).Int("changes", len(res.Changes)).Msg("scheduled recheck finished")
			}
			return err
		}})
	}
	return jobs, nil
}
