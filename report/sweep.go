package report

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/psd-tools/exposure/store"
)

// ErrNoSweep means the store has no sweep to report, or not the one asked
// for.
var ErrNoSweep = errors.New("no such sweep")

// Count is a number in this sweep beside the same number in the previous
// one.
type Count struct {
	N       int  `json:"n"`
	Prev    int  `json:"previous"`
	HasPrev bool `json:"has_previous"`
}

// Delta is N minus Prev.
func (c Count) Delta() int { return c.N - c.Prev }

// SweepInfo names a sweep.
type SweepInfo struct {
	ID       uint64            `json:"id"`
	Started  time.Time         `json:"started"`
	Finished time.Time         `json:"finished,omitzero"`
	Status   store.SweepStatus `json:"status"`
	Error    string            `json:"error,omitempty"`
}

// Line is one labelled count of the totals.
type Line struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count Count  `json:"count"`
}

// ForceLine is one force's row of the study table.
type ForceLine struct {
	Force    string `json:"force"`
	Profiles Count  `json:"profiles"` // self-identifying profiles in scope
	Flagged  Count  `json:"flagged"`  // flagged posts on those profiles
}

// CategoryLine is one category's row: instances overall and per platform.
type CategoryLine struct {
	Category   string           `json:"category"`
	Instances  Count            `json:"instances"`
	Share      float64          `json:"share"` // of flagged posts
	ByPlatform map[string]Count `json:"by_platform"`
}

// PlatformLine is one platform's row.
type PlatformLine struct {
	Platform string  `json:"platform"`
	Profiles Count   `json:"profiles"`
	Posts    Count   `json:"posts_read"`
	Flagged  Count   `json:"flagged"`
	Share    float64 `json:"share"` // of flagged posts
	// PrevShare is the share in the previous sweep (when there is one).
	PrevShare float64 `json:"previous_share"`
}

// SweepTable is the reference study's table for one sweep, compared with
// the previous complete sweep.
type SweepTable struct {
	Sweep      SweepInfo      `json:"sweep"`
	Previous   *SweepInfo     `json:"previous,omitempty"`
	Totals     []Line         `json:"totals"`
	Forces     []ForceLine    `json:"forces"`
	Categories []CategoryLine `json:"categories"`
	Platforms  []PlatformLine `json:"platforms"`
}

// Study builds the study table for sweep id (0: the latest complete
// sweep, or the latest sweep if none is complete) out of sweeps, oldest
// first as store.DB.Sweeps returns them. The comparison is with the
// newest complete sweep before it; a failed or running sweep's counts are
// partial, so they are never the baseline.
func Study(sweeps []store.Sweep, id uint64) (SweepTable, error) {
	if len(sweeps) == 0 {
		return SweepTable{}, fmt.Errorf("%w: the store has no sweeps yet (run 'exposure sweep' first)", ErrNoSweep)
	}
	sorted := append([]store.Sweep(nil), sweeps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	at := -1
	if id == 0 {
		at = len(sorted) - 1
		for i := len(sorted) - 1; i >= 0; i-- {
			if sorted[i].Status == store.SweepComplete {
				at = i
				break
			}
		}
	} else {
		for i, s := range sorted {
			if s.ID == id {
				at = i
			}
		}
		if at < 0 {
			return SweepTable{}, fmt.Errorf("%w: sweep %d (the store has sweeps %d to %d)", ErrNoSweep, id, sorted[0].ID, sorted[len(sorted)-1].ID)
		}
	}
	cur := sorted[at]
	var prev *store.Sweep
	for i := at - 1; i >= 0; i-- {
		if sorted[i].Status == store.SweepComplete {
			prev = &sorted[i]
			break
		}
	}
	return studyTable(cur, prev), nil
}

func info(s store.Sweep) SweepInfo {
	return SweepInfo{ID: s.ID, Started: s.Started.UTC(), Finished: s.Finished.UTC(), Status: s.Status, Error: s.Error}
}

func studyTable(cur store.Sweep, prev *store.Sweep) SweepTable {
	t := SweepTable{Sweep: info(cur)}
	c := cur.Summary
	var p store.Summary
	if prev != nil {
		pi := info(*prev)
		t.Previous = &pi
		p = prev.Summary
	}
	count := func(n, pn int) Count { return Count{N: n, Prev: pn, HasPrev: prev != nil} }
	t.Totals = []Line{
		{"candidates", "candidate profiles examined", count(c.Candidates, p.Candidates)},
		{"in_scope", "self-identifying profiles in scope", count(c.InScope, p.InScope)},
		{"protected", "in scope but protected (not read)", count(c.Protected, p.Protected)},
		{"posts_read", "posts read", count(c.PostsRead, p.PostsRead)},
		{"flagged", "flagged posts (instances)", count(c.Flagged, p.Flagged)},
		{"profiles_flagged", "profiles with at least one flag", count(c.ProfilesFlagged, p.ProfilesFlagged)},
		{"failed", "profiles not read (left for the next run)", count(c.Failed, p.Failed)},
	}
	forces := union(c.InScopeByForce, p.InScopeByForce, c.FlaggedByForce, p.FlaggedByForce)
	for _, f := range forces {
		t.Forces = append(t.Forces, ForceLine{Force: f,
			Profiles: count(c.InScopeByForce[f], p.InScopeByForce[f]),
			Flagged:  count(c.FlaggedByForce[f], p.FlaggedByForce[f])})
	}
	sort.SliceStable(t.Forces, func(i, j int) bool {
		a, b := t.Forces[i], t.Forces[j]
		if a.Profiles.N != b.Profiles.N {
			return a.Profiles.N > b.Profiles.N
		}
		return a.Force < b.Force
	})
	platforms := union(c.InScopeByPlatform, p.InScopeByPlatform, c.FlaggedByPlatform, p.FlaggedByPlatform,
		c.PostsByPlatform, p.PostsByPlatform)
	for _, name := range orderCategories(union(c.FlaggedByCategory, p.FlaggedByCategory)) {
		line := CategoryLine{Category: name, Instances: count(c.FlaggedByCategory[name], p.FlaggedByCategory[name]),
			Share: share(c.FlaggedByCategory[name], c.Flagged), ByPlatform: map[string]Count{}}
		for _, pl := range platforms {
			line.ByPlatform[pl] = count(c.FlaggedCatPlat[name][pl], p.FlaggedCatPlat[name][pl])
		}
		t.Categories = append(t.Categories, line)
	}
	for _, pl := range platforms {
		t.Platforms = append(t.Platforms, PlatformLine{Platform: pl,
			Profiles:  count(c.InScopeByPlatform[pl], p.InScopeByPlatform[pl]),
			Posts:     count(c.PostsByPlatform[pl], p.PostsByPlatform[pl]),
			Flagged:   count(c.FlaggedByPlatform[pl], p.FlaggedByPlatform[pl]),
			Share:     share(c.FlaggedByPlatform[pl], c.Flagged),
			PrevShare: share(p.FlaggedByPlatform[pl], p.Flagged)})
	}
	return t
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// union returns the keys of all maps, sorted.
func union(ms ...map[string]int) []string {
	seen := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			seen[k] = true
		}
	}
	out := keys(seen)
	sort.Strings(out)
	return out
}
