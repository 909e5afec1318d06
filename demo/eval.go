package demo

import (
	"errors"
	"time"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/store"
)

// Eval compares a swept store with the world's ground truth.
type Eval struct {
	// Identity counts in-scope decisions over every account in the world.
	Identity classify.Counts
	// Force counts correct force attributions among true positives.
	ForceRight, ForceTotal int
	// Posts counts "flagged at all" over the posts the sweep read.
	Posts classify.Counts
	// Categories counts per category over the posts the sweep read.
	Categories map[classify.Category]classify.Counts
	PostsRead  int
}

// Evaluate compares db with w as it was at sweep time (call it before the
// world's clock advances). Posts are judged only on in-scope profiles the
// sweep stored, created before sweptAt: exactly what the classifier saw.
func Evaluate(db *store.DB, w *sim.World, sweptAt time.Time) (Eval, error) {
	ev := Eval{Categories: map[classify.Category]classify.Counts{}}
	for _, a := range w.Accounts("") {
		p, err := db.Profile(a.Platform, a.ID)
		stored := err == nil && p.InScope
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return ev, err
		}
		ev.Identity.Add(stored, a.Truth.InScope)
		if stored && a.Truth.InScope {
			ev.ForceTotal++
			if p.Force == a.Truth.Force {
				ev.ForceRight++
			}
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
			ev.Posts.Add(len(got) > 0, len(truth) > 0)
			for _, c := range classify.Categories {
				n := ev.Categories[c]
				n.Add(got[c], truth[c])
				ev.Categories[c] = n
			}
		}
	}
	return ev, nil
}
