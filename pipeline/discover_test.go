package pipeline

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/store"
)

// progressSource records its own discovery progress as soon as yield
// returns, as crawler/html (visited pages) and crawler/twitter (graph
// cursors) do, and checks at that moment that the candidate it just gave
// is already checkpointed: if the process died now, the source would not
// give it again on resume.
type progressSource struct {
	*memSource
	db      *store.DB
	t       *testing.T
	forgot  int
	lostAny bool
}

func (p *progressSource) Discover(ctx context.Context, yield func(crawler.Profile) error) error {
	for _, prof := range p.profiles {
		if err := yield(prof); err != nil {
			return err
		}
		// "Progress saved": is the candidate durable?
		sweeps, _ := p.db.Sweeps()
		found := false
		p.db.Pending(sweeps[len(sweeps)-1].ID, func(c store.Checkpoint) error {
			found = found || c.ID == prof.ID
			return nil
		})
		if !found {
			p.lostAny = true
		}
	}
	return nil
}

func (p *progressSource) ForgetCrawl() error { p.forgot++; return nil }

func TestDiscoverCheckpointsBeforeYieldReturns(t *testing.T) {
	db := openDB(t)
	src := &progressSource{memSource: world(40, 2), db: db, t: t}
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	s, err := sw.Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	if src.lostAny {
		t.Fatal("a candidate was not checkpointed when yield returned: a kill at that point loses it")
	}
	if s.Summary.Candidates != 40 {
		t.Fatalf("candidates = %d", s.Summary.Candidates)
	}
	if src.forgot != 1 {
		t.Fatalf("a new sweep should forget the source's saved discovery progress once, got %d", src.forgot)
	}
}

// TestResumedSweepKeepsCrawl checks that resuming an interrupted sweep
// keeps the source's discovery progress, and a new sweep drops it.
func TestResumedSweepKeepsCrawl(t *testing.T) {
	db := openDB(t)
	src := &progressSource{memSource: world(10, 3), db: db, t: t}
	ctx, cancel := context.WithCancel(context.Background())
	src.cancelAfter, src.cancel = 2, cancel
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	if _, err := sw.Run(ctx, opts()); err == nil {
		t.Fatal("want the interrupted sweep to stop")
	}
	src.cancelAfter = 0
	if _, err := sw.Run(context.Background(), opts()); err != nil {
		t.Fatal(err)
	}
	if src.forgot != 1 {
		t.Fatalf("forgot %d times over a new and a resumed sweep; want 1", src.forgot)
	}
	if _, err := sw.Run(context.Background(), opts()); err != nil {
		t.Fatal(err)
	}
	if src.forgot != 2 {
		t.Fatalf("a second new sweep should forget again (%d)", src.forgot)
	}
}

// goneErr is an account-state error as a source reports it.
type goneErr struct{ state crawler.State }

func (e goneErr) Error() string               { return "account is " + string(e.state) }
func (e goneErr) AccountState() crawler.State { return e.state }

// seedSource discovers its profiles, then reports what went wrong.
type seedSource struct {
	*memSource
	err error
}

func (s *seedSource) Discover(ctx context.Context, yield func(crawler.Profile) error) error {
	if err := s.memSource.Discover(ctx, yield); err != nil {
		return err
	}
	return s.err
}

// TestUnavailableSeedsAreNotFailures checks that seed accounts the platform
// says are gone or protected are recorded as a seed list to correct, not
// as a discovery to retry, while a real failure beside them still is.
func TestUnavailableSeedsAreNotFailures(t *testing.T) {
	gone := fmt.Errorf("followers of @OldForce: %w", goneErr{crawler.StateAccountGone})
	locked := fmt.Errorf("friends of @Locked: %w", goneErr{crawler.StateAccountProtected})
	outage := errors.New("users/search q=pc page 3: HTTP 503")
	for _, tc := range []struct {
		name             string
		err              error
		failure, unavail string
	}{
		{"seeds only", errors.Join(gone, locked), "", "followers of @OldForce (account_gone); friends of @Locked (account_protected)"},
		{"seeds and an outage", errors.Join(gone, outage), "users/search q=pc page 3: HTTP 503", "followers of @OldForce (account_gone)"},
		{"outage only", outage, "users/search q=pc page 3: HTTP 503", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			src := &seedSource{memSource: world(5, 1), err: tc.err}
			sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
			s, err := sw.Run(context.Background(), opts())
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Summary.Discovery["mem"]; got != tc.failure {
				t.Errorf("discovery failure = %q, want %q", got, tc.failure)
			}
			if got := s.Summary.Unavailable["mem"]; got != tc.unavail {
				t.Errorf("unavailable seeds = %q, want %q", got, tc.unavail)
			}
			if s.Summary.Candidates != 5 {
				t.Errorf("candidates = %d, want 5", s.Summary.Candidates)
			}
		})
	}
}
