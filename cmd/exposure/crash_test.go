package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/simnet"
	"github.com/psd-tools/exposure/store"
)

// The crash suite builds the real binary and kills it with SIGKILL at
// random points (from a fixed seed) while it sweeps, confirms flags,
// refers them, exports a pack and rechecks, restarting it each time, then
// checks that the store equals the store of an uninterrupted run: same
// profiles, posts, flags, reviews, referrals and checks, no duplicates, the
// audit chain intact, the sweep's counts not doubled. It also stops the
// binary with SIGINT and SIGTERM and checks it exits within two seconds
// with everything it finished stored.
//
// CI runs a handful of kill points on a small world. For more:
//
//	EXPOSURE_CRASH_KILLS=40 EXPOSURE_CRASH_SCALE=1 go test -run TestCrash -timeout 1h ./cmd/exposure

// crashEnv is the built binary and the simulated network it talks to.
type crashEnv struct {
	bin, cfg string
	net      *simnet.Network
	env      []string
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}

// buildBinary builds cmd/exposure into dir (not with -race: the binary is
// the one users run).
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "exposure")
	cmd := osexec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func newCrashEnv(t *testing.T, scale float64) *crashEnv {
	t.Helper()
	dir := t.TempDir()
	c := sim.DefaultConfig()
	c.Seed, c.Scale = 5, scale
	n, err := simnet.Start(sim.New(c), simnet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	cfg := filepath.Join(dir, "sweep.yaml")
	if err := os.WriteFile(cfg, []byte(n.SweepConfig("Crash Suite", "TEST-CRASH-1")), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "EXPOSURE_OPERATOR=crash-suite")
	for _, k := range []string{"BEARER_TOKEN", "CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_SECRET"} {
		env = append(env, "EXPOSURE_TWITTER_"+k+"=crash-"+strings.ToLower(k))
	}
	return &crashEnv{bin: buildBinary(t, dir), cfg: cfg, net: n, env: env}
}

// step is one command of the job, and how to tell that it has nothing
// left to do when run again after it completed.
type step struct {
	name string
	args []string
	// doneMsg, on stderr with exit 2, means a rerun found the work done.
	doneMsg string
}

func (e *crashEnv) steps(db string) []step {
	return []step{
		{name: "sweep", args: []string{"--db", db, "sweep", "--config", e.cfg}},
		{name: "review confirm --all", args: []string{"--db", db, "review", "confirm", "--all", "--reviewer", "DS Crash"}},
		{name: "refer --all-forces", args: []string{"--db", db, "refer", "--all-forces", "--by", "DS Crash"}, doneMsg: "no confirmed flags to refer"},
	}
}

// start runs the binary with args.
func (e *crashEnv) start(args ...string) (*osexec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	cmd := osexec.Command(e.bin, append([]string{"--log-format", "json"}, args...)...)
	cmd.Env, cmd.Stdout, cmd.Stderr = e.env, &out, &errb
	return cmd, &out, &errb
}

// runToEnd runs a command to completion and returns its exit code.
func (e *crashEnv) runToEnd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd, out, errb := e.start(args...)
	err := cmd.Run()
	var ee *osexec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("%v: %v", args, err)
	return 0, "", ""
}

// killAt starts a command and kills it with SIGKILL after d. It reports
// whether the kill landed (false: the command had already finished).
func (e *crashEnv) killAt(t *testing.T, d time.Duration, args ...string) bool {
	t.Helper()
	cmd, _, errb := e.start(args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *osexec.ExitError
		if err != nil && errors.As(err, &ee) && ee.ExitCode() == 1 {
			t.Fatalf("%v failed before the kill: %s", args, lastLines(errb.String(), 5))
		}
		return false
	case <-time.After(d):
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
	return true
}

func (e *crashEnv) finish(t *testing.T, s step) string {
	t.Helper()
	code, out, errs := e.runToEnd(t, s.args...)
	if code == 0 || code == 2 && s.doneMsg != "" && strings.Contains(errs, s.doneMsg) {
		return out
	}
	t.Fatalf("%s after kills: exit %d\n%s\n%s", s.name, code, out, lastLines(errs, 8))
	return ""
}

func TestCrashSafety(t *testing.T) {
	kills := envInt("EXPOSURE_CRASH_KILLS", 10)
	scale := envFloat("EXPOSURE_CRASH_SCALE", 0.1)
	if testing.Short() {
		kills = min(kills, 4)
	}
	e := newCrashEnv(t, scale)
	dir := t.TempDir()
	refDB, crashDB := filepath.Join(dir, "ref.db"), filepath.Join(dir, "crash.db")
	refOut, crashOut := filepath.Join(dir, "ref-pack"), filepath.Join(dir, "crash-pack")
	for _, db := range []string{refDB, crashDB} {
		keys := filepath.Join(filepath.Dir(db), "exposure-keys")
		if _, err := os.Stat(keys); err != nil {
			if code, _, errs := e.runToEnd(t, "--db", db, "keys", "init"); code != 0 {
				t.Fatalf("keys init: %s", errs)
			}
		}
	}
	rng := rand.New(rand.NewPCG(42, 7))
	// Kills per step: the sweep gets most, as it has the most state.
	share := map[string]int{"sweep": max(kills*4/10, 1), "review confirm --all": max(kills/10, 1),
		"refer --all-forces": max(kills*2/10, 1), "export": max(kills/10, 1), "recheck": max(kills*2/10, 1)}
	landed := map[string]int{}
	var refTook = map[string]time.Duration{}

	run := func(s step, ref step) {
		start := time.Now()
		e.finish(t, ref)
		refTook[s.name] = time.Since(start)
		// Kill points spread over the job: each run gets about its share
		// of the uninterrupted run's time, give or take, before SIGKILL
		// (some land while it starts, opens the store or loads rules).
		n := share[s.name]
		for range n {
			d := time.Duration(rng.Int64N(2*int64(refTook[s.name])/int64(n)+1)) + 5*time.Millisecond
			if !e.killAt(t, d, s.args...) {
				return // it finished before the kill: the step is done
			}
			landed[s.name]++
			if st, err := os.Stat(crashDB); err == nil && st.Size() > 0 {
				dumpStore(t, crashDB, dumpOptions{}) // consistent after every kill
			}
		}
		e.finish(t, s)
	}
	refSteps, crashSteps := e.steps(refDB), e.steps(crashDB)
	for i := range refSteps {
		run(crashSteps[i], refSteps[i])
	}
	// Export the first referral (the ids are the same in both stores).
	firstRef := ""
	{
		db, err := store.Open(refDB, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		db.Referrals(func(r store.Referral) error { firstRef = r.ID; return store.Stop })
		db.Close()
	}
	export := func(db, out string) step {
		return step{name: "export", args: []string{"--db", db, "export", "--referral", firstRef, "--out", out}, doneMsg: "exists and is not empty"}
	}
	run(export(crashDB, crashOut), export(refDB, refOut))
	e.net.World.Advance(6)
	recheck := func(db string) step {
		return step{name: "recheck", args: []string{"--db", db, "recheck", "--config", e.cfg}}
	}
	run(recheck(crashDB), recheck(refDB))

	got, want := dumpStore(t, crashDB, dumpOptions{}), dumpStore(t, refDB, dumpOptions{})
	if d := sameStore(got, want); len(d) > 0 {
		t.Fatalf("after kills the store differs from an uninterrupted run's:\n%s", strings.Join(d, "\n"))
	}
	if len(want.Profiles) == 0 || len(want.Referrals) == 0 || len(want.Checks) == 0 {
		t.Fatalf("the reference run did too little: %d profiles, %d referrals, %d checked posts", len(want.Profiles), len(want.Referrals), len(want.Checks))
	}
	// The sweep's counts (the study table) are not doubled by resuming.
	sweeps := func(path string) string {
		db, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		all, err := db.Sweeps()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, s := range all {
			fmt.Fprintf(&b, "sweep %d %s %+v\n", s.ID, s.Status, s.Summary)
		}
		return b.String()
	}
	if g, w := sweeps(crashDB), sweeps(refDB); g != w {
		t.Errorf("sweeps after kills:\n%s\nuninterrupted:\n%s", g, w)
	}
	if got.Actions[store.ActExport] < 1 {
		t.Error("the export is not in the audit log")
	}
	for _, name := range []string{"audit verify"} {
		if code, out, errs := e.runToEnd(t, "--db", crashDB, "audit", "verify"); code != 0 || !strings.Contains(out, "intact") {
			t.Errorf("%s: exit %d %s %s", name, code, out, errs)
		}
	}
	if code, out, errs := e.runToEnd(t, "verify", crashOut); code != 0 {
		t.Errorf("the export pack after kills does not verify: %s %s", out, errs)
	}
	if code, out, errs := e.runToEnd(t, "verify", crashOut+".zip"); code != 0 {
		t.Errorf("the export zip after kills does not verify: %s %s", out, errs)
	}
	ents, _ := os.ReadDir(dir)
	for _, en := range ents {
		if strings.Contains(en.Name(), ".tmp-") {
			t.Errorf("a killed export left %s behind", en.Name())
		}
	}
	total := 0
	for _, n := range landed {
		total += n
	}
	t.Logf("scale %g: %d profiles, %d flags, %d referrals, %d checks; %d kills landed %v; uninterrupted run times %v",
		scale, len(want.Profiles), len(want.Flags), len(want.Referrals), len(want.Checks), total, landed, refTook)
	if landed["sweep"] == 0 {
		t.Error("no kill landed during the sweep")
	}
}

// TestGracefulStop sends SIGINT during a sweep and SIGTERM during a
// recheck: the binary must exit within two seconds, having stored
// everything it finished, and the next run completes the work.
func TestGracefulStop(t *testing.T) {
	e := newCrashEnv(t, envFloat("EXPOSURE_CRASH_SCALE", 0.1))
	dir := t.TempDir()
	db := filepath.Join(dir, "e.db")
	stop := func(sig syscall.Signal, after time.Duration, args ...string) (stopped bool, took time.Duration, stderr string) {
		cmd, _, errb := e.start(args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			return false, 0, errb.String()
		case <-time.After(after):
		}
		sent := time.Now()
		_ = cmd.Process.Signal(sig)
		select {
		case <-done:
			return true, time.Since(sent), errb.String()
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("%v: still running 10s after %v", args, sig)
		}
		return
	}
	// SIGINT part way through the sweep (after discovery has begun).
	stopped, took, errs := stop(syscall.SIGINT, 1500*time.Millisecond, "--db", db, "sweep", "--config", e.cfg)
	if stopped {
		if took > 2*time.Second {
			t.Errorf("sweep took %v to stop after SIGINT; want under 2s", took)
		}
		if !strings.Contains(errs, "sweep stopped; everything finished so far is stored") {
			t.Errorf("no stop message: %s", lastLines(errs, 3))
		}
		dumpStore(t, db, dumpOptions{})
		t.Logf("sweep stopped %v after SIGINT", took)
	} else {
		t.Log("the sweep finished before SIGINT; nothing to stop")
	}
	if code, out, errs := e.runToEnd(t, "--db", db, "sweep", "--config", e.cfg); code != 0 || !strings.Contains(out, "complete") {
		t.Fatalf("resumed sweep: %d %s %s", code, out, errs)
	}
	for _, args := range [][]string{{"review", "confirm", "--all", "--reviewer", "DS Stop"}, {"refer", "--all-forces", "--by", "DS Stop"}} {
		if code, _, errs := e.runToEnd(t, append([]string{"--db", db}, args...)...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	e.net.World.Advance(6)
	// SIGTERM at once: the recheck is short; stop it as early as it can be.
	stopped, took, errs = stop(syscall.SIGTERM, 300*time.Millisecond, "--db", db, "recheck", "--config", e.cfg)
	if stopped {
		if took > 2*time.Second {
			t.Errorf("recheck took %v to stop after SIGTERM; want under 2s", took)
		}
		t.Logf("recheck stopped %v after SIGTERM", took)
		if !strings.Contains(errs, "recheck stopped after") {
			t.Errorf("no stop message: %s", lastLines(errs, 3))
		}
	} else {
		t.Logf("the recheck finished before SIGTERM: %s", lastLines(errs, 2))
	}
	dumpStore(t, db, dumpOptions{})
	if code, out, errs := e.runToEnd(t, "--db", db, "recheck", "--config", e.cfg); code != 0 {
		t.Fatalf("recheck after SIGTERM: %d %s %s", code, out, errs)
	}
	d := dumpStore(t, db, dumpOptions{})
	for post, hist := range d.Checks {
		if strings.Count(hist, checkSep) != 0 {
			t.Errorf("%s: checked more than once across the stopped and the finished recheck: %q", post, hist)
		}
	}
}
