package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
)

// primingSource records when it is primed and when it is first asked for
// anything, as crawler/twitter's rate_limit_status priming needs to come
// before its first request of a job.
type primingSource struct {
	*memSource
	mu     sync.Mutex
	events []string
}

func (p *primingSource) note(e string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.events); n == 0 || p.events[n-1] != e {
		p.events = append(p.events, e)
	}
}

func (p *primingSource) PrimeSweep(context.Context)   { p.note("prime sweep") }
func (p *primingSource) PrimeRecheck(context.Context) { p.note("prime recheck") }

func (p *primingSource) Discover(ctx context.Context, yield func(crawler.Profile) error) error {
	p.note("discover")
	return p.memSource.Discover(ctx, yield)
}

func (p *primingSource) Posts(ctx context.Context, prof crawler.Profile, since string, yield func(crawler.Post) error) (string, error) {
	p.note("posts")
	return p.memSource.Posts(ctx, prof, since, yield)
}

func (p *primingSource) Lookup(ctx context.Context, refs []crawler.PostRef) ([]crawler.Check, error) {
	p.note("lookup")
	return p.memSource.Lookup(ctx, refs)
}

func (p *primingSource) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.events
	p.events = nil
	return e
}

func TestJobsPrimeTheirSourcesFirst(t *testing.T) {
	db := openDB(t)
	src := &primingSource{memSource: world(6, 30)}
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	want := func(what string, want ...string) {
		t.Helper()
		got := src.take()
		if len(got) != len(want) {
			t.Fatalf("%s: %q, want %q", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: %q, want %q", what, got, want)
			}
		}
	}

	// An interrupted sweep, then its resumption: each run primes before
	// its first request, discovery or timelines.
	ctx, cancel := context.WithCancel(context.Background())
	src.cancelAfter, src.cancel = 2, cancel
	if _, err := sw.Run(ctx, opts()); err == nil {
		t.Fatal("want the interrupted sweep to stop")
	}
	want("interrupted sweep", "prime sweep", "discover", "posts")
	src.cancelAfter = 0
	if _, err := sw.Run(context.Background(), opts()); err != nil {
		t.Fatal(err)
	}
	want("resumed sweep", "prime sweep", "posts")

	referAll(t, db)
	rc := &Rechecker{DB: db, Sources: []crawler.Source{src}}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, err := rc.Run(context.Background(), RecheckOptions{Operator: "op", Authority: "A", Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	want("recheck", "prime recheck", "lookup")
	// Nothing due: no request, so no priming either.
	empty := &Rechecker{DB: openDB(t), Sources: []crawler.Source{src}}
	if _, err := empty.Run(context.Background(), RecheckOptions{Operator: "op", Authority: "A", Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	want("recheck with nothing due")
}
