package demo

import (
	"errors"
	"time"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/store"
)

// PRF counts outcomes for precision and recall.
type PRF struct{ TP, FP, FN int }

// Precision is TP/(TP+FP), or 0 with no positives.
func (c PRF) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), or 0 with no actual positives.
func (c PRF) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c PRF) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Eval compares a swept store with the world's ground truth.
type Eval struct {
	// Identity counts in-scope decisions over every account in the world.
	Identity PRF
	// Force counts correct force attributions among true positives.
	ForceRight, ForceTotal int
	// Posts counts "flagged at all" over the posts the sweep read.
	Posts PRF
	// Categories counts per category over the posts the sweep read.
	Categories map[classify.Category]PRF
	PostsRead  int
}

// Evaluate compares db with w as it was at sweep time (call it before the
// world's clock advances). Posts are judged only on in-scope profiles the
// sweep stored, created before sweptAt: exactly what the classifier saw.
func Evaluate(db *store.DB, w *sim.World, sweptAt time.Time) (Eval, error) {
	ev := Eval{Categories: map[classify.Category]PRF{}}
	for _, a := range w.Accounts("") {
		p, err := db.Profile(a.Platform, a.ID)
		stored := err == nil && p.InScope
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return ev, err
		}
		switch {
		case stored && a.Truth.InScope:
			ev.Identity.TP++
			ev.ForceTotal++
			if p.Force == a.Truth.Force {
				ev.ForceRight++
			}
		case stored:
			ev.Identity.FP++
		case a.Truth.InScope:
			ev.Identity.FN++
		}
		if !stored || p.Protected {
			continue
		}
		for _, post := range w.Timeline(a.Platform, a.ID) {
			if post.Created.After(sweptAt) {
				continue
			}
			ev.PostsRead++
			truth := map[classify.Category]bool{}
			for _, c := range post.Categories {
				truth[classify.Category(c)] = true
			}
			got := map[classify.Category]bool{}
			if f, err := db.Flag(a.Platform, post.ID); err == nil {
				for _, c := range f.Categories {
					got[classify.Category(c)] = true
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return ev, err
			}
			tally(&ev.Posts, len(truth) > 0, len(got) > 0)
			for _, c := range classify.Categories {
				prf := ev.Categories[c]
				tally(&prf, truth[c], got[c])
				ev.Categories[c] = prf
			}
		}
	}
	return ev, nil
}

func tally(c *PRF, truth, got bool) {
	switch {
	case truth && got:
		c.TP++
	case got:
		c.FP++
	case truth:
		c.FN++
	}
}
