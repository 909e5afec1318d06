package html

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/rules"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/fakesite"
	"github.com/psd-tools/exposure/store"
)

var worldNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// testWorld is a small exact world: alice (60 posts, one removed, one
// edited, one share), a protected, a suspended and a deleted officer, a
// renamed one, and a baker no query finds.
func testWorld() *sim.World {
	acc := func(id, handle, name, bio string, st sim.AccountState) *sim.Account {
		return &sim.Account{Platform: sim.Facebook, ID: id, Handle: handle, Name: name, Bio: bio,
			Location: "Birmingham", State: st, Created: worldNow.AddDate(-3, 0, 0)}
	}
	accounts := []*sim.Account{
		acc("alice-1", "alice.pc", "Alice <b>Smith</b>", "PC at West Midlands Police & proud", sim.Active),
		acc("bob-2", "bob.protected", "Bob Jones", "Police officer, Kent", sim.Protected),
		acc("carl-3", "carl.suspended", "Carl Brown", "police constable", sim.Suspended),
		acc("dave-4", "dave.deleted", "Dave Green", "police sergeant", sim.Deleted),
		acc("erin-5", "erin.baker", "Erin White", "Baker in Leeds", sim.Active),
		acc("fay-6", "fay.newname", "Fay Black", "Police staff", sim.Active),
	}
	var posts []*sim.Post
	for i := range 60 {
		p := &sim.Post{Platform: sim.Facebook, ID: fmt.Sprintf("a%03d", 60-i), AccountID: "alice-1",
			Created: worldNow.Add(-time.Duration(i+1) * 24 * time.Hour), State: sim.Live,
			Text: fmt.Sprintf("Alice post %d <script>alert(1)</script> & \"more\"", 60-i)}
		posts = append(posts, p)
	}
	posts[5].State = sim.Removed
	posts[7].State, posts[7].EditedText = sim.Edited, "Alice edited this one"
	posts[2].Repost, posts[2].RepostText = true, "Shared: a news story"
	posts = append(posts,
		&sim.Post{Platform: sim.Facebook, ID: "b001", AccountID: "bob-2", Created: worldNow.Add(-time.Hour), Text: "bob", State: sim.Live},
		&sim.Post{Platform: sim.Facebook, ID: "c001", AccountID: "carl-3", Created: worldNow.Add(-time.Hour), Text: "carl", State: sim.Live},
		&sim.Post{Platform: sim.Facebook, ID: "d001", AccountID: "dave-4", Created: worldNow.Add(-time.Hour), Text: "dave", State: sim.Live},
		&sim.Post{Platform: sim.Facebook, ID: "f001", AccountID: "fay-6", Created: worldNow.Add(-time.Hour), Text: "fay", State: sim.Live},
	)
	return sim.FromData(worldNow, accounts, posts)
}

// testConfig is a config for the fake at base: no delay, quick retries.
func testConfig(base string) Config {
	c := DefaultConfig()
	c.Site = "facebook"
	c.BaseURL = base
	c.Queries = []string{"police"}
	c.Contact = "psd-monitor@example.police.uk"
	c.Delay, c.RandomDelay = 0, 0
	c.Parallelism = 4
	c.Backoff, c.MaxWait = time.Millisecond, 50*time.Millisecond
	c.Timeout = 2 * time.Second
	c.AllowPrivateAddresses = true
	c.MaxBodyBytes = 256 << 10
	return c
}

type fixture struct {
	site *fakesite.Site
	srv  *httptest.Server
	src  *Source
	obs  *recorder
	cfg  Config
}

// newFixture serves w through a fake site with opt and builds a source on
// it with the config changed by edit.
func newFixture(t testing.TB, w *sim.World, opt fakesite.Options, kv func(string) *store.KV, edit func(*Config)) *fixture {
	t.Helper()
	site := fakesite.New(w, opt)
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	cfg := testConfig(srv.URL)
	if edit != nil {
		edit(&cfg)
	}
	f := &fixture{site: site, srv: srv, cfg: cfg}
	f.restart(t, kv)
	return f
}

// restart replaces the source with a new one on the same site, as a new
// process would build.
func (f *fixture) restart(t testing.TB, kv func(string) *store.KV) {
	t.Helper()
	f.obs = &recorder{}
	src, err := New(f.cfg, rules.Embedded(), Deps{KV: kv, Observer: f.obs, Now: func() time.Time { return worldNow }})
	if err != nil {
		t.Fatal(err)
	}
	f.src = src
}

// discover runs Discover and returns the profiles by handle.
func (f *fixture) discover(t testing.TB) (map[string]crawler.Profile, error) {
	t.Helper()
	got := map[string]crawler.Profile{}
	err := f.src.Discover(context.Background(), func(p crawler.Profile) error {
		if _, dup := got[p.Handle]; dup {
			t.Errorf("profile %s yielded twice", p.Handle)
		}
		got[p.Handle] = p
		return nil
	})
	return got, err
}

// posts runs Posts and returns the posts and the cursor.
func (f *fixture) posts(t testing.TB, p crawler.Profile, since string) ([]crawler.Post, string, error) {
	t.Helper()
	var out []crawler.Post
	next, err := f.src.Posts(context.Background(), p, since, func(post crawler.Post) error {
		out = append(out, post)
		return nil
	})
	return out, next, err
}

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "x.db"), store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// recorder is an Observer that remembers events.
type recorder struct {
	mu      sync.Mutex
	waits   int
	retries int
}

func (r *recorder) Waiting(string, string, time.Time) { r.mu.Lock(); r.waits++; r.mu.Unlock() }
func (r *recorder) Retrying(string, string, int, error) {
	r.mu.Lock()
	r.retries++
	r.mu.Unlock()
}

func (r *recorder) counts() (waits, retries int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.waits, r.retries
}
