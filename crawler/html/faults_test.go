package html

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/rules"
	"github.com/psd-tools/exposure/sim/fakesite"
)

var alice = crawler.Profile{Platform: "facebook", ID: "alice-1", Handle: "alice.pc"}

// TestFaultsPersistent injects each fault on every request for alice's
// pages: the posts read fails as transient with the cursor kept, and no
// lookup says anything but unknown (never removed).
func TestFaultsPersistent(t *testing.T) {
	cases := []struct {
		kind   fakesite.Kind
		reason string
	}{
		{fakesite.Latency, ""}, // slow but fine
		{fakesite.Timeout, "timeout"},
		{fakesite.Reset, "connection reset"},
		{fakesite.RateLimit, "429"},
		{fakesite.RateLimitBare, "429"},
		{fakesite.ServerError, "500"},
		{fakesite.Unavailable, "503"},
		{fakesite.Truncated, "cut short"},
		{fakesite.Partial, ""},
		{fakesite.Malformed, ""},
		{fakesite.RedirectLoop, "too many redirects"},
		{fakesite.RedirectOffsite, "host not allowed"},
		{fakesite.RedirectPrivate, "host not allowed"},
		{fakesite.Oversize, "size cap"},
		{fakesite.OversizeChunked, "size cap"},
		{fakesite.WrongType, "not an HTML page"},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			t.Parallel()
			fault := fakesite.Fault{Kind: tc.kind, Delay: 20 * time.Millisecond, Size: 1 << 20, RetryAfter: time.Millisecond}
			if tc.kind == fakesite.Timeout {
				fault.Delay = 10 * time.Second
			}
			f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
				{Path: "/alice.pc", Fault: fault},
			}}}, nil, func(c *Config) {
				c.Retries = 1
				c.Timeout = 300 * time.Millisecond
			})
			since := "2025-01-01T00:00:00Z|a001"
			posts, cur, err := f.posts(t, alice, since)
			checks, lerr := f.src.Lookup(context.Background(), []crawler.PostRef{
				{Platform: "facebook", ID: "a060", Handle: "alice.pc"},
				{Platform: "facebook", ID: "a055", Handle: "alice.pc"},
			})
			if lerr != nil {
				t.Fatal(lerr)
			}
			if tc.kind == fakesite.Latency {
				if err != nil || len(posts) == 0 || checks[0].State != crawler.StateVisible || checks[1].State != crawler.StateRemoved {
					t.Fatalf("latency only: err %v, %d posts, checks %s %s", err, len(posts), checks[0].State, checks[1].State)
				}
				return
			}
			if err == nil || !crawler.IsTransient(err) || cur != since {
				t.Errorf("posts: err %v (transient %v), cursor %q; want a transient error and the cursor kept", err, crawler.IsTransient(err), cur)
			}
			if _, ok := errState(err); ok {
				t.Errorf("posts: a fault was taken for an account state: %v", err)
			}
			for _, c := range checks {
				if c.State != crawler.StateUnknown {
					t.Errorf("lookup %s: %s (%s), want unknown", c.Ref.ID, c.State, c.Reason)
				}
				if c.Reason == "" || !strings.Contains(c.Reason, tc.reason) {
					t.Errorf("lookup %s: reason %q, want it to mention %q", c.Ref.ID, c.Reason, tc.reason)
				}
			}
			if f.site.Injected()[tc.kind] == 0 {
				t.Errorf("fault %s never injected", tc.kind)
			}
		})
	}
}

// TestFaultsRecover injects each retryable fault once: the retry gets the
// page and the read completes.
func TestFaultsRecover(t *testing.T) {
	for _, kind := range []fakesite.Kind{fakesite.Timeout, fakesite.Reset, fakesite.RateLimit,
		fakesite.RateLimitBare, fakesite.ServerError, fakesite.Unavailable, fakesite.Truncated} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, testWorld(), fakesite.Options{PageSize: 25, Faults: fakesite.Faults{Rules: []fakesite.Rule{
				// The second page fails once.
				{Path: "/alice.pc?before=a035", Times: 1, Fault: fakesite.Fault{Kind: kind, Delay: 10 * time.Second, RetryAfter: time.Millisecond}},
			}}}, nil, func(c *Config) {
				c.Retries = 2
				c.Timeout = 300 * time.Millisecond
				c.MaxWait = 1500 * time.Millisecond // Retry-After comes in whole seconds
			})
			posts, _, err := f.posts(t, alice, "")
			if err != nil || len(posts) != 59 {
				t.Fatalf("got %d posts, err %v; want 59 after a retry", len(posts), err)
			}
			waits, retries := f.obs.counts()
			// net/http itself retries a GET whose reused connection was
			// reset before any answer, so a reset may not reach us.
			if retries != 1 && !(kind == fakesite.Reset && retries == 0) {
				t.Errorf("observer saw %d retries, want 1", retries)
			}
			if (kind == fakesite.RateLimit || kind == fakesite.RateLimitBare) != (waits == 1) {
				t.Errorf("observer saw %d rate-limit waits", waits)
			}
		})
	}
}

func TestRetryAfterOverMaxWait(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/alice.pc", Fault: fakesite.Fault{Kind: fakesite.RateLimit, RetryAfter: time.Hour}},
	}}}, nil, nil)
	_, _, err := f.posts(t, alice, "")
	if !errors.Is(err, crawler.ErrRateLimited) || !crawler.IsTransient(err) {
		t.Errorf("err %v: want a transient rate-limit error at once", err)
	}
	if n := f.site.Hits("/alice.pc"); n != 1 {
		t.Errorf("%d requests: a Retry-After over max_wait must not be waited for", n)
	}
}

// TestFaultMix runs a whole discovery, read and recheck under a seeded
// random mix of every fault, then again without faults: the faulty run
// records nothing false, the clean run completes it.
func TestFaultMix(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { faultMix(t, seed) })
	}
}

func faultMix(t *testing.T, seed uint64) {
	var mix []fakesite.Fault
	for _, k := range fakesite.Kinds {
		mix = append(mix, fakesite.Fault{Kind: k, Delay: 5 * time.Millisecond, Size: 1 << 20, RetryAfter: time.Millisecond})
	}
	w := testWorld()
	f := newFixture(t, w, fakesite.Options{PageSize: 10, SearchPageSize: 1,
		Faults: fakesite.Faults{Seed: seed, Rate: 0.4, Mix: mix}}, nil, func(c *Config) {
		c.Retries = 2
		c.Timeout = 200 * time.Millisecond
	})
	clean := newFixture(t, w, fakesite.Options{PageSize: 10, SearchPageSize: 1}, nil, nil)

	truth := map[string]crawler.State{"a060": crawler.StateVisible, "a055": crawler.StateRemoved,
		"b001": crawler.StateAccountProtected, "c001": crawler.StateAccountSuspended, "d001": crawler.StateAccountGone}
	handles := map[string]string{"a060": "alice.pc", "a055": "alice.pc", "b001": "bob.protected", "c001": "carl.suspended", "d001": "dave.deleted"}
	var refs []crawler.PostRef
	for id, h := range handles {
		refs = append(refs, crawler.PostRef{Platform: "facebook", ID: id, Handle: h})
	}

	found, derr := f.discover(t)
	if derr != nil && !crawler.IsTransient(derr) {
		t.Errorf("discover under faults: non-transient error %v", derr)
	}
	for h := range found {
		if h != "alice.pc" && h != "bob.protected" && h != "fay.newname" {
			t.Errorf("discover under faults found %s", h)
		}
	}
	posts, _, perr := f.posts(t, alice, "")
	if perr != nil && !crawler.IsTransient(perr) {
		t.Errorf("posts under faults: %v", perr)
	}
	for _, p := range posts {
		if !strings.HasPrefix(p.ID, "a") || p.ID == "a055" {
			t.Errorf("posts under faults yielded %s", p.ID)
		}
	}
	checks, _ := f.src.Lookup(context.Background(), refs)
	unknown := 0
	for _, c := range checks {
		if c.State == crawler.StateUnknown {
			unknown++
			continue
		}
		if c.State != truth[c.Ref.ID] {
			t.Errorf("lookup %s under faults: %s (%s), truth %s", c.Ref.ID, c.State, c.Reason, truth[c.Ref.ID])
		}
	}
	injected := 0
	for _, n := range f.site.Injected() {
		injected += n
	}
	t.Logf("faults injected %d (%v); discover err: %v; posts %d err: %v; %d of %d lookups unknown",
		injected, f.site.Injected(), derr != nil, len(posts), perr != nil, unknown, len(checks))
	if injected == 0 {
		t.Fatal("no fault injected")
	}

	// The next run, without faults, completes the work.
	found, derr = clean.discover(t)
	if derr != nil || len(found) != 3 {
		t.Errorf("clean discover: %d profiles, err %v", len(found), derr)
	}
	posts, _, perr = clean.posts(t, alice, "")
	if perr != nil || len(posts) != 59 {
		t.Errorf("clean posts: %d, err %v", len(posts), perr)
	}
	checks, _ = clean.src.Lookup(context.Background(), refs)
	for _, c := range checks {
		if c.State != truth[c.Ref.ID] {
			t.Errorf("clean lookup %s: %s, want %s", c.Ref.ID, c.State, truth[c.Ref.ID])
		}
	}
}

func TestRobotsDisallow(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/robots.txt", Fault: fakesite.Fault{Kind: fakesite.RobotsDisallow}},
	}}}, nil, nil)
	found, err := f.discover(t)
	if err == nil || !errors.Is(err, colly.ErrRobotsTxtBlocked) || len(found) != 0 {
		t.Errorf("discover: %d found, err %v; want blocked by robots.txt", len(found), err)
	}
	checks, _ := f.src.Lookup(context.Background(), []crawler.PostRef{{ID: "a060", Handle: "alice.pc"}})
	if checks[0].State != crawler.StateUnknown || checks[0].Reason != "blocked by robots.txt" {
		t.Errorf("lookup: %s %q", checks[0].State, checks[0].Reason)
	}
	if n := f.site.TotalHits(); n != 1 {
		t.Errorf("%d requests: only robots.txt may be fetched", n)
	}
}

// TestRobotsServerError: a 5xx robots.txt must not block the whole crawl
// for the collector's life (colly would cache it as "disallow all").
func TestRobotsServerError(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/robots.txt", Times: 1, Fault: fakesite.Fault{Kind: fakesite.Unavailable}},
	}}}, nil, nil)
	posts, _, err := f.posts(t, alice, "")
	if err != nil || len(posts) == 0 {
		t.Fatalf("got %d posts, err %v", len(posts), err)
	}
	if n := f.site.Hits("/robots.txt"); n != 2 {
		t.Errorf("robots.txt fetched %d times, want 2 (the 503, then the retry)", n)
	}
}

func TestRobotsOwnDisallowObeyed(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{}, nil, nil)
	checks, _ := f.src.Lookup(context.Background(), []crawler.PostRef{{ID: "x", URL: f.srv.URL + "/login/"}})
	if checks[0].Reason != "blocked by robots.txt" || f.site.Hits("/login/") != 0 {
		t.Errorf("/login/ is disallowed by the site's robots.txt: %+v", checks[0])
	}
}

// TestPrivateRedirectRefused uses a site whose allowed domains include a
// loopback address, to show the private-address rule holds on its own.
func TestPrivateRedirectRefused(t *testing.T) {
	site := fakesite.New(testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/alice.pc", Fault: fakesite.Fault{Kind: fakesite.RedirectPrivate}},
	}}})
	srv := httptest.NewServer(site)
	defer srv.Close()
	raw, err := fs.ReadFile(rules.Embedded(), "sites/facebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := strings.Replace(string(raw), "name: facebook", "name: testsite", 1)
	y = strings.Replace(y, "base_url: https://www.facebook.com", "base_url: http://www.facebook.test", 1)
	y = strings.Replace(y, "allowed_domains: [www.facebook.com, facebook.com, m.facebook.com]", "allowed_domains: [www.facebook.test, 127.0.0.2]", 1)
	fsys := fstest.MapFS{"sites/testsite.yaml": {Data: []byte(y)}}
	// Every dial goes to the fake, whatever the name: no traffic leaves
	// loopback even if a guard failed.
	addr := srv.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	cfg := testConfig("")
	cfg.BaseURL, cfg.Site, cfg.AllowPrivateAddresses, cfg.Delay = "", "testsite", false, 100*time.Millisecond
	src, err := New(cfg, fsys, Deps{Client: client, Now: func() time.Time { return worldNow }})
	if err != nil {
		t.Fatal(err)
	}
	checks, _ := src.Lookup(context.Background(), []crawler.PostRef{{ID: "a060", Handle: "erin.baker"}, {ID: "a060", Handle: "alice.pc", URL: "http://www.facebook.test/alice.pc/posts/a060"}})
	if checks[1].State != crawler.StateUnknown || checks[1].Reason != "private address refused" {
		t.Errorf("redirect to 127.0.0.2: %s %q", checks[1].State, checks[1].Reason)
	}
	// The same name works when nothing redirects: the guard is not just
	// refusing everything.
	if checks[0].State != crawler.StateRemoved {
		t.Errorf("plain request through the guard: %s %q", checks[0].State, checks[0].Reason)
	}
	if _, err := New(testConfig(srv.URL), rules.Embedded(), Deps{}); err != nil {
		t.Fatal(err)
	}
	c := testConfig(srv.URL)
	c.AllowPrivateAddresses = false
	if _, err := New(c, rules.Embedded(), Deps{}); err == nil || !strings.Contains(err.Error(), "allow_private_addresses") {
		t.Errorf("loopback base_url without allow_private_addresses: %v", err)
	}
}

func TestPrivateHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.9.9.9": true, "::1": true, "[::1]": true, "10.1.2.3": true, "172.16.0.1": true,
		"192.168.1.1": true, "169.254.169.254": true, "100.64.0.1": true, "0.0.0.0": true, "fd00::1": true,
		"localhost": true, "api.localhost": true, "::ffff:10.0.0.1": true,
		"www.facebook.com": false, "8.8.8.8": false, "2001:4860::1": false, "172.32.0.1": false,
	} {
		if got := privateHost(host); got != want {
			t.Errorf("privateHost(%q) = %v", host, got)
		}
	}
}

// TestCollyEnvIgnored sets every COLLY_* variable colly reads to a
// loosening value: robots.txt, the body cap, the user agent, the domains
// and the depth must still hold.
func TestCollyEnvIgnored(t *testing.T) {
	for k, v := range map[string]string{
		"COLLY_IGNORE_ROBOTSTXT": "yes", "COLLY_USER_AGENT": "sneaky", "COLLY_MAX_BODY_SIZE": "0",
		"COLLY_ALLOWED_DOMAINS": "evil.invalid", "COLLY_DISALLOWED_DOMAINS": "127.0.0.1",
		"COLLY_CACHE_DIR": t.TempDir(), "COLLY_DETECT_CHARSET": "yes", "COLLY_DISABLE_COOKIES": "yes",
		"COLLY_FOLLOW_REDIRECTS": "no", "COLLY_MAX_DEPTH": "1", "COLLY_MAX_REQUESTS": "1",
		"COLLY_PARSE_HTTP_ERROR_RESPONSE": "no", "COLLY_TRACE_HTTP": "yes",
	} {
		t.Setenv(k, v)
	}
	f := newFixture(t, testWorld(), fakesite.Options{PageSize: 25, Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/bob.protected", Fault: fakesite.Fault{Kind: fakesite.Oversize, Size: 1 << 20}},
	}}}, nil, nil)
	if f.src.coll.IgnoreRobotsTxt || f.src.coll.UserAgent != f.src.UserAgent() || f.src.coll.CacheDir != "" {
		t.Fatal("environment changed the collector")
	}
	posts, _, err := f.posts(t, alice, "")
	if err != nil || len(posts) != 59 {
		t.Fatalf("posts: %d, err %v", len(posts), err)
	}
	checks, _ := f.src.Lookup(context.Background(), []crawler.PostRef{{ID: "b001", Handle: "bob.protected"}, {ID: "a055", Handle: "alice.pc"}, {ID: "x", URL: f.srv.URL + "/login/"}})
	if checks[0].Reason != "page over the size cap" || checks[1].State != crawler.StateRemoved || checks[2].Reason != "blocked by robots.txt" {
		t.Errorf("checks: %+v / %+v / %+v", checks[0], checks[1], checks[2])
	}
	for ua := range f.site.UserAgents() {
		if ua != f.src.UserAgent() {
			t.Errorf("request with user agent %q", ua)
		}
	}
	if _, err := os.Stat(os.Getenv("COLLY_CACHE_DIR") + "/00"); err == nil {
		t.Error("colly cached pages on disk")
	}
}

func TestUserAgentHonest(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{}, nil, nil)
	if _, _, err := f.posts(t, alice, ""); err != nil {
		t.Fatal(err)
	}
	agents := f.site.UserAgents()
	if len(agents) != 1 {
		t.Fatalf("user agents: %v", agents)
	}
	for ua := range agents {
		if !strings.HasPrefix(ua, "exposure/") || !strings.Contains(ua, "psd-monitor@example.police.uk") {
			t.Errorf("user agent %q does not name the tool and the contact", ua)
		}
	}
}

func TestMaxDepth(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{SearchPageSize: 1}, nil, func(c *Config) { c.MaxDepth = 2 })
	found, err := f.discover(t)
	if err != nil || len(found) != 2 {
		t.Errorf("max_depth 2 over one-result pages: %d profiles, err %v", len(found), err)
	}
	if f.site.Hits("/search/people/?q=police&page=3") != 0 {
		t.Error("third search page fetched")
	}
}
