package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/fakesite"
	"github.com/psd-tools/exposure/sim/faketwitter"
	"github.com/psd-tools/exposure/sim/simnet"
	"github.com/psd-tools/exposure/store"
)

// The fault-injection suite runs whole sweeps and rechecks through the
// command line and the real clients against the simulated network, with
// the fakes injecting faults, and checks what a PSD relies on:
//
//   - the run finishes and its printed summary says what failed and why;
//   - retries are bounded (requests are counted against a clean run's);
//   - nothing half-done is stored (each stored profile has exactly the
//     posts and flags a clean run stores for it);
//   - no transient failure is recorded as removed (a recheck under faults
//     says what the clean recheck says, or unknown);
//   - the next run without faults completes the work: the store then
//     equals a clean run's (profiles, posts, flags, reviews, referrals,
//     and checks modulo the unknown ones).
//
// By default each scenario pairs one Twitter fault with one site fault
// (they are independent sources), plus clock skew and two random mixes;
// EXPOSURE_FAULTS=full runs every fault kind on its own and more mixes.

// Retry settings the suite's config uses, for the request bounds.
const (
	ftAttempts   = 3 // twitter retry.max_attempts
	ftWaits      = 2 // twitter retry.max_rate_limit_waits
	fsRetries    = 2 // site retries
	fsRedirects  = 5 // site max_redirects
	faultSeed    = 11
	faultScale   = 0.02
	faultMonths  = 6
	faultTimeout = "1s"
)

// faultWorld is small, so that a scenario costs seconds, but dense: five
// times the study's share of inappropriate posts, changing five times as
// fast, so that every scenario has referred posts on both platforms and
// some of them change state before the recheck.
func faultWorld() *sim.World {
	c := sim.DefaultConfig()
	c.Seed, c.Scale = faultSeed, faultScale
	for k, v := range c.Inappropriate {
		c.Inappropriate[k] = 5 * v
	}
	c.Offenders *= 3
	f := &c.Flagged
	for _, r := range []*float64{&f.PostDeleted, &f.PostEdited, &f.AccountProtected, &f.AccountSuspended, &f.AccountDeleted, &f.AccountRenamed} {
		*r *= 5
	}
	return sim.New(c)
}

// faultConfig is the sweep config for the suite: short timeouts and
// retry delays, so that a fault costs milliseconds, and the same bounds a
// real config has.
func faultConfig(t *testing.T, n *simnet.Network) string {
	t.Helper()
	notBefore := n.World.Start().AddDate(-1, 0, -7).UTC().Format(time.RFC3339)
	text := fmt.Sprintf(`operator: "Fault Suite"
authority: "TEST-FAULTS-1"
contact: "faults@example.invalid"
twitter:
  base_url: %[1]s
  request_timeout: %[3]s
  max_body_bytes: 2097152
  discover:
    user_search: {enabled: true}
    followers: {enabled: true}
    tweet_search: {enabled: true, queries: ["#nightshift", "#ResponseLife", "#frontline", "#copperslife"]}
  timeline: {not_before: %[2]s}
  retry: {max_attempts: %[4]d, base_delay: 2ms, max_delay: 20ms, max_rate_limit_waits: %[5]d}
  rate_limit: {max_wait: 5s, fallback_wait: 1s}
sites:
  - site: facebook
    base_url: %[1]s
    allow_private_addresses: true
    delay: 0s
    random_delay: 0s
    parallelism: 8
    not_before: %[2]s
    timeout: %[3]s
    retries: %[6]d
    backoff: 2ms
    max_wait: 2s
    max_redirects: %[7]d
    max_body_bytes: 1048576
recheck:
  due: 1d
`, n.URL, notBefore, faultTimeout, ftAttempts, ftWaits, fsRetries, fsRedirects)
	path := filepath.Join(t.TempDir(), "sweep.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// counts is what the fakes answered during one stage.
type counts struct {
	twitter map[string]int // per endpoint
	site    map[string]int // per request URI
}

func snapshot(n *simnet.Network) counts {
	return counts{twitter: n.Twitter.Stats().Requests, site: n.Site.HitCounts()}
}

func (c counts) since(before counts) counts {
	d := counts{twitter: map[string]int{}, site: map[string]int{}}
	for k, v := range c.twitter {
		if v -= before.twitter[k]; v > 0 {
			d.twitter[k] = v
		}
	}
	for k, v := range c.site {
		if v -= before.site[k]; v > 0 {
			d.site[k] = v
		}
	}
	return d
}

func (c counts) total() (tw, site int) {
	for _, v := range c.twitter {
		tw += v
	}
	for _, v := range c.site {
		site += v
	}
	return
}

// faultRef is the clean run every scenario is compared with.
type faultRef struct {
	swept, referred, rechecked storeDump
	sweepReq, recheckReq       counts
	states                     map[string]string // post -> state after the recheck
}

// cliEnv sets the credentials the sources read from the environment.
func cliEnv(t *testing.T) {
	for _, k := range []string{"BEARER_TOKEN", "CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_SECRET"} {
		t.Setenv("EXPOSURE_TWITTER_"+k, "fault-suite-"+strings.ToLower(k))
	}
}

func mustRun(t *testing.T, what string, args ...string) string {
	t.Helper()
	code, out, errs := exec(t, "", args...)
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s\n%s", what, code, out, lastLines(errs, 20))
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func buildFaultRef(t *testing.T, addr string) *faultRef {
	t.Helper()
	n, err := simnet.Start(faultWorld(), simnet.Options{Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	cfg := faultConfig(t, n)
	db := filepath.Join(t.TempDir(), "ref.db")
	ref := &faultRef{}
	before := snapshot(n)
	out := mustRun(t, "reference sweep", "--db", db, "sweep", "--config", cfg)
	ref.sweepReq = snapshot(n).since(before)
	if strings.Contains(out, "left for next run") {
		t.Fatalf("the clean reference sweep left work:\n%s", out)
	}
	ref.swept = dumpStore(t, db, dumpOptions{})
	if len(ref.swept.Profiles) == 0 || len(ref.swept.Flags) == 0 {
		t.Fatalf("reference sweep stored %d profiles, %d flags", len(ref.swept.Profiles), len(ref.swept.Flags))
	}
	referAllCLI(t, db)
	ref.referred = dumpStore(t, db, dumpOptions{})
	n.World.Advance(faultMonths)
	before = snapshot(n)
	out = mustRun(t, "reference recheck", "--db", db, "recheck", "--config", cfg)
	ref.recheckReq = snapshot(n).since(before)
	if strings.Contains(out, "unknown") {
		t.Fatalf("the clean reference recheck has unknowns:\n%s", out)
	}
	ref.rechecked = dumpStore(t, db, dumpOptions{noUnknown: true})
	ref.states = lastStates(ref.rechecked)
	moved := 0
	for _, st := range ref.states {
		if !strings.HasPrefix(st, "visible") {
			moved++
		}
	}
	if moved == 0 {
		t.Fatalf("no referred post changed in %d months: the recheck scenarios would prove nothing", faultMonths)
	}
	t.Logf("reference: %d profiles, %d flags, %d referred (%d no longer plainly visible); sweep %v, recheck %v requests",
		len(ref.swept.Profiles), len(ref.swept.Flags), len(ref.states), moved, fmtTotal(ref.sweepReq), fmtTotal(ref.recheckReq))
	return ref
}

func fmtTotal(c counts) string {
	tw, site := c.total()
	return fmt.Sprintf("%d twitter + %d site", tw, site)
}

func referAllCLI(t *testing.T, db string) {
	t.Helper()
	mustRun(t, "confirm", "--db", db, "review", "confirm", "--all", "--reviewer", "DS Fault")
	mustRun(t, "refer", "--db", db, "refer", "--all-forces", "--by", "DS Fault")
}

// lastStates maps each post to its last check's "state:text".
func lastStates(d storeDump) map[string]string {
	out := map[string]string{}
	for k, v := range d.Checks {
		f := strings.Split(v, checkSep)
		out[k] = f[len(f)-1]
	}
	return out
}

// scenario is the faults of one run: one set during the sweep, one
// during the recheck.
type scenario struct {
	name           string
	sweep, recheck faultSet
}

type faultSet struct {
	twitter faketwitter.Faults
	site    fakesite.Faults
	// skew, with skewed, puts the fake Twitter's clock this far from the
	// wall clock (the world's own clock is a year behind the wall, which
	// a client that ignored the Date header would never notice: a reset
	// in the past is waited out for a second anyway).
	skew   time.Duration
	skewed bool
}

// at returns the faults with the skew set for world w.
func (f faultSet) at(w *sim.World) faultSet {
	if f.skewed {
		f.twitter.Skew = time.Since(w.Now()) + f.skew
	}
	return f
}

// twitterRule injects kind into a share of every endpoint's requests; the
// slow kinds (a hang costs the request timeout, a 429 at least a second)
// only a few times.
func twitterRule(kind faketwitter.Kind, seed int64) faketwitter.Faults {
	r := faketwitter.Rule{Kinds: []faketwitter.Kind{kind}, Rate: 0.3}
	switch kind {
	case faketwitter.Hang, faketwitter.RateLimit, faketwitter.RateLimitNoRetryAfter, faketwitter.RateLimitBare:
		r = faketwitter.Rule{Kinds: []faketwitter.Kind{kind}, Rate: 0.5, Skip: 3, Times: 4}
	}
	return faketwitter.Faults{Seed: seed, Rules: []faketwitter.Rule{r}, Latency: 5 * time.Millisecond,
		RetryAfter: time.Second, OversizeBytes: 3 << 20, HangFor: 5 * time.Second}
}

func siteRule(kind fakesite.Kind, seed uint64) fakesite.Faults {
	f := fakesite.Fault{Kind: kind, Delay: 5 * time.Millisecond, RetryAfter: time.Second, Size: 3 << 19}
	switch kind {
	case fakesite.RobotsDisallow:
		return fakesite.Faults{Rules: []fakesite.Rule{{Path: "/robots.txt", Fault: f}}}
	case fakesite.Timeout, fakesite.RateLimit, fakesite.RateLimitBare, fakesite.Unavailable:
		// Past robots.txt and the first search page, a handful of times.
		if kind == fakesite.Timeout {
			f.Delay = 3 * time.Second
		}
		return fakesite.Faults{Rules: []fakesite.Rule{{Path: "/", Fault: f, Skip: 4, Times: 4}}}
	}
	return fakesite.Faults{Seed: seed, Rate: 0.3, Mix: []fakesite.Fault{f}}
}

func mixed(seed int64) faultSet {
	var tk []faketwitter.Kind
	for _, k := range faketwitter.Kinds {
		if k != faketwitter.Hang { // a hang costs a whole timeout; it has its own scenario
			tk = append(tk, k)
		}
	}
	var sm []fakesite.Fault
	for _, k := range fakesite.Kinds {
		if k == fakesite.Timeout || k == fakesite.RobotsDisallow {
			continue
		}
		sm = append(sm, fakesite.Fault{Kind: k, Delay: 5 * time.Millisecond, RetryAfter: time.Second, Size: 3 << 19})
	}
	return faultSet{
		twitter: faketwitter.Faults{Seed: seed, Rules: []faketwitter.Rule{{Kinds: tk, Rate: 0.25}},
			Latency: 5 * time.Millisecond, RetryAfter: time.Second, OversizeBytes: 3 << 20},
		site: fakesite.Faults{Seed: uint64(seed), Rate: 0.25, Mix: sm},
		skew: time.Duration(seed%3-1) * time.Hour, skewed: true,
	}
}

// scenarios lists the runs. By default (for CI) each scenario injects one
// Twitter fault and one site fault during the sweep and another pair
// during the recheck: the sources are independent, so this covers every
// kind, each alone on its platform, in nine runs. EXPOSURE_FAULTS=full
// runs each kind alone on its platform in both the sweep and the recheck,
// and more random mixes.
func scenarios() []scenario {
	var out []scenario
	full := os.Getenv("EXPOSURE_FAULTS") == "full"
	tk, sk := faketwitter.Kinds, fakesite.Kinds
	if full {
		for i, k := range tk {
			f := faultSet{twitter: twitterRule(k, int64(i))}
			out = append(out, scenario{name: "twitter-" + string(k), sweep: f, recheck: f})
		}
		for i, k := range sk {
			f := faultSet{site: siteRule(k, uint64(i))}
			out = append(out, scenario{name: "site-" + string(k), sweep: f, recheck: f})
		}
	} else {
		n := (max(len(tk), len(sk)) + 1) / 2
		for i := range n {
			a, b := 2*i, 2*i+1
			sc := scenario{
				sweep:   faultSet{twitter: twitterRule(tk[a%len(tk)], int64(a)), site: siteRule(sk[a%len(sk)], uint64(a))},
				recheck: faultSet{twitter: twitterRule(tk[b%len(tk)], int64(b)), site: siteRule(sk[b%len(sk)], uint64(b))},
			}
			sc.name = fmt.Sprintf("sweep-%s+%s,recheck-%s+%s", tk[a%len(tk)], sk[a%len(sk)], tk[b%len(tk)], sk[b%len(sk)])
			out = append(out, sc)
		}
	}
	// Clock skew: the server's clock is two hours out, so its reset
	// headers are too; the client must judge them by the server's Date.
	skew := func(d time.Duration) faultSet {
		f := twitterRule(faketwitter.RateLimitNoRetryAfter, 7)
		f.Rules[0].Times = 2
		return faultSet{twitter: f, skew: d, skewed: true}
	}
	out = append(out, scenario{name: "skew+2h,recheck-skew-2h", sweep: skew(2 * time.Hour), recheck: skew(-2 * time.Hour)})
	seeds := []int64{1}
	if full {
		out = append(out, scenario{name: "skew-2h,recheck-skew+2h", sweep: skew(-2 * time.Hour), recheck: skew(2 * time.Hour)})
		seeds = []int64{1, 2, 3, 4, 5, 6}
	}
	for _, s := range seeds {
		out = append(out, scenario{name: fmt.Sprintf("mixed-seed%d", s), sweep: mixed(s), recheck: mixed(s + 100)})
	}
	if testing.Short() {
		return out[len(out)-1:]
	}
	return out
}

// TestFaults runs every scenario; see the comment at the top of the file.
func TestFaults(t *testing.T) {
	cliEnv(t)
	// A canary where the private-address redirect points: the crawler
	// must never reach it. Every network of the suite listens on the
	// canary's port on 127.0.0.1, so URLs (and the captured pages that
	// hold them) are the same in every run.
	canary := canaryOn127002(t)
	ref := buildFaultRef(t, canary.netAddr())
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) { runScenario(t, ref, sc, canary) })
	}
	if n := canary.hits.Load(); n != 0 {
		t.Errorf("the crawler followed a redirect to 127.0.0.2 (%d requests)", n)
	}
}

type canary struct {
	hits atomic.Int64
	ln   net.Listener
}

// canaryOn127002 listens on 127.0.0.2 and counts requests.
func canaryOn127002(t *testing.T) *canary {
	c := &canary{}
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("no canary on 127.0.0.2: %v", err)
	}
	c.ln = ln
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return c
}

// netAddr is where a scenario serves its network: on the canary's port, so
// that the fake's redirect to 127.0.0.2 (same port) would reach the canary.
func (c *canary) netAddr() string {
	_, port, _ := net.SplitHostPort(c.ln.Addr().String())
	return "127.0.0.1:" + port
}

func runScenario(t *testing.T, ref *faultRef, sc scenario, can *canary) {
	w := faultWorld()
	sweepF, recheckF := sc.sweep.at(w), sc.recheck.at(w)
	n, err := simnet.Start(w, simnet.Options{Addr: can.netAddr(),
		Twitter: faketwitter.Options{Faults: sweepF.twitter}, Site: fakesite.Options{Faults: sweepF.site}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	cfg := faultConfig(t, n)
	db := filepath.Join(t.TempDir(), "f.db")

	stage := time.Now()
	took := func() string {
		d := time.Since(stage).Round(10 * time.Millisecond)
		stage = time.Now()
		return d.String()
	}
	var times []string
	// 1. The sweep under faults.
	before := snapshot(n)
	code, out, errs := exec(t, "", "--db", db, "sweep", "--config", cfg)
	if code != 0 {
		t.Fatalf("sweep under faults: exit %d; want 0 (transient failures are left for the next run)\n%s\n%s", code, out, lastLines(errs, 10))
	}
	times = append(times, "faulty sweep "+took())
	waits := checkWaits(t, errs)
	req := snapshot(n).since(before)
	injected := injectedCounts(n)
	checkBounded(t, "sweep", req, ref.sweepReq)
	got := dumpStore(t, db, dumpOptions{})
	checkPartialSweep(t, db, out, got, ref.swept)

	// 2. The same sweep without faults completes the work.
	n.Twitter.SetFaults(faketwitter.Faults{})
	n.Site.SetFaults(fakesite.Faults{})
	took()
	out = mustRun(t, "clean sweep after faults", "--db", db, "sweep", "--config", cfg)
	times = append(times, "clean sweep "+took())
	if strings.Contains(out, "left for next run") {
		t.Errorf("the clean sweep after faults left work:\n%s", out)
	}
	if d := sameStore(dumpStore(t, db, dumpOptions{}), ref.swept); len(d) > 0 {
		t.Fatalf("after a clean sweep the store differs from the reference:\n%s", strings.Join(d, "\n"))
	}
	referAllCLI(t, db)
	if d := sameStore(dumpStore(t, db, dumpOptions{}), ref.referred); len(d) > 0 {
		t.Fatalf("referrals differ from the reference:\n%s", strings.Join(d, "\n"))
	}

	// 3. The recheck under faults: the clean answer or unknown, never a
	// removal the platform did not make.
	n.World.Advance(faultMonths)
	recheckF = sc.recheck.at(w)
	n.Twitter.SetFaults(recheckF.twitter)
	n.Site.SetFaults(recheckF.site)
	before = snapshot(n)
	took()
	code, out, errs = exec(t, "", "--db", db, "recheck", "--config", cfg)
	times = append(times, "faulty recheck "+took())
	if code != 0 {
		t.Fatalf("recheck under faults: exit %d\n%s\n%s", code, out, lastLines(errs, 10))
	}
	waits += checkWaits(t, errs)
	req = snapshot(n).since(before)
	for k, v := range injectedCounts(n) {
		injected[k] += v
	}
	checkBounded(t, "recheck", req, ref.recheckReq)
	all := dumpStore(t, db, dumpOptions{})
	unknown := checkRecheck(t, out, all, ref)

	// 4. The next recheck without faults retries exactly the unknown ones.
	n.Twitter.SetFaults(faketwitter.Faults{})
	n.Site.SetFaults(fakesite.Faults{})
	took()
	out = mustRun(t, "clean recheck after faults", "--db", db, "recheck", "--config", cfg)
	times = append(times, "clean recheck "+took())
	if want := fmt.Sprintf("Rechecked %d referred posts", unknown); !strings.Contains(out, want) {
		t.Errorf("the clean recheck should retry the %d unknown posts:\n%s", unknown, out)
	}
	if d := sameStore(dumpStore(t, db, dumpOptions{noUnknown: true}), ref.rechecked); len(d) > 0 {
		t.Fatalf("after a clean recheck the store differs from the reference:\n%s", strings.Join(d, "\n"))
	}
	t.Logf("injected %v; %d unknown checks retried; %d rate-limit waits; %s", injected, unknown, waits, strings.Join(times, ", "))
	if len(injected) == 0 {
		t.Errorf("no fault was injected: the scenario proves nothing")
	}
}

func injectedCounts(n *simnet.Network) map[string]int {
	out := map[string]int{}
	for k, v := range n.Twitter.Stats().Faults {
		out["twitter "+string(k)] += v
	}
	for k, v := range n.Site.Injected() {
		out["site "+string(k)] += v
	}
	return out
}

// checkBounded compares a stage's requests with the clean run's: each
// logical request may be retried a bounded number of times.
func checkBounded(t *testing.T, stage string, got, clean counts) {
	t.Helper()
	perCall := ftAttempts + ftWaits
	for ep, n := range got.twitter {
		if limit := perCall * max(clean.twitter[ep], 1); n > limit {
			t.Errorf("%s: %d requests to %s, clean run %d: more than %d attempts each", stage, n, ep, clean.twitter[ep], perCall)
		}
	}
	perPage := (fsRetries + 1) * (fsRedirects + 1)
	for uri, n := range got.site {
		if limit := perPage * max(clean.site[uri], 1); n > limit {
			t.Errorf("%s: %d requests for %s, clean run %d: more than %d each", stage, n, uri, clean.site[uri], perPage)
		}
	}
}

// checkPartialSweep checks the store and the summary of a sweep that met
// faults against the clean reference.
func checkPartialSweep(t *testing.T, dbPath, out string, got, ref storeDump) {
	t.Helper()
	// Nothing half-done: every stored profile has exactly the reference's
	// record, posts and flags (a profile is committed whole or not at all).
	for k, v := range got.Profiles {
		if rv, ok := ref.Profiles[k]; !ok {
			t.Errorf("profile %s stored under faults is not in the reference", k)
		} else if v != rv {
			t.Errorf("profile %s stored under faults differs:\n  got  %s\n  want %s", k, around(v, rv), around(rv, v))
		}
	}
	byProfile := func(d storeDump) map[string][]string {
		m := map[string][]string{}
		for k, v := range d.Posts {
			var owner string
			if i := strings.Index(v, `"profile_id":"`); i >= 0 {
				owner = v[i+len(`"profile_id":"`):]
				owner = owner[:strings.IndexByte(owner, '"')]
			}
			platform, _, _ := strings.Cut(k, "/")
			m[platform+"/"+owner] = append(m[platform+"/"+owner], k)
		}
		for _, l := range m {
			sort.Strings(l)
		}
		return m
	}
	gp, rp := byProfile(got), byProfile(ref)
	for prof := range got.Profiles {
		if strings.Join(gp[prof], " ") != strings.Join(rp[prof], " ") {
			t.Errorf("profile %s: %d posts stored under faults, %d in the reference", prof, len(gp[prof]), len(rp[prof]))
		}
	}
	for k, v := range got.Posts {
		if v != ref.Posts[k] {
			t.Errorf("post %s stored under faults differs from the reference:\n  got  %s\n  want %s", k, around(v, ref.Posts[k]), around(ref.Posts[k], v))
		}
	}
	for k, v := range got.Flags {
		if v != ref.Flags[k] {
			t.Errorf("flag %s stored under faults differs from the reference", k)
		}
	}
	// Every reference profile that is missing was either left pending with
	// a reason, or never discovered because discovery stopped short; the
	// summary says which.
	db, err := store.Open(dbPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sweeps, err := db.Sweeps()
	if err != nil || len(sweeps) != 1 {
		t.Fatalf("sweeps: %d, %v", len(sweeps), err)
	}
	s := sweeps[0]
	if s.Status != store.SweepComplete {
		t.Errorf("sweep status %s", s.Status)
	}
	pending := map[string]string{}
	err = db.Pending(s.ID, func(c store.Checkpoint) error {
		pending[c.Platform+"/"+c.ID] = c.Error
		if c.Error == "" {
			t.Errorf("pending candidate %s/%s has no reason", c.Platform, c.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.Failed != len(pending) {
		t.Errorf("summary says %d failed, %d candidates pending", s.Summary.Failed, len(pending))
	}
	for k := range ref.Profiles {
		if _, ok := got.Profiles[k]; ok {
			continue
		}
		platform, _, _ := strings.Cut(k, "/")
		if _, ok := pending[k]; !ok && s.Summary.Discovery[platform] == "" {
			t.Errorf("profile %s is missing, but neither pending nor on a platform whose discovery stopped short", k)
		}
	}
	if s.Summary.Failed > 0 {
		if !strings.Contains(out, fmt.Sprintf("left for next run    %6d  (", s.Summary.Failed)) {
			t.Errorf("the summary does not say how many profiles were left and why:\n%s", out)
		}
		for reason := range s.Summary.Failures {
			if strings.TrimSpace(reason) == "" || reason == "not reached" {
				t.Errorf("failure reason %q says nothing", reason)
			}
		}
	}
	for platform := range s.Summary.Discovery {
		if !strings.Contains(out, "discovery incomplete on "+platform) {
			t.Errorf("the summary does not say that discovery on %s stopped short:\n%s", platform, out)
		}
	}
}

var waitRE = regexp.MustCompile(`"until":"([^"]+)","time":"([^"]+)","message":"rate limited on `)

// checkWaits reads the rate-limit waits the run logged: the fakes ask for
// one second, whatever their clock's skew (the world's clock is a year
// behind the wall, and skew faults move it two hours more), so no wait may
// be near rate_limit.max_wait (5s), which is what misreading the reset
// header by the skew gives. It returns the number of waits.
func checkWaits(t *testing.T, log string) int {
	t.Helper()
	ms := waitRE.FindAllStringSubmatch(log, -1)
	for _, m := range ms {
		until, err1 := time.Parse(time.RFC3339, m[1])
		at, err2 := time.Parse(time.RFC3339, m[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("log times %q %q: %v %v", m[1], m[2], err1, err2)
		}
		if w := until.Sub(at); w > 3*time.Second || w < -time.Second {
			t.Errorf("waited %v for a one-second reset (at %s, until %s)", w, m[2], m[1])
		}
	}
	return len(ms)
}

var uniqueRE = regexp.MustCompile(`unknown: (\d+) check\(s\) failed for a transient reason`)

// checkRecheck checks a recheck under faults: every referred post was
// checked once, its state is the clean recheck's or unknown, and the
// summary gives the reasons for the unknown ones. It returns how many are
// unknown.
func checkRecheck(t *testing.T, out string, got storeDump, ref *faultRef) int {
	t.Helper()
	if want := fmt.Sprintf("Rechecked %d referred posts", len(ref.states)); !strings.Contains(out, want) {
		t.Errorf("recheck summary: want %q in\n%s", want, out)
	}
	unknown := 0
	for post, want := range ref.states {
		hist := strings.Split(got.Checks[post], checkSep)
		if len(hist) != 1 || hist[0] == "" {
			t.Errorf("%s: %d checks after one recheck", post, len(hist))
			continue
		}
		switch st := hist[0]; {
		case strings.HasPrefix(st, "unknown:"):
			unknown++
		case st != want:
			t.Errorf("%s: recheck under faults recorded %q; the clean recheck says %q", post, st, want)
		}
	}
	if unknown > 0 {
		m := uniqueRE.FindStringSubmatch(out)
		if m == nil || m[1] != fmt.Sprint(unknown) {
			t.Errorf("recheck summary should give %d unknown with reasons:\n%s", unknown, out)
		}
	}
	return unknown
}
