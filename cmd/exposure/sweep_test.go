package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/simnet"
	"github.com/psd-tools/exposure/store"
)

// simEnv serves a small simulated world and writes its sweep config.
func simEnv(t *testing.T) (cfgPath, dbPath string, n *simnet.Network) {
	t.Helper()
	c := sim.DefaultConfig()
	c.Seed, c.Scale = 3, 0.05
	n, err := simnet.Start(sim.New(c), simnet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	dir := t.TempDir()
	cfgPath = filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(cfgPath, []byte(n.SweepConfig("Test Operator", "TEST-AUTH-1")), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"BEARER_TOKEN", "CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_SECRET"} {
		t.Setenv("EXPOSURE_TWITTER_"+k, "test-secret-"+k)
	}
	return cfgPath, filepath.Join(dir, "e.db"), n
}

func TestSweepRecheckReportCLI(t *testing.T) {
	cfg, db, n := simEnv(t)
	code, out, errs := exec(t, "", "--db", db, "sweep", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Sweep 1 complete") || !strings.Contains(out, "in scope") {
		t.Fatalf("sweep: %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(errs, "test-secret") {
		t.Fatal("a token reached the log")
	}
	// A second sweep is incremental: nothing new to read.
	if code, out, _ := exec(t, "", "--db", db, "sweep", "--config", cfg); code != 0 || !strings.Contains(out, "Sweep 2 complete") {
		t.Fatalf("second sweep: %d %s", code, out)
	}
	if code, _, errs := exec(t, "", "--db", db, "review", "confirm", "--all", "--reviewer", "DS Test"); code != 0 {
		t.Fatalf("confirm: %s", errs)
	}
	if code, out, errs := exec(t, "", "--db", db, "refer", "--all-forces", "--by", "DS Test"); code != 0 || !strings.Contains(out, "REF-") {
		t.Fatalf("refer: %d %s %s", code, out, errs)
	}
	n.World.Advance(6)
	code, out, errs = exec(t, "", "--db", db, "recheck", "--config", cfg, "--due", "0")
	if code != 0 || !strings.Contains(out, "Rechecked") || strings.Contains(out, "unknown") {
		t.Fatalf("recheck: %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := exec(t, "", "--db", db, "report"); code != 0 || !strings.Contains(out, "VISIBILITY") {
		t.Fatalf("report: %d %s %s", code, out, errs)
	}
}

func TestSweepBadInput(t *testing.T) {
	cfg, db, _ := simEnv(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o600)
		return p
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep"}, "--config is required"},
		{[]string{"sweep", "--config", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{[]string{"sweep", "--config", write("a.yaml", "operator: x\n")}, "a.yaml: authority: required"},
		{[]string{"sweep", "--config", write("b.yaml", "operator: x\nauthority: y\n")}, "b.yaml: no sources configured"},
		{[]string{"sweep", "--config", write("c.yaml", "operator: x\nauthority: y\nsites:\n  - site: nosuchsite\n    contact: a@b\n")}, "c.yaml:4: sites[0]"},
		{[]string{"sweep", "--config", write("d.yaml", "operator: x\nauthority: y\ntwiter: {}\n")}, "d.yaml:3: field twiter not found"},
		{[]string{"recheck", "--config", cfg, "--referral", "REF-1900-00001"}, "unknown referral"},
		{[]string{"recheck", "--config", cfg, "--due", "soon"}, "--due"},
	} {
		code, _, errs := exec(t, "", append([]string{"--db", db}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q on one line", tc.args, code, errs, tc.want)
		}
	}
}

// TestScheduledJobs runs serve's scheduled sweep and recheck jobs once
// against the simulated network.
func TestScheduledJobs(t *testing.T) {
	cfgPath, dbPath, _ := simEnv(t)
	raw, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, append(raw, []byte("schedule:\n  sweep_every: 7d\n  recheck_every: 1d\n")...), 0o600)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{stdout: io.Discard, stderr: io.Discard, dbPath: dbPath}
	db, err := store.Open(dbPath, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jobs, err := a.scheduledJobs(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].Name != "sweep" || jobs[1].Name != "recheck" || jobs[0].Every != 7*24*time.Hour {
		t.Fatalf("jobs = %+v", jobs)
	}
	for _, j := range jobs {
		if err := j.Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", j.Name, err)
		}
	}
	sweeps, _ := db.Sweeps()
	if len(sweeps) != 1 || sweeps[0].Status != store.SweepComplete || sweeps[0].Summary.InScope == 0 {
		t.Fatalf("sweeps = %+v", sweeps)
	}
}
