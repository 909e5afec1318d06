package sim

import (
	"slices"
	"time"
)

// Visibility states, as SPEC.md's recheck table spells them.
const (
	StateVisible   = "visible"
	StateEdited    = "edited"
	StateRemoved   = "removed"
	StateProtected = "account_protected"
	StateSuspended = "account_suspended"
	StateGone      = "account_gone"
)

// Visibility is the recheck state an ideal recheck would record for p on
// account a: account states first (a post cannot be seen on an account that
// cannot be seen), then the post's own.
func Visibility(p Post, a Account) string {
	switch {
	case a.State == Deleted || a.Renamed():
		return StateGone
	case a.State == Suspended:
		return StateSuspended
	case a.State == Protected:
		return StateProtected
	case p.State == Removed:
		return StateRemoved
	case p.State == Edited:
		return StateEdited
	}
	return StateVisible
}

// StillVisible reports whether a visibility state counts as "still
// visible" in the report (visible or edited, per SPEC.md).
func StillVisible(state string) bool { return state == StateVisible || state == StateEdited }

// Ref points at one truly inappropriate post.
type Ref struct {
	Platform   string   `json:"platform"`
	PostID     string   `json:"post_id"`
	AccountID  string   `json:"account_id"`
	Categories []string `json:"categories"`
	// InScope is the author's truth: only in-scope authors' posts make
	// up the study's figures.
	InScope bool   `json:"in_scope"`
	Force   string `json:"force"`
}

// Inappropriate lists every post whose ground truth carries a category and
// that existed at the world's start, in-scope authors and out-of-scope
// ones alike, in a stable order.
func (w *World) Inappropriate() []Ref {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var out []Ref
	w.eachBad(func(p Post, a *Account) {
		out = append(out, Ref{Platform: p.Platform, PostID: p.ID, AccountID: a.ID, Categories: p.Categories,
			InScope: a.Truth.InScope, Force: a.Truth.Force})
	})
	return out
}

// eachBad calls fn for every inappropriate post made before the start, as
// of the current clock. The caller holds the lock.
func (w *World) eachBad(fn func(Post, *Account)) {
	if w.gen == nil {
		for _, a := range w.accounts {
			for _, p := range w.posts[key(a.Platform, a.ID)] {
				if len(p.Categories) > 0 && !p.Created.After(w.start) {
					fn(*p, a)
				}
			}
		}
		return
	}
	for ai, a := range w.accounts {
		g := &w.gen[ai]
		look := lookBadCats[g.p.kind] != nil && w.cfg.LookAlikeInappropriate > 0
		if len(g.bad) == 0 && !look {
			continue
		}
		var ts []int64
		for i := range int(g.n) {
			_, isBad := g.badAt(i)
			if !isBad && !(look && w.lookalikeBad(g, i)) {
				continue
			}
			if ts == nil {
				ts = w.times(ai, w.start)
			}
			fn(w.render(ai, i, ts[i]), a)
		}
	}
}

// Stats summarises the world's ground truth: the figures the study
// reported, as the generator made them. They are simulated figures and
// must be labelled so wherever they are shown.
type Stats struct {
	Simulated bool      `json:"simulated"` // always true
	Seed      int64     `json:"seed"`
	Scale     float64   `json:"scale"`
	Start     time.Time `json:"start"`
	Now       time.Time `json:"now"`

	Accounts map[string]int `json:"accounts"` // by platform
	Kinds    map[string]int `json:"kinds"`    // by Truth.Kind

	// Profiles in scope, in total, by platform and by attributed force.
	InScope           int            `json:"in_scope"`
	InScopeByPlatform map[string]int `json:"in_scope_by_platform"`
	Forces            []ForceStats   `json:"forces"`

	// Posts made in the year before the start, all accounts and in scope.
	Posts        map[string]int `json:"posts"` // by platform
	InScopePosts int            `json:"in_scope_posts"`

	// Inappropriate posts on in-scope profiles: the study's 357.
	Inappropriate           int            `json:"inappropriate"`
	InappropriateByPlatform map[string]int `json:"inappropriate_by_platform"`
	ByCategory              map[string]int `json:"by_category"` // primary category: sums to Inappropriate
	ByLabel                 map[string]int `json:"by_label"`    // every category a post carries
	MultiCategory           int            `json:"multi_category"`
	Reposts                 int            `json:"reposts"`
	// Offenders are in-scope profiles with at least one: the study's 185.
	Offenders           int            `json:"offenders"`
	OffendersByPlatform map[string]int `json:"offenders_by_platform"`
	// OutOfScope counts inappropriate posts by out-of-scope authors
	// (former officers, other forces, fans, families): never part of the
	// study's figures.
	OutOfScope int `json:"out_of_scope_inappropriate"`

	// Visibility of the in-scope inappropriate posts at Now, by state, and
	// the share still visible (visible or edited).
	Visibility   map[string]int `json:"visibility"`
	VisibleShare float64        `json:"visible_share"`
}

// ForceStats is one force's row of the study table.
type ForceStats struct {
	Force         string `json:"force"`
	Twitter       int    `json:"twitter"`
	Facebook      int    `json:"facebook"`
	Offenders     int    `json:"offenders"`
	Inappropriate int    `json:"inappropriate"`
}

// Profiles is the force's in-scope profiles on both platforms.
func (f ForceStats) Profiles() int { return f.Twitter + f.Facebook }

// Stats computes the summary as of the current clock. Forces are listed in
// SPEC.md's order, with "unknown" (in scope, force not given away) last.
func (w *World) Stats() Stats {
	w.mu.RLock()
	defer w.mu.RUnlock()
	s := Stats{
		Simulated: true, Seed: w.cfg.Seed, Scale: w.cfg.Scale, Start: w.start, Now: w.now,
		Accounts: map[string]int{}, Kinds: map[string]int{}, InScopeByPlatform: map[string]int{},
		Posts: map[string]int{}, InappropriateByPlatform: map[string]int{}, ByCategory: map[string]int{},
		ByLabel: map[string]int{}, OffendersByPlatform: map[string]int{}, Visibility: map[string]int{},
	}
	rows := map[string]*ForceStats{}
	row := func(force string) *ForceStats {
		if rows[force] == nil {
			rows[force] = &ForceStats{Force: force}
		}
		return rows[force]
	}
	for ai, a := range w.accounts {
		s.Accounts[a.Platform]++
		s.Kinds[a.Truth.Kind]++
		n := 0
		if w.gen != nil {
			n = int(w.gen[ai].n)
		} else {
			for _, p := range w.posts[key(a.Platform, a.ID)] {
				if !p.Created.After(w.start) {
					n++
				}
			}
		}
		s.Posts[a.Platform] += n
		if !a.Truth.InScope {
			continue
		}
		s.InScope++
		s.InScopeByPlatform[a.Platform]++
		s.InScopePosts += n
		if a.Platform == Twitter {
			row(a.Truth.Force).Twitter++
		} else {
			row(a.Truth.Force).Facebook++
		}
	}
	offenders := map[*Account]bool{}
	w.eachBad(func(p Post, a *Account) {
		if !a.Truth.InScope {
			s.OutOfScope++
			return
		}
		s.Inappropriate++
		s.InappropriateByPlatform[p.Platform]++
		s.ByCategory[p.Categories[0]]++
		for _, c := range p.Categories {
			s.ByLabel[c]++
		}
		if len(p.Categories) > 1 {
			s.MultiCategory++
		}
		if p.Repost {
			s.Reposts++
		}
		row(a.Truth.Force).Inappropriate++
		if !offenders[a] {
			offenders[a] = true
			s.Offenders++
			s.OffendersByPlatform[a.Platform]++
			row(a.Truth.Force).Offenders++
		}
		s.Visibility[Visibility(p, *a)]++
	})
	visible := s.Visibility[StateVisible] + s.Visibility[StateEdited]
	if s.Inappropriate > 0 {
		s.VisibleShare = float64(visible) / float64(s.Inappropriate)
	}
	for _, f := range forces {
		if r := rows[f.name]; r != nil {
			s.Forces = append(s.Forces, *r)
			delete(rows, f.name)
		}
	}
	// Anything else (hand-made worlds may name other forces), then unknown.
	var rest []string
	for name := range rows {
		if name != "unknown" {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	if rows["unknown"] != nil {
		rest = append(rest, "unknown")
	}
	for _, name := range rest {
		s.Forces = append(s.Forces, *rows[name])
	}
	return s
}
