package twitter

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/faketwitter"
	"github.com/psd-tools/exposure/store"
)

var now = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// Test credentials: distinctive so that a leak into logs is easy to find.
var testCreds = Credentials{
	BearerToken:    "AAAAtest-bearer-SECRET-0451",
	ConsumerKey:    "ck-test-SECRET-1138",
	ConsumerSecret: "cs-test-SECRET-2187",
	AccessToken:    "at-test-SECRET-3263",
	AccessSecret:   "as-test-SECRET-4242",
}

// fakeClock advances only when slept on, so waits take no real time. It is
// shared with the fake API, whose windows then reset on cue.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
	// block makes Sleep wait for the context instead (for cancellation).
	block bool
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	block := c.block
	c.mu.Unlock()
	if block {
		<-ctx.Done()
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return nil
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder is a crawler.Observer that keeps what it was told.
type recorder struct {
	mu      sync.Mutex
	waits   []waitEvent
	retries []string
	onWait  func()
}

type waitEvent struct {
	endpoint string
	until    time.Time
}

func (r *recorder) Waiting(platform, endpoint string, until time.Time) {
	r.mu.Lock()
	r.waits = append(r.waits, waitEvent{endpoint, until})
	f := r.onWait
	r.mu.Unlock()
	if f != nil {
		f()
	}
}

func (r *recorder) Retrying(platform, op string, attempt int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries = append(r.retries, op)
}

func (r *recorder) counts() (waits, retries int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.waits), len(r.retries)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a fake API over a world, a store, and sources pointed at them.
type env struct {
	t     *testing.T
	world *sim.World
	fake  *faketwitter.Server
	ts    *httptest.Server
	clock *fakeClock
	db    *store.DB
	obs   *recorder
	logs  *syncBuffer
	creds Credentials
	cfg   Config
}

// newEnv serves w with opt; the source config starts from a fast test
// configuration (instant backoff, short timeouts) and mod.
func newEnv(t *testing.T, w *sim.World, opt faketwitter.Options, mod func(*Config)) *env {
	t.Helper()
	e := &env{t: t, world: w, clock: &fakeClock{t: now}, obs: &recorder{}, logs: &syncBuffer{}, creds: testCreds}
	opt.Clock = e.clock.Now
	opt.BearerToken, opt.ConsumerKey, opt.ConsumerSecret = testCreds.BearerToken, testCreds.ConsumerKey, testCreds.ConsumerSecret
	opt.AccessToken, opt.AccessSecret = testCreds.AccessToken, testCreds.AccessSecret
	e.fake = faketwitter.New(w, opt)
	e.ts = httptest.NewServer(e.fake)
	t.Cleanup(e.ts.Close)
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	e.cfg = Config{BaseURL: e.ts.URL, RequestTimeout: 2 * time.Second, Retry: Retry{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}}
	e.cfg.Timeline.NotBefore = now.AddDate(-1, 0, 0)
	if mod != nil {
		mod(&e.cfg)
	}
	return e
}

// source builds a new Source on the env (a fresh one per call, as a new
// process would be, sharing the store).
func (e *env) source() *Source {
	e.t.Helper()
	s, err := e.sourceErr()
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) sourceErr() (*Source, error) {
	creds := e.creds
	log := zerolog.New(e.logs).Level(zerolog.TraceLevel)
	return New(e.cfg, Deps{Transport: e.ts.Client().Transport, KV: e.db.KV("twitter"), Observer: e.obs, Log: log, Clock: e.clock, Credentials: &creds})
}

func fixtureEnv(t *testing.T, opt faketwitter.Options, mod func(*Config)) *env {
	return newEnv(t, faketwitter.Fixture(now), opt, mod)
}

// officer is @PC_Smith as discovery yields it.
var officer = crawler.Profile{Platform: "twitter", ID: faketwitter.FixtureOfficer, Handle: "PC_Smith"}

// collect runs Posts and returns the posts and cursor.
func collect(t *testing.T, s *Source, p crawler.Profile, since string) ([]crawler.Post, string, error) {
	t.Helper()
	var out []crawler.Post
	next, err := s.Posts(context.Background(), p, since, func(p crawler.Post) error {
		out = append(out, p)
		return nil
	})
	return out, next, err
}

// discover runs Discover and returns the handles found, sorted, and the
// profiles by handle.
func discover(t *testing.T, s *Source) ([]string, map[string]crawler.Profile, error) {
	t.Helper()
	byHandle := map[string]crawler.Profile{}
	var handles []string
	err := s.Discover(context.Background(), func(p crawler.Profile) error {
		if _, dup := byHandle[p.Handle]; dup {
			t.Errorf("profile @%s yielded twice", p.Handle)
		}
		byHandle[p.Handle] = p
		handles = append(handles, p.Handle)
		return nil
	})
	sort.Strings(handles)
	return handles, byHandle, err
}
