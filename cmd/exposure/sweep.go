package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/identify"
	"github.com/psd-tools/exposure/pipeline"
	"github.com/psd-tools/exposure/rules"
	"github.com/psd-tools/exposure/store"
)

// engine is what sweeps and rechecks need loaded: configuration, rules,
// detector and classifier.
type engine struct {
	cfg          *config.Config
	rules        fs.FS
	detector     *identify.Detector
	classifier   *classify.Classifier
	rulesVersion string
}

func (a *app) loadEngine(configPath string) (*engine, error) {
	if configPath == "" {
		return nil, badInput("--config is required (see the README for a complete sweep.yaml)")
	}
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, inputError{err}
	}
	return a.engineFor(cfg)
}

// engineFor loads the rules, detector and classifier for cfg.
func (a *app) engineFor(cfg *config.Config) (*engine, error) {
	fsys, err := a.rulesFS()
	if err != nil {
		return nil, err
	}
	det, err := identify.Load(fsys)
	if err != nil {
		return nil, inputError{err}
	}
	cl, err := classify.Load(fsys)
	if err != nil {
		return nil, inputError{err}
	}
	rv, err := rules.Version(fsys)
	if err != nil {
		return nil, err
	}
	return &engine{cfg: cfg, rules: fsys, detector: det, classifier: cl, rulesVersion: rv + " " + cl.Version()}, nil
}

// sources builds the configured sources on db.
func (a *app) sources(e *engine, db *store.DB, obs crawler.Observer) ([]crawler.Source, error) {
	srcs, err := e.cfg.Sources(config.SourceDeps{Rules: e.rules, DB: db, Phrases: e.detector, Observer: obs, Log: a.log, Version: version})
	if err != nil {
		return nil, inputError{err}
	}
	return srcs, nil
}

func (a *app) sweepCmd() *cobra.Command {
	var configPath string
	var workers int
	cmd := &cobra.Command{
		Use:   "sweep --config sweep.yaml",
		Short: "Find self-identifying police profiles and flag their public posts",
		Long: `Run one sweep: discover candidate profiles on every configured source, decide
who is a serving officer or member of staff in scope (and which force), read
their public posts (only what is new since the last sweep), classify each post
and store the in-scope profiles and the flagged posts with their evidence.
Unflagged posts are counted, not kept.

The sweep is checkpointed per profile: if it is stopped (Ctrl-C, a crash, a
power cut), running the same command again resumes it with nothing counted or
stored twice. Profiles that fail for a transient reason (timeouts, rate limits,
server errors) are left for the next run and listed in the summary.

The config must name an operator and an authority reference (the policy or
authorisation that permits this monitoring); a sweep without one does not
start. Platform credentials come from the environment, never from the file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := a.loadEngine(configPath)
			if err != nil {
				return err
			}
			a.owner = "exposure sweep"
			db, err := a.openDB(true, false)
			if err != nil {
				return err
			}
			defer db.Close()
			prog := a.newProgress()
			defer prog.Finish()
			srcs, err := a.sources(e, db, prog)
			if err != nil {
				return err
			}
			sw := &pipeline.Sweeper{DB: db, Sources: srcs, Identify: e.detector, Classify: e.classifier}
			s, err := sw.Run(cmd.Context(), pipeline.SweepOptions{
				Operator: e.cfg.Operator, Authority: e.cfg.Authority, ConfigHash: e.cfg.Hash(),
				IncludeReposts: e.cfg.Sweep.IncludeReposts, ToolVersion: version, RulesVersion: e.rulesVersion,
				Workers: workers, Progress: prog, Log: a.log,
			})
			prog.Finish()
			if err != nil {
				if cmd.Context().Err() != nil {
					return fmt.Errorf("sweep stopped; everything finished so far is stored: run the same command again to resume")
				}
				return err
			}
			printSweep(a.stdout, s)
			return nil
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "sweep configuration file (YAML)")
	cmd.Flags().IntVar(&workers, "workers", 4, "profiles read at once per platform (the sources' rate limits still apply)")
	return cmd
}

// printSweep writes a sweep's summary.
func printSweep(w io.Writer, s store.Sweep) {
	sum := s.Summary
	took := s.Finished.Sub(s.Started).Round(100 * time.Millisecond)
	fmt.Fprintf(w, "Sweep %d %s in %s (operator %s, authority %s)\n", s.ID, s.Status, took, safe(s.Operator), safe(s.Authority))
	fmt.Fprintf(w, "  candidates           %6d\n", sum.Candidates)
	fmt.Fprintf(w, "  in scope             %6d  (%s)\n", sum.InScope, countList(sum.InScopeByPlatform))
	fmt.Fprintf(w, "  posts read           %6d\n", sum.PostsRead)
	fmt.Fprintf(w, "  flagged posts        %6d  on %d profiles (%s)\n", sum.Flagged, sum.ProfilesFlagged, countList(sum.FlaggedByPlatform))
	for _, c := range classify.Categories {
		fmt.Fprintf(w, "    %-18s %6d\n", c, sum.FlaggedByCategory[string(c)])
	}
	if len(sum.Rejected) > 0 {
		fmt.Fprintf(w, "  out of scope         %6d  (%s)\n", sum.Candidates-sum.InScope-sum.Failed, topReasons(sum.Rejected, 5))
	}
	if sum.Failed > 0 {
		fmt.Fprintf(w, "  left for next run    %6d  (%s)\n", sum.Failed, topReasons(sum.Failures, 3))
	}
	platforms := make([]string, 0, len(sum.Discovery))
	for p := range sum.Discovery {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	for _, p := range platforms {
		fmt.Fprintf(w, "  discovery incomplete on %s (the next sweep discovers again): %s\n", p, oneLine(sum.Discovery[p], 200))
	}
	for _, p := range slices.Sorted(maps.Keys(sum.Unavailable)) {
		list := sum.Unavailable[p]
		fmt.Fprintf(w, "  seed accounts unavailable on %s: %d; correct the seed list (rules/forces.yaml handles, or the config's seeds): %s\n",
			p, strings.Count(list, "; ")+1, oneLine(list, 200))
	}
	fmt.Fprintln(w, "Next: 'exposure review list' to work through the flags, 'exposure report sweep' for the study table.")
}

func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func topReasons(m map[string]int, n int) string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v || list[i].v == list[j].v && list[i].k < list[j].k })
	var parts []string
	for i, e := range list {
		if i == n {
			parts = append(parts, fmt.Sprintf("%d more reasons", len(list)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", oneLine(e.k, 60), e.v))
	}
	return strings.Join(parts, "; ")
}

func (a *app) recheckCmd() *cobra.Command {
	var configPath, referral, force, due string
	cmd := &cobra.Command{
		Use:   "recheck --config sweep.yaml",
		Short: "Re-fetch referred posts and record whether they are still visible",
		Long: `Recheck every referred post whose last check is older than --due (default
from the config, 30 days): fetch it again through its platform, in batches, and
append a check with its state: visible, edited (the text changed; both texts
are kept), removed, account_protected, account_suspended, account_gone, or
unknown. A check never overwrites an earlier one.

A transient failure (timeout, server error, rate limit) is recorded as unknown
and retried on the next run: it is never counted as a removal. --referral and
--force narrow the recheck; --due 0 rechecks everything now.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := a.loadEngine(configPath)
			if err != nil {
				return err
			}
			dueFor := e.cfg.Recheck.Due.D()
			switch due {
			case "":
			case "0":
				dueFor = 0
			default:
				if dueFor, err = config.ParseDuration(due); err != nil {
					return badInput("--due: %v", err)
				}
			}
			a.owner = "exposure recheck"
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			if force != "" {
				if force, err = a.resolveForce(force); err != nil {
					return err
				}
			}
			if referral != "" {
				if _, err := db.Referral(referral); errors.Is(err, store.ErrNotFound) {
					return badInput("unknown referral %q: 'exposure refer list' shows them", referral)
				}
			}
			prog := a.newProgress()
			defer prog.Finish()
			srcs, err := a.sources(e, db, prog)
			if err != nil {
				return err
			}
			rc := &pipeline.Rechecker{DB: db, Sources: srcs}
			res, err := rc.Run(cmd.Context(), pipeline.RecheckOptions{Due: dueFor, Referral: referral, Force: force,
				Operator: e.cfg.Operator, Authority: e.cfg.Authority, Progress: prog, Log: a.log})
			prog.Finish()
			if err != nil {
				if cmd.Context().Err() != nil {
					return fmt.Errorf("recheck stopped after %d posts; their checks are stored: run the same command again to check the rest", res.Checked)
				}
				return err
			}
			printRecheck(a.stdout, res)
			return nil
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "sweep configuration file (YAML): the sources to recheck through")
	cmd.Flags().StringVar(&referral, "referral", "", "only this referral's posts")
	cmd.Flags().StringVar(&force, "force", "", "only posts referred to this force")
	cmd.Flags().StringVar(&due, "due", "", "recheck posts whose last check is older than this (e.g. 30d; 0 for all)")
	return cmd
}

func printRecheck(w io.Writer, res pipeline.RecheckResult) {
	fmt.Fprintf(w, "Rechecked %d referred posts\n", res.Checked)
	for _, st := range []string{"visible", "edited", "removed", "account_protected", "account_suspended", "account_gone", "unknown"} {
		for k, n := range res.ByState {
			if string(k) == st && n > 0 {
				fmt.Fprintf(w, "  %-18s %6d\n", st, n)
			}
		}
	}
	if n := res.ByState[crawler.StateUnknown]; n > 0 {
		fmt.Fprintf(w, "  unknown: %d check(s) failed for a transient reason and are retried on the next run (%s)\n", n, topReasons(res.Unknown, 3))
	}
	for p, n := range res.Skipped {
		fmt.Fprintf(w, "  not rechecked: %d on %s (no source configured)\n", n, p)
	}
	if len(res.Changes) > 0 {
		fmt.Fprintf(w, "  %d state change(s) since the last check (see 'exposure audit list')\n", len(res.Changes))
	}
}
