package pipeline

import (
	"context"
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
