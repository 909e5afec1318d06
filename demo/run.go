package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/crawler/twitter"
	"github.com/psd-tools/exposure/export"
	"github.com/psd-tools/exposure/identify"
	"github.com/psd-tools/exposure/pipeline"
	"github.com/psd-tools/exposure/report"
	"github.com/psd-tools/exposure/rules"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/simnet"
	"github.com/psd-tools/exposure/store"
)

// The demo's own identities, labelled so that nobody mistakes its
// decisions for a person's or its authority for a real one.
const (
	Operator  = "exposure demo (simulated run)"
	Reviewer  = "demo reviewer (automatic: confirms every flag; not a human decision)"
	Authority = "DEMO-ONLY: simulated network, no real monitoring authorised"
)

// marker marks an output folder as the demo's, so a rerun may replace it.
const marker = ".exposure-demo"

// Options configure a demo run.
type Options struct {
	Out    string // output folder (default ./exposure-demo)
	Seed   int64
	Scale  float64
	Months int // how long the world runs on after the referrals (default 12)
	Rules  fs.FS
	Tool   string // exposure version
	Log    zerolog.Logger
	// Progress shows the long phases; it is also the sources' observer.
	Progress interface {
		pipeline.Progress
		crawler.Observer
	}
	Stdout io.Writer
}

// Result is what a demo run produced.
type Result struct {
	DB         string
	Config     string
	Sweep      store.Sweep
	Eval       Eval
	Truth      sim.Stats
	Referrals  []store.Referral
	Exports    []string
	ReportHTML string
	Page       report.Page
	Took       time.Duration
	// Phases times each step, for the closing figures.
	Phases []Phase
}

// Phase is one timed step of the demo.
type Phase struct {
	Name string
	Took time.Duration
}

// Run performs the whole demo and writes everything under opt.Out.
func Run(ctx context.Context, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Out == "" {
		opt.Out = "exposure-demo"
	}
	if opt.Months <= 0 {
		opt.Months = 12
	}
	if opt.Rules == nil {
		opt.Rules = rules.Embedded()
	}
	if err := prepareOut(opt.Out); err != nil {
		return nil, err
	}
	res := &Result{DB: filepath.Join(opt.Out, "exposure.db"), Config: filepath.Join(opt.Out, "sweep.yaml")}
	mark := time.Now()
	phase := func(name string) {
		res.Phases = append(res.Phases, Phase{name, time.Since(mark)})
		mark = time.Now()
	}
	say := func(format string, args ...any) {
		if opt.Stdout != nil {
			fmt.Fprintf(opt.Stdout, format+"\n", args...)
		}
	}

	// The world and its network.
	wc := sim.DefaultConfig()
	wc.Seed, wc.Scale = opt.Seed, opt.Scale
	if err := wc.Validate(); err != nil {
		return nil, err
	}
	world := sim.New(wc)
	res.Truth = world.Stats()
	net, err := simnet.Start(world, simnet.Options{})
	if err != nil {
		return nil, err
	}
	defer net.Close()
	say("Simulated network on %s: %d accounts, world clock %s (seed %d, scale %g)", net.URL,
		res.Truth.Accounts[sim.Twitter]+res.Truth.Accounts[sim.Facebook], world.Now().Format("2006-01-02"), opt.Seed, opt.Scale)

	// The same sweep configuration a user would write, pointed at it.
	if err := os.WriteFile(res.Config, []byte(net.SweepConfig(Operator, Authority)), 0o644); err != nil {
		return nil, err
	}
	cfg, err := config.Load(res.Config)
	if err != nil {
		return nil, err
	}
	det, err := identify.Load(opt.Rules)
	if err != nil {
		return nil, err
	}
	cl, err := classify.Load(opt.Rules)
	if err != nil {
		return nil, err
	}
	rv, err := rules.Version(opt.Rules)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(res.DB, store.Options{Create: true, Owner: "exposure demo"})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetClock(world.Now) // referrals and reviews happen in simulated time
	creds := &twitter.Credentials{BearerToken: "demo", ConsumerKey: "demo", ConsumerSecret: "demo", AccessToken: "demo", AccessSecret: "demo"}
	srcs, err := cfg.Sources(config.SourceDeps{Rules: opt.Rules, DB: db, Phrases: det, Observer: opt.Progress,
		Log: opt.Log, Version: opt.Tool, Now: world.Now, TwitterCredentials: creds})
	if err != nil {
		return nil, err
	}

	// Sweep.
	sw := &pipeline.Sweeper{DB: db, Sources: srcs, Identify: det, Classify: cl}
	res.Sweep, err = sw.Run(ctx, pipeline.SweepOptions{Operator: Operator, Authority: Authority, ConfigHash: cfg.Hash(),
		ToolVersion: opt.Tool, RulesVersion: rv + " " + cl.Version(), Workers: 4, Progress: opt.Progress, Log: opt.Log, Now: world.Now})
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	phase("generate, serve and sweep")
	res.Eval, err = Evaluate(db, world, world.Now())
	if err != nil {
		return nil, err
	}

	// Review: the demo confirms every flag, under its labelled identity.
	var keys []store.PostKey
	if err := db.Flags(store.FlagNew, func(f store.Flag) error {
		keys = append(keys, store.PostKey{Platform: f.Platform, PostID: f.PostID})
		return nil
	}); err != nil {
		return nil, err
	}
	batch := make([]store.Review, len(keys))
	for i, k := range keys {
		batch[i] = store.Review{Platform: k.Platform, PostID: k.PostID, Reviewer: Reviewer, Decision: store.Confirm,
			Reason: "demo: every flag is confirmed automatically"}
	}
	if _, err := db.ReviewBatch(batch); err != nil {
		return nil, err
	}

	// Refer per force, then export each referral.
	byForce := map[string][]store.PostKey{}
	if err := db.Flags(store.FlagConfirmed, func(f store.Flag) error {
		byForce[f.Force] = append(byForce[f.Force], store.PostKey{Platform: f.Platform, PostID: f.PostID})
		return nil
	}); err != nil {
		return nil, err
	}
	forces := make([]string, 0, len(byForce))
	for f := range byForce {
		forces = append(forces, f)
	}
	sort.Strings(forces)
	for _, f := range forces {
		ref, err := db.CreateReferral(store.NewReferral{Force: f, CreatedBy: Reviewer, Unit: "Professional Standards Department (simulation)",
			Authority: Authority, Note: "Simulated referral produced by 'exposure demo'.", Posts: byForce[f]})
		if err != nil {
			return nil, err
		}
		res.Referrals = append(res.Referrals, ref)
	}
	phase("evaluate, review and refer")
	_, privPath, _, err := export.InitKeys(filepath.Join(opt.Out, "exposure-keys")) // where the CLI looks beside the database
	if err != nil {
		return nil, err
	}
	key, err := export.LoadPrivateKey(privPath)
	if err != nil {
		return nil, err
	}
	opt.Progress.Phase("export", len(res.Referrals))
	for _, ref := range res.Referrals {
		dir := filepath.Join(opt.Out, "exports", ref.ID)
		if _, err := export.Write(ctx, db, export.Request{Referral: ref.ID}, export.Options{Out: dir, Key: key, Operator: Operator, Tool: opt.Tool}); err != nil {
			return nil, fmt.Errorf("export %s: %w", ref.ID, err)
		}
		res.Exports = append(res.Exports, dir)
		opt.Progress.Add(1, 0, 0)
	}
	phase("export")

	// Time passes: a recheck every month.
	rc := &pipeline.Rechecker{DB: db, Sources: srcs}
	for m := 1; m <= opt.Months; m++ {
		world.Advance(1)
		if _, err := rc.Run(ctx, pipeline.RecheckOptions{Operator: Operator, Authority: Authority, Progress: opt.Progress,
			Log: opt.Log, Now: world.Now}); err != nil {
			return nil, fmt.Errorf("recheck after %d months: %w", m, err)
		}
	}
	phase(fmt.Sprintf("advance %d months with monthly rechecks", opt.Months))

	// Report.
	res.Page, err = report.FromStore(db, world.Now(), report.Options{})
	if err != nil {
		return nil, err
	}
	res.Page.Source = res.DB + " (simulated network)"
	res.ReportHTML = filepath.Join(opt.Out, "report.html")
	f, err := os.Create(res.ReportHTML)
	if err != nil {
		return nil, err
	}
	if err := report.WriteHTML(f, res.Page); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	phase("report")
	res.Took = time.Since(start)
	return res, nil
}

// prepareOut creates the output folder, or empties one a previous demo
// made. Any other non-empty folder is refused: the demo never deletes
// what it did not write.
func prepareOut(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
			return fmt.Errorf("output folder %s exists and was not made by 'exposure demo': choose another --out", dir)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, marker), []byte("made by exposure demo; rerunning the demo replaces this folder\n"), 0o644)
}
