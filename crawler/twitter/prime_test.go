package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/go-twitter/twitter"
	"github.com/dghubble/oauth1"
	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// toServer sends every request to the test server, as the source's own
// transport does, before base (which signs, for the user context) sees it.
type toServer struct {
	to   *url.URL
	base http.RoundTripper
}

func (r toServer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	return r.base.RoundTrip(req)
}

// earlierRun is a go-twitter client with the env's credentials that is not
// the source: another process, or an earlier run whose store is gone, that
// spends the same windows.
func (e *env) earlierRun(auth authKind) *twitter.Client {
	to, _ := url.Parse(e.ts.URL)
	base := e.ts.Client().Transport
	if auth == userAuth {
		ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: base})
		base = oauth1.NewConfig(e.creds.ConsumerKey, e.creds.ConsumerSecret).
			Client(ctx, oauth1.NewToken(e.creds.AccessToken, e.creds.AccessSecret)).Transport
	} else {
		base = bearerTransport{token: e.creds.BearerToken, base: base}
	}
	return twitter.NewClient(&http.Client{Transport: toServer{to: to, base: base}})
}

// spend uses n requests of a window through do, each of which must succeed.
func spend(t *testing.T, n int, do func() (*http.Response, error)) {
	t.Helper()
	for range n {
		if resp, err := do(); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("spending the window: %v", err)
		}
	}
}

// exhaustTimeline spends the app context's two statuses/user_timeline
// requests of the window that starts now.
func exhaustTimeline(t *testing.T, e *env) {
	t.Helper()
	c := e.earlierRun(appAuth)
	spend(t, 2, func() (*http.Response, error) {
		_, resp, err := c.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "PC_Smith", Count: 1})
		return resp, err
	})
}

func TestPrimedSweepWaitsForAWindowExhaustedBefore(t *testing.T) {
	for _, primed := range []bool{false, true} {
		t.Run("primed="+strconv.FormatBool(primed), func(t *testing.T) {
			e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 2}}, nil)
			exhaustTimeline(t, e)
			s := e.source()
			if primed {
				s.PrimeSweep(context.Background())
			}
			posts, _, err := collect(t, s, officer, "")
			if err != nil || len(posts) != 244 {
				t.Fatalf("%d posts, %v", len(posts), err)
			}
			n := e.fake.Stats().RateLimited["statuses/user_timeline"]
			if !primed {
				// What the priming is for: unprimed, the first request
				// learns of the exhausted window from a 429.
				if n != 1 {
					t.Fatalf("unprimed: %d requests hit a 429, want 1", n)
				}
				return
			}
			if n != 0 {
				t.Errorf("primed: %d requests hit a 429", n)
			}
			w := e.obs.waitList()
			if len(w) == 0 || w[0].endpoint != "statuses/user_timeline" || !w[0].until.Equal(now.Add(15*time.Minute)) {
				t.Errorf("waits %+v, want the first until the window's reset", w)
			}
			if e.clock.slept[0] != 15*time.Minute {
				t.Errorf("slept %v", e.clock.slept)
			}
			if got := e.fake.Requests(statusEndpoint); got != 1 {
				t.Errorf("rate_limit_status asked %d times", got)
			}
			if strings.Contains(e.logs.String(), `"level":"warn"`) {
				t.Errorf("warnings: %s", e.logs.String())
			}
		})
	}
}

// TestPrimeBothAuthContexts exhausts users/search under the user context
// and statuses/user_timeline under the app context: each is read from its
// own context's rate_limit_status, and neither earns a 429.
func TestPrimeBothAuthContexts(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 2, "users/search": 1}}, func(c *Config) {
		c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police officer"}, MaxPages: 1}
	})
	exhaustTimeline(t, e)
	u := e.earlierRun(userAuth)
	spend(t, 1, func() (*http.Response, error) {
		_, resp, err := u.Users.Search("police", &twitter.UserSearchParams{Count: 1})
		return resp, err
	})
	s := e.source()
	s.PrimeSweep(context.Background())
	b := s.limits.snapshot()
	if b["user users/search"].Remaining != 0 || b["app statuses/user_timeline"].Remaining != 0 {
		t.Fatalf("budgets after priming: %+v", b)
	}
	if _, ok := b["app users/search"]; ok {
		t.Errorf("users/search primed under the app context, where it never runs: %+v", b)
	}
	if got := e.fake.Requests(statusEndpoint); got != 2 {
		t.Errorf("rate_limit_status asked %d times, want once per auth context", got)
	}
	if _, _, err := discover(t, s); err != nil {
		t.Fatal(err)
	}
	if _, _, err := collect(t, s, officer, ""); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Stats().RateLimited; n["users/search"] != 0 || n["statuses/user_timeline"] != 0 {
		t.Errorf("429s %v", n)
	}
	if w := e.obs.waitList(); len(w) < 2 || w[0].endpoint != "users/search" || w[1].endpoint != "statuses/user_timeline" {
		t.Errorf("waits %+v", w)
	}
}

func TestPrimedRecheck(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/lookup": 1}}, nil)
	id, _ := strconv.ParseInt(post(0), 10, 64)
	c := e.earlierRun(appAuth)
	spend(t, 1, func() (*http.Response, error) {
		_, resp, err := c.Statuses.Lookup([]int64{id}, nil)
		return resp, err
	})
	s := e.source()
	s.PrimeRecheck(context.Background())
	checks, err := s.Lookup(context.Background(), []crawler.PostRef{ref(post(0), faketwitter.FixtureOfficer, "PC_Smith")})
	if err != nil || checks[0].State != crawler.StateVisible {
		t.Fatalf("%+v %v", checks, err)
	}
	if n := e.fake.Stats().RateLimited["statuses/lookup"]; n != 0 {
		t.Errorf("%d requests hit a 429", n)
	}
	if w := e.obs.waitList(); len(w) != 1 || w[0].endpoint != "statuses/lookup" {
		t.Errorf("waits %+v", w)
	}
}

// TestPrimeFailureLeavesTheSweepWorking: whatever rate_limit_status answers,
// priming makes one attempt, logs one warning without credentials, never
// waits, and the sweep then runs as it would unprimed.
func TestPrimeFailureLeavesTheSweepWorking(t *testing.T) {
	kinds := []faketwitter.Kind{faketwitter.ServerError, faketwitter.Unavailable, faketwitter.Malformed, faketwitter.WrongShape,
		faketwitter.Truncated, faketwitter.Empty, faketwitter.WrongType, faketwitter.Reset,
		faketwitter.RateLimit, faketwitter.RateLimitNoRetryAfter, faketwitter.RateLimitBare}
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 2},
				Faults: faketwitter.Faults{RetryAfter: time.Minute, Rules: []faketwitter.Rule{faketwitter.Always(statusEndpoint, kind)}}}, nil)
			exhaustTimeline(t, e)
			s := e.source()
			s.PrimeSweep(context.Background())
			// net/http itself replays a GET once when a reused connection
			// is reset before any answer; the source never retries.
			want := 1
			if kind == faketwitter.Reset {
				want = 2
			}
			if got := e.fake.Requests(statusEndpoint); got > want {
				t.Errorf("rate_limit_status asked %d times, want one attempt", got)
			}
			if len(e.clock.slept) != 0 {
				t.Errorf("priming slept %v", e.clock.slept)
			}
			logs := e.logs.String()
			if n := strings.Count(logs, `"level":"warn"`); n != 1 || !strings.Contains(logs, "could not read the rate-limit status") {
				t.Errorf("%d warnings: %s", n, logs)
			}
			for _, secret := range secretForms(testCreds) {
				if strings.Contains(logs, secret) {
					t.Errorf("%q in the logs", secret)
				}
			}
			// Today's behaviour: one 429 teaches the budget, then the wait.
			posts, _, err := collect(t, s, officer, "")
			if err != nil || len(posts) != 244 {
				t.Fatalf("%d posts, %v", len(posts), err)
			}
			if n := e.fake.Stats().RateLimited["statuses/user_timeline"]; n != 1 {
				t.Errorf("%d requests hit a 429", n)
			}
		})
	}
}

// TestPrimeRespectsItsOwnBudget: rate_limit_status is rate limited too. A
// known exhausted window of it skips priming at once, without a request or
// a wait.
func TestPrimeRespectsItsOwnBudget(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{statusEndpoint: 1}}, nil)
	s := e.source()
	s.PrimeSweep(context.Background())
	if b := s.limits.snapshot()["app "+statusEndpoint]; b.Remaining != 0 || b.Limit != 1 {
		t.Fatalf("its own budget: %+v", b)
	}
	s.PrimeRecheck(context.Background())
	if got := e.fake.Requests(statusEndpoint); got != 1 {
		t.Errorf("rate_limit_status asked %d times", got)
	}
	if n := e.fake.Stats().RateLimited[statusEndpoint]; n != 0 || len(e.clock.slept) != 0 {
		t.Errorf("%d 429s, slept %v", n, e.clock.slept)
	}
	if n := strings.Count(e.logs.String(), `"level":"warn"`); n != 1 {
		t.Errorf("%d warnings", n)
	}
	// The recheck still works, unprimed.
	checks, err := s.Lookup(context.Background(), []crawler.PostRef{ref(post(0), faketwitter.FixtureOfficer, "PC_Smith")})
	if err != nil || checks[0].State != crawler.StateVisible {
		t.Fatalf("%+v %v", checks, err)
	}
}

// TestPrimeStopsWithTheContext: a cancelled sweep primes nothing and logs
// no warning.
func TestPrimeStopsWithTheContext(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.source().PrimeSweep(ctx)
	if got := e.fake.Requests(statusEndpoint); got != 0 || strings.Contains(e.logs.String(), `"level":"warn"`) {
		t.Errorf("%d requests; logs %s", got, e.logs.String())
	}
}

// statusReply builds a rate_limit_status body with one family.
func statusReply(fam, path string, limit, rem, reset any) string {
	b, _ := json.Marshal(map[string]any{"resources": map[string]any{fam: map[string]any{path: map[string]any{"limit": limit, "remaining": rem, "reset": reset}}}})
	return string(b)
}

// TestPrimeOddReplies feeds rate_limit_status replies through the real
// go-twitter client: missing entries and figures are skipped with one
// warning, resets are bounded and skew-corrected as the x-rate-limit
// headers are, and a reply go-twitter cannot decode primes nothing.
func TestPrimeOddReplies(t *testing.T) {
	const ep = "statuses/user_timeline"
	path := "/" + ep
	inAMinute := now.Add(time.Minute).Unix()
	type want struct {
		primed    bool
		remaining int
		reset     time.Time
	}
	cases := []struct {
		name string
		body string
		date time.Time // the reply's Date header (zero: none)
		want want
	}{
		{"exhausted", statusReply("statuses", path, 1500, 0, inAMinute), now, want{true, 0, now.Add(time.Minute)}},
		{"some left", statusReply("statuses", path, 1500, 7, inAMinute), now, want{true, 7, now.Add(time.Minute)}},
		{"show's :id form", statusReply("statuses", path+"/:id", 1500, 0, inAMinute), now, want{true, 0, now.Add(time.Minute)}},
		{"server clock an hour ahead", statusReply("statuses", path, 1500, 0, now.Add(time.Hour+time.Minute).Unix()), now.Add(time.Hour), want{true, 0, now.Add(time.Minute)}},
		{"reset in the past", statusReply("statuses", path, 1500, 0, now.Add(-time.Hour).Unix()), now, want{true, 0, now}},
		{"reset absurdly far", statusReply("statuses", path, 1500, 0, now.Add(1000*time.Hour).Unix()), now, want{true, 0, now.Add(16 * time.Minute)}},
		{"reset beyond time", statusReply("statuses", path, 1500, 0, int64(math.MaxInt64)), time.Time{}, want{true, 0, now}},
		{"no reset", statusReply("statuses", path, 1500, 0, nil), now, want{true, 0, now}},
		{"no date header", statusReply("statuses", path, 1500, 0, inAMinute), time.Time{}, want{true, 0, now.Add(time.Minute)}},
		{"missing endpoint", statusReply("statuses", "/statuses/lookup", 300, 0, inAMinute), now, want{}},
		{"missing family", statusReply("users", path, 1500, 0, inAMinute), now, want{}},
		{"empty resources", `{"resources":{}}`, now, want{}},
		{"null entry", `{"resources":{"statuses":{"/statuses/user_timeline":null}}}`, now, want{}},
		{"negative remaining", statusReply("statuses", path, 1500, -3, inAMinute), now, want{}},
		{"remaining over the limit", statusReply("statuses", path, 10, 11, inAMinute), now, want{}},
		{"zero limit", statusReply("statuses", path, 0, 0, inAMinute), now, want{}},
		{"numbers as strings", statusReply("statuses", path, "1500", "0", "x"), now, want{}},
		{"fractions", statusReply("statuses", path, 1500, 0.5, inAMinute), now, want{}},
		{"numbers past int", statusReply("statuses", path, 1500, 1e30, inAMinute), now, want{}},
		{"no resources", `{"rate_limit_context":{"application":"x"}}`, now, want{}},
		{"an array", `[]`, now, want{}},
		{"null", `null`, now, want{}},
		{"cut short", `{"resources":{"statuses":{"/statuses/user_timeline":{"limit":15`, now, want{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, clk, logs := statusSource(t, http.StatusOK, "application/json", []byte(c.body), c.date)
			s.PrimeSweep(context.Background())
			b, ok := s.limits.snapshot()["app "+ep]
			if ok != c.want.primed {
				t.Fatalf("primed %v (%+v), want %v", ok, b, c.want.primed)
			}
			if ok && (b.Remaining != c.want.remaining || !b.Reset.Equal(c.want.reset)) {
				t.Errorf("budget %+v, want remaining %d until %v", b, c.want.remaining, c.want.reset)
			}
			if n := strings.Count(logs.String(), `"level":"warn"`); (n == 1) == c.want.primed {
				t.Errorf("%d warnings: %s", n, logs)
			}
			if len(clk.slept) != 0 {
				t.Errorf("slept %v", clk.slept)
			}
		})
	}
}

// statusTransport answers rate_limit_status with a set reply and every
// other request with an empty timeline.
type statusTransport struct {
	status int
	ctype  string
	body   []byte
	date   time.Time
}

func (s statusTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {s.ctype}}
	if !s.date.IsZero() {
		h.Set("Date", s.date.UTC().Format(http.TimeFormat))
	}
	body := s.body
	if !strings.HasSuffix(r.URL.Path, "/"+statusEndpoint+".json") {
		body = []byte("[]")
	}
	return &http.Response{StatusCode: s.status, Header: h, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: r}, nil
}

func statusSource(t testing.TB, status int, ctype string, body []byte, date time.Time) (*Source, *fakeClock, *syncBuffer) {
	clk := &fakeClock{t: now}
	logs := &syncBuffer{}
	creds := testCreds
	cfg := Config{BaseURL: "https://api.twitter.com", Retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}
	s, err := New(cfg, Deps{Transport: statusTransport{status, ctype, body, date}, Clock: clk, Credentials: &creds,
		Log: zerolog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	return s, clk, logs
}

// FuzzPrimeReply feeds arbitrary rate_limit_status replies through the
// real go-twitter client. Whatever the bytes and the server's Date, priming
// returns without waiting, and every budget it leaves is one the limiter
// can pace: a positive limit, remaining within it, and a reset no earlier
// than now and no later than MaxWait ahead.
func FuzzPrimeReply(f *testing.F) {
	f.Add(200, []byte(statusReply("statuses", "/statuses/user_timeline", 1500, 0, now.Add(time.Minute).Unix())), int64(0))
	f.Add(200, []byte(statusReply("users", "/users/show/:id", 900, 5, now.Add(-time.Minute).Unix())), int64(-7200))
	f.Add(200, []byte(`{"resources":{"statuses":{"/statuses/user_timeline":{"limit":1,"remaining":0,"reset":9223372036854775807}}}}`), int64(1<<40))
	f.Add(429, []byte(`{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`), int64(3600))
	f.Add(200, []byte(`{"resources":null}`), int64(0))
	f.Fuzz(func(t *testing.T, status int, body []byte, dateOffset int64) {
		if status < 100 || status > 999 {
			return
		}
		date := time.Time{}
		if dateOffset > -1<<40 && dateOffset < 1<<40 {
			date = now.Add(time.Duration(dateOffset) * time.Second / 1000 * 1000)
		}
		s, clk, _ := statusSource(t, status, "application/json", body, date)
		s.PrimeSweep(context.Background())
		s.PrimeRecheck(context.Background())
		if len(clk.slept) != 0 {
			t.Fatalf("priming slept %v", clk.slept)
		}
		for k, b := range s.limits.snapshot() {
			if k == "app "+statusEndpoint {
				continue // from the reply's headers, not its body
			}
			if b.Limit <= 0 || b.Remaining < 0 || b.Remaining > b.Limit || b.Reset.Before(now) || b.Reset.After(now.Add(s.cfg.RateLimit.MaxWait)) {
				t.Fatalf("%s: budget %+v from %q", k, b, body)
			}
		}
	})
}
