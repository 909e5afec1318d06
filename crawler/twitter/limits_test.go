package twitter

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/faketwitter"
	"github.com/psd-tools/exposure/store"
)

func (r *recorder) waitList() []waitEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]waitEvent{}, r.waits...)
}

func TestWaitsForTheWindowInsteadOfA429(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 2}}, nil)
	posts, _, err := collect(t, e.source(), officer, "")
	if err != nil || len(posts) != 244 {
		t.Fatalf("%d posts, %v", len(posts), err)
	}
	w := e.obs.waitList()
	if len(w) != 1 || w[0].endpoint != "statuses/user_timeline" || !w[0].until.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("waits %+v", w)
	}
	if n := e.fake.Stats().RateLimited["statuses/user_timeline"]; n != 0 {
		t.Errorf("the budget let %d requests hit a 429", n)
	}
	if !strings.Contains(e.logs.String(), "rate limited on statuses/user_timeline, resuming at ") {
		t.Errorf("no progress line in the log")
	}
}

func TestHonours429(t *testing.T) {
	for _, c := range []struct {
		kind faketwitter.Kind
		wait time.Duration
	}{
		{faketwitter.RateLimit, 7 * time.Second},             // Retry-After
		{faketwitter.RateLimitNoRetryAfter, 7 * time.Second}, // x-rate-limit-reset
		{faketwitter.RateLimitBare, time.Minute},             // nothing: the fallback
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			e := fixtureEnv(t, faketwitter.Options{Faults: faketwitter.Faults{RetryAfter: 7 * time.Second,
				Rules: []faketwitter.Rule{{Endpoint: "statuses/user_timeline", Kinds: []faketwitter.Kind{c.kind}, Times: 1}}}}, nil)
			posts, _, err := collect(t, e.source(), officer, "")
			if err != nil || len(posts) != 244 {
				t.Fatalf("%d posts, %v", len(posts), err)
			}
			w := e.obs.waitList()
			if len(w) != 1 || !w[0].until.Equal(now.Add(c.wait)) {
				t.Fatalf("waits %+v, want one until now+%s", w, c.wait)
			}
		})
	}
}

func TestClockSkewInResetHeaders(t *testing.T) {
	for _, skew := range []time.Duration{time.Hour, -time.Hour, 3 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 1},
				Faults: faketwitter.Faults{Skew: skew}}, nil)
			if _, _, err := collect(t, e.source(), officer, ""); err != nil {
				t.Fatal(err)
			}
			// The server's clock is off by skew; its Date header says so,
			// and the wait is for the true reset, 15 minutes on.
			w := e.obs.waitList()
			if len(w) == 0 || !w[0].until.Equal(now.Add(15*time.Minute)) {
				t.Fatalf("waits %+v", w)
			}
			if n := e.fake.Stats().RateLimited["statuses/user_timeline"]; n != 0 {
				t.Errorf("%d requests hit a 429", n)
			}
		})
	}
}

func TestResetHeadersBounded(t *testing.T) {
	l, _ := newLimiter(nil, &fakeClock{t: now}, crawler.NopObserver{}, zerolog.Nop(), 16*time.Minute)
	h := http.Header{}
	if got := l.local(now.Add(5*time.Hour), h, now); !got.Equal(now.Add(16 * time.Minute)) {
		t.Errorf("reset 5h ahead with no Date: %v", got)
	}
	if got := l.local(now.Add(-time.Hour), h, now); !got.Equal(now) {
		t.Errorf("reset in the past: %v", got)
	}
	h.Set("Date", now.Add(time.Second).Format(http.TimeFormat))
	if got := l.local(now.Add(time.Minute), h, now); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("one second of Date resolution taken for skew: %v", got)
	}
}

// stopOnWait makes the next rate-limit wait end the context, as an operator
// pressing Ctrl-C during a long wait would.
func stopOnWait(e *env) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	e.clock.block = true
	e.obs.onWait = cancel
	return ctx, cancel
}

func TestWaitIsCancellable(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 2}}, nil)
	ctx, cancel := stopOnWait(e)
	defer cancel()
	_, err := e.source().Posts(ctx, officer, "", func(crawler.Post) error { return nil })
	if !errors.Is(err, crawler.ErrRateLimited) || !errors.Is(err, context.Canceled) || !crawler.IsTransient(err) {
		t.Fatalf("want a transient rate-limit error wrapping the cancellation, got %v", err)
	}
}

func TestResumesFromPersistedBudget(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{Limits: map[string]int{"statuses/user_timeline": 2}}, nil)
	ctx, cancel := stopOnWait(e)
	_, err := e.source().Posts(ctx, officer, "", func(crawler.Post) error { return nil })
	cancel()
	if !errors.Is(err, crawler.ErrRateLimited) {
		t.Fatalf("first run: %v", err)
	}
	raw, _ := e.db.KV("twitter").Get([]byte("ratelimit/app statuses/user_timeline"))
	if !strings.Contains(string(raw), `"remaining":0`) {
		t.Fatalf("budget not persisted: %s", raw)
	}
	// A new process: it waits before asking, rather than earning a 429.
	e.clock.block, e.obs.onWait = false, nil
	before := e.fake.Requests("statuses/user_timeline")
	s := e.source()
	first := true
	e.obs.onWait = func() {
		if n := e.fake.Requests("statuses/user_timeline"); first && n != before {
			t.Errorf("asked %d times before waiting", n-before)
		}
		first = false
	}
	posts, _, err := collect(t, s, officer, "")
	if err != nil || len(posts) != 244 {
		t.Fatalf("resumed run: %d posts, %v", len(posts), err)
	}
	if n := e.fake.Stats().RateLimited["statuses/user_timeline"]; n != 0 {
		t.Errorf("%d requests hit a 429", n)
	}
	w := e.obs.waitList()
	// One wait in the first run, then the resumed run's two: the persisted
	// window, and the next one after two more pages.
	if len(w) != 3 || !w[1].until.Equal(now.Add(15*time.Minute)) || !w[2].until.Equal(now.Add(30*time.Minute)) {
		t.Errorf("resumed run's first wait: %+v", w)
	}
}

func TestGraphDiscoveryResumes(t *testing.T) {
	e := newEnv(t, bigWorld(450), faketwitter.Options{Limits: map[string]int{"followers/list": 1}}, func(c *Config) {
		c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"BigForce"}, Method: "list"}
	})
	seen := map[string]int{}
	yield := func(p crawler.Profile) error { seen[p.ID]++; return nil }

	ctx, cancel := stopOnWait(e)
	err := e.source().Discover(ctx, yield)
	cancel()
	if !errors.Is(err, crawler.ErrRateLimited) || len(seen) != 200 {
		t.Fatalf("first run: %d profiles, %v", len(seen), err)
	}
	cur, _ := e.db.KV("twitter").Get([]byte("discover/followers/list/bigforce"))
	if _, err := strconv.ParseInt(string(cur), 10, 64); err != nil {
		t.Fatalf("cursor not saved: %q", cur)
	}

	e.clock.block, e.obs.onWait = false, nil
	if err := e.source().Discover(context.Background(), yield); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 450 {
		t.Fatalf("after resuming: %d profiles", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("profile %s yielded %d times across the two runs", id, n)
		}
	}
	if cur, _ := e.db.KV("twitter").Get([]byte("discover/followers/list/bigforce")); cur != nil {
		t.Errorf("cursor kept after the walk finished: %q", cur)
	}
	// The next sweep walks the graph from the top.
	n := 0
	if err := e.source().Discover(context.Background(), func(crawler.Profile) error { n++; return nil }); err != nil || n != 450 {
		t.Fatalf("next sweep: %d profiles, %v", n, err)
	}
}

// TestLimiterConcurrentSave runs reservations and header updates of one
// endpoint at once with persistence on: under -race it caught a budget
// marshalled for the store while another worker reserved from it.
func TestLimiterConcurrentSave(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "l.db"), store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clk := &fakeClock{t: now}
	l, err := newLimiter(db.KV("twitter"), clk, crawler.NopObserver{}, zerolog.Nop(), 16*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// One goroutine keeps setting the budget, alternately exhausted (the
	// waiters sleep, which moves the fake clock past saveEvery) and full
	// (persisted while the waiters reserve from it).
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 400 {
			l.set("app x", &budget{Limit: 900, Remaining: (i % 2) * 900, Reset: clk.Now().Add(time.Minute)})
		}
	}()
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 400 {
				if err := l.wait(context.Background(), "app x", "x"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
