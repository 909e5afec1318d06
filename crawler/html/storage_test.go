package html

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/gocolly/colly/v2"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/fakesite"
)

// TestResumeAfterInterruption: a discovery stopped after the first profile
// (the pipeline's yield failing stands in for a kill) resumes in a new
// Source on the same database without fetching the finished search page
// again and without losing the profile whose yield failed; once it
// finishes, the next discovery starts afresh.
func TestResumeAfterInterruption(t *testing.T) {
	db := openDB(t)
	w := testWorld()
	opt := fakesite.Options{SearchPageSize: 1}
	crawl := func(c *Config) { c.CrawlID = "sweep-7" }
	f := newFixture(t, w, opt, db.KV, crawl)

	killed := errors.New("killed")
	var first []string
	err := f.src.Discover(t.Context(), func(p crawler.Profile) error {
		if len(first) == 1 {
			return killed
		}
		first = append(first, p.Handle)
		return nil
	})
	if !errors.Is(err, killed) || len(first) != 1 || first[0] != "alice.pc" {
		t.Fatalf("first run: %v, %v", first, err)
	}
	page1 := "/search/people/?q=police"
	if f.site.Hits(page1) != 1 {
		t.Fatalf("page 1 fetched %d times", f.site.Hits(page1))
	}

	cookied := f.site.CookieHits()

	// A new process: a new Source on the same file and site.
	f.restart(t, db.KV)
	got, err := f.discover(t)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["alice.pc"]; ok || len(got) != 2 {
		t.Errorf("resumed run yielded %v; want bob and fay only", keys(got))
	}
	if f.site.Hits(page1) != 1 || f.site.Hits("/alice.pc") != 1 {
		t.Errorf("resumed run fetched finished pages again: page1 %d, alice %d", f.site.Hits(page1), f.site.Hits("/alice.pc"))
	}
	if f.site.Hits("/search/people/?q=police&page=2") != 2 {
		t.Error("the page whose profile was not handed over was not fetched again")
	}
	// Cookies the site set for the first process were sent by the second
	// from its first request (robots.txt), which had no jar in memory.
	if f.site.CookieHits() <= cookied || f.site.Hits("/robots.txt") != 2 {
		t.Error("cookies were not kept in the store")
	}

	// Finished: the crawl is forgotten and the next one sees everything.
	f.restart(t, db.KV)
	got, err = f.discover(t)
	if err != nil || len(got) != 3 {
		t.Errorf("after a finished crawl: %v, %v", keys(got), err)
	}
}

// TestFailedPageUnmarked: colly marks a URL visited before fetching it; a
// page that failed must be fetched again when the crawl resumes.
func TestFailedPageUnmarked(t *testing.T) {
	db := openDB(t)
	// bob's profile fails once (no retries), then works.
	f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/bob.protected", Times: 1, Fault: fakesite.Fault{Kind: fakesite.ServerError}},
	}}}, db.KV, func(c *Config) { c.Retries = 0 })
	got, err := f.discover(t)
	if err == nil || !crawler.IsTransient(err) || len(got) != 2 {
		t.Fatalf("faulty run: %v, err %v", keys(got), err)
	}
	f.restart(t, db.KV)
	got, err = f.discover(t)
	if err != nil || len(got) != 1 || got["bob.protected"].Handle == "" {
		t.Errorf("resumed run: %v, err %v; want bob only", keys(got), err)
	}
}

// TestVisitIDMatchesColly checks our copy of colly's request hash against
// the ids colly itself hands the storage.
func TestVisitIDMatchesColly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rec := &idRecorder{}
	c := colly.NewCollector()
	if err := c.SetStorage(rec); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{srv.URL + "/a", srv.URL, srv.URL + "/", srv.URL + "/x y?q=é&b=1#frag",
		srv.URL + "/%7Euser/../p?x=%zz", srv.URL + "/search/people/?q=police+officer&page=2"} {
		rec.last = 0
		if err := c.Visit(u); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if got := visitID(u); got != rec.last {
			t.Errorf("%s: visitID %x, colly %x", u, got, rec.last)
		}
	}
}

type idRecorder struct {
	mu   sync.Mutex
	last uint64
}

func (r *idRecorder) Init() error                    { return nil }
func (r *idRecorder) Visited(id uint64) error        { r.mu.Lock(); r.last = id; r.mu.Unlock(); return nil }
func (r *idRecorder) IsVisited(uint64) (bool, error) { return false, nil }
func (r *idRecorder) Cookies(*url.URL) string        { return "" }
func (r *idRecorder) SetCookies(*url.URL, string)    {}
