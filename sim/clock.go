package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// planChanges draws, once, when each account changes: it goes private, is
// suspended, is deleted or is renamed, as competing monthly risks, at the
// flagged rates for accounts with inappropriate posts and the ordinary
// rates for the rest. Advance then applies the changes whose time has come,
// so the world after a year is the same whether it got there in one step or
// twelve.
func (w *World) planChanges() {
	for i, a := range w.accounts {
		if a.Truth.Kind == KindCorporate {
			continue // forces do not delete themselves
		}
		g := &w.gen[i]
		rates := &w.cfg.Ordinary
		if len(g.bad) > 0 {
			rates = &w.cfg.Flagged
		}
		r := newRNG(mix(g.seed, saltAccountFate, 0))
		best, to := math.Inf(1), AccountState("")
		for _, c := range []struct {
			p  float64
			to AccountState
		}{
			{rates.AccountProtected, Protected},
			{rates.AccountSuspended, Suspended},
			{rates.AccountDeleted, Deleted},
			{rates.AccountRenamed, ""},
		} {
			if t := expo(r.float(), perSecond(c.p)); t < best {
				best, to = t, c.to
			}
		}
		// Changes beyond a century are never reached; leave them out.
		if best < 100*12*monthSeconds {
			w.events = append(w.events, event{at: at(w.start.Unix(), best), idx: int32(i), to: to})
		}
	}
	slices.SortFunc(w.events, func(a, b event) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return int(a.idx - b.idx)
	})
}

// Advance moves the clock forward by whole calendar months.
func (w *World) Advance(months int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advanceTo(w.now.AddDate(0, months, 0))
}

// AdvanceBy moves the clock forward by d.
func (w *World) AdvanceBy(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advanceTo(w.now.Add(d))
}

// AdvanceTo moves the clock to t; a time before the present is ignored (the
// world's clock never runs backwards).
func (w *World) AdvanceTo(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advanceTo(t)
}

func (w *World) advanceTo(t time.Time) {
	t = t.UTC().Truncate(time.Second)
	if !t.After(w.now) {
		return
	}
	w.now = t
	end := t.Unix()
	for ; w.applied < len(w.events) && w.events[w.applied].at <= end; w.applied++ {
		w.apply(w.events[w.applied])
	}
}

// apply makes one account change.
func (w *World) apply(e event) {
	a := w.accounts[e.idx]
	a.ChangedAt = time.Unix(e.at, 0).UTC()
	if e.to != "" {
		a.State = e.to
		return
	}
	// A rename: the old handle stops resolving, the new one is a variant
	// or a fresh name, and the bio often loses what gave the job away.
	g := &w.gen[e.idx]
	r := newRNG(mix(g.seed, saltRename, 0))
	old := a.Handle
	var h string
	for tries := 0; ; tries++ {
		h = renamed(old, a.Platform, &g.p, &r, tries)
		if _, taken := w.byHandle[handleKey(a.Platform, h)]; !taken {
			break
		}
	}
	delete(w.byHandle, handleKey(a.Platform, old))
	w.byHandle[handleKey(a.Platform, h)] = int(e.idx)
	a.FormerHandles = append(a.FormerHandles, old)
	a.Handle = h
	if r.chance(0.5) {
		a.Bio = pick(&r, []string{"", "Views my own.", "Dad. Runner. Coffee.", "Living my best life.", "Just me."})
	}
}

func renamed(old, platform string, p *persona, r *rng, tries int) string {
	first, last := p.first, strings.ReplaceAll(p.last, "'", "")
	h := pick(r, []string{
		first + last[:1] + fmt.Sprint(r.between(10, 999)),
		strings.ToLower(first) + "_" + fmt.Sprint(r.between(1, 9999)),
		"just" + first + fmt.Sprint(r.between(1, 99)),
		first + "_" + fmt.Sprint(r.between(1990, 2010)),
	})
	if tries > 3 {
		h += fmt.Sprint(r.between(1, 99999))
	}
	return cleanHandle(h, platform, p, r)
}
