package report

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/crawler"
)

// Subject is one referred post with what the visibility report needs: who
// it was referred to, when, under which categories, and its recheck
// history.
type Subject struct {
	Platform   string    `json:"platform"`
	PostID     string    `json:"post_id"`
	ReferralID string    `json:"referral_id"`
	Force      string    `json:"force"`
	Categories []string  `json:"categories"` // the flag's final categories
	Referred   time.Time `json:"referred"`   // the time origin
	// Captured text, permalink and handle at capture; used to show both
	// texts of an edit and to name the post in lists. Optional.
	Text   string `json:"text,omitempty"`
	URL    string `json:"url,omitempty"`
	Handle string `json:"handle,omitempty"`
	// Checks is the recheck history. Order does not matter; Visibility
	// sorts a copy by time.
	Checks []Check `json:"checks"`
}

// Check is one recheck of a subject.
type Check struct {
	At     time.Time     `json:"at"`
	State  crawler.State `json:"state"`
	Text   string        `json:"text,omitempty"` // the current text, when edited
	Reason string        `json:"reason,omitempty"`
}

// Options tune Visibility. The zero value means the defaults.
type Options struct {
	// Horizons are the months at which the share still visible is read
	// (default 1, 3, 6, 12). A month is 365/12 days, truncated to a whole
	// day: 1, 3, 6 and 12 months are 30, 91, 182 and 365 days, so a
	// recheck one calendar year after referral reaches the 12-month
	// horizon.
	Horizons []int
	// CannotVerifyAfter is how long a post's checks may stay unknown before
	// it is listed as "cannot verify" (default 30 days).
	CannotVerifyAfter time.Duration
	// Confidence is the level of the intervals (default 0.95).
	Confidence float64
}

// DefaultHorizons are the months the report reads the curves at.
var DefaultHorizons = []int{1, 3, 6, 12}

// DefaultCannotVerifyAfter is the default for Options.CannotVerifyAfter.
const DefaultCannotVerifyAfter = 30 * 24 * time.Hour

func (o Options) withDefaults() Options {
	if len(o.Horizons) == 0 {
		o.Horizons = slices.Clone(DefaultHorizons)
	}
	if o.CannotVerifyAfter <= 0 {
		o.CannotVerifyAfter = DefaultCannotVerifyAfter
	}
	if o.Confidence <= 0 || o.Confidence >= 1 {
		o.Confidence = 0.95
	}
	return o
}

// HorizonDays is the length of a horizon of n months in days.
func HorizonDays(months int) float64 { return float64(months * 365 / 12) }

const day = 24 * time.Hour

// Removed reports whether a state counts as the event "no longer visible":
// a known state that is neither visible nor edited. Unknown is not an
// event (a transient failure says nothing about the post).
func Removed(s crawler.State) bool {
	switch s {
	case crawler.StateRemoved, crawler.StateAccountProtected, crawler.StateAccountSuspended, crawler.StateAccountGone:
		return true
	}
	return false
}

// Group is the visibility of one group of referred posts: overall, one
// force, or one category.
type Group struct {
	Kind     string `json:"kind"` // "overall", "force" or "category"
	Name     string `json:"name"`
	Referred int    `json:"referred"`
	// Removed counts subjects whose event was observed; Censored the rest.
	Removed  int `json:"removed"`
	Censored int `json:"censored"`
	// Unchecked counts subjects with no check showing a known state yet:
	// they are censored at time 0 and add nothing to the curve.
	Unchecked    int        `json:"unchecked"`
	CannotVerify int        `json:"cannot_verify"`
	At           []Estimate `json:"at"`
	Median       Median     `json:"median"`
	Curve        Curve      `json:"curve"`
	// Now counts subjects by the state of their latest check ("unchecked"
	// when there is none), at the report time.
	Now map[string]int `json:"now"`
}

// StateUnchecked is the Group.Now key for a post never rechecked.
const StateUnchecked = "unchecked"

// Result is the visibility report.
type Result struct {
	At                time.Time `json:"at"`
	Horizons          []int     `json:"horizons_months"`
	Confidence        float64   `json:"confidence"`
	CannotVerifyAfter float64   `json:"cannot_verify_after_days"`
	Overall           Group     `json:"overall"`
	ByCategory        []Group   `json:"by_category"`
	ByForce           []Group   `json:"by_force"`
	// Events lists state changes, most recent first.
	Events []Event `json:"events"`
	// CannotVerify lists posts whose checks have been unknown too long,
	// longest first.
	CannotVerify []Unverified `json:"cannot_verify"`
}

// follow is one subject's follow-up, derived from its checks.
type follow struct {
	obs      Obs
	checked  bool   // some check showed a known state
	now      string // latest check's state, or unchecked
	unverify *Unverified
	events   []Event
}

// Visibility computes the report as of at over subjects. It is a pure
// function: the same inputs give the same result. Checks and referrals
// after at are ignored, so a report can be reproduced for any past date.
//
// For each subject the time origin is the referral; the event is the first
// check showing a known not-visible state (removed, account_protected,
// account_suspended, account_gone), at the time of that check; otherwise
// the subject is censored at its last check showing it visible or edited
// (at 0 if none has yet). Unknown checks are ignored: they are never an
// event and do not extend follow-up. A check dated before its referral
// counts as time 0.
//
// Time is counted in whole days since the referral. A recheck round takes
// hours, and the order in which it reaches posts says nothing about them;
// counted in seconds, the last round would leave only a handful of posts
// at risk by its final minutes, and one removal among them would sink the
// tail of the curve. In days, a removal and a censoring on the same day
// are a tie, and the removal sees everyone still followed that day.
//
// A post that reappears after its event stays counted as removed at its
// first event: the curve answers "how long did it stay up without
// interruption"; the reappearance is listed among the events.
func Visibility(subjects []Subject, at time.Time, opt Options) Result {
	opt = opt.withDefaults()
	at = at.UTC()
	res := Result{At: at, Horizons: opt.Horizons, Confidence: opt.Confidence,
		CannotVerifyAfter: opt.CannotVerifyAfter.Hours() / 24}
	overall := []*follow{}
	byForce := map[string][]*follow{}
	byCat := map[string][]*follow{}
	for i := range subjects {
		s := &subjects[i]
		if s.Referred.After(at) {
			continue
		}
		f := followUp(s, at, opt)
		overall = append(overall, &f)
		byForce[s.Force] = append(byForce[s.Force], &f)
		seen := map[string]bool{}
		for _, c := range s.Categories {
			if !seen[c] {
				seen[c] = true
				byCat[c] = append(byCat[c], &f)
			}
		}
		res.Events = append(res.Events, f.events...)
		if f.unverify != nil {
			res.CannotVerify = append(res.CannotVerify, *f.unverify)
		}
	}
	res.Overall = group("overall", "All referred posts", overall, opt)
	for _, c := range orderCategories(keys(byCat)) {
		res.ByCategory = append(res.ByCategory, group("category", c, byCat[c], opt))
	}
	forces := keys(byForce)
	sort.Strings(forces)
	for _, name := range forces {
		res.ByForce = append(res.ByForce, group("force", name, byForce[name], opt))
	}
	slices.SortStableFunc(res.Events, func(a, b Event) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c // most recent first
		}
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.PostID, b.PostID))
	})
	slices.SortStableFunc(res.CannotVerify, func(a, b Unverified) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c // unknown longest first
		}
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.PostID, b.PostID))
	})
	return res
}

func group(kind, name string, members []*follow, opt Options) Group {
	g := Group{Kind: kind, Name: name, Referred: len(members), Now: map[string]int{}}
	obs := make([]Obs, len(members))
	for i, f := range members {
		obs[i] = f.obs
		if f.obs.Event {
			g.Removed++
		} else {
			g.Censored++
		}
		if !f.checked {
			g.Unchecked++
		}
		if f.unverify != nil {
			g.CannotVerify++
		}
		g.Now[f.now]++
	}
	g.Curve = KaplanMeier(obs, opt.Confidence)
	for _, m := range opt.Horizons {
		e := g.Curve.At(HorizonDays(m))
		e.Months = m
		g.At = append(g.At, e)
	}
	g.Median = g.Curve.Median()
	return g
}

// followUp walks one subject's checks up to at.
func followUp(s *Subject, at time.Time, opt Options) follow {
	checks := make([]Check, 0, len(s.Checks))
	for _, c := range s.Checks {
		if !c.At.After(at) {
			checks = append(checks, c)
		}
	}
	slices.SortStableFunc(checks, func(a, b Check) int { return a.At.Compare(b.At) })
	f := follow{now: StateUnchecked}
	since := func(t time.Time) float64 {
		d := t.Sub(s.Referred)
		if d < 0 {
			return 0
		}
		return float64(d / day)
	}
	done := false
	for _, c := range checks {
		f.now = string(c.State)
		if done || c.State == crawler.StateUnknown {
			continue
		}
		switch {
		case Removed(c.State):
			f.checked = true
			f.obs = Obs{Days: since(c.At), Event: true}
			done = true
		case c.State.StillVisible():
			f.checked = true
			f.obs = Obs{Days: since(c.At)}
		}
	}
	f.events = transitions(s, checks)
	f.unverify = unverified(s, checks, at, opt.CannotVerifyAfter)
	return f
}

// orderCategories puts the four categories in report order, then any
// others by name.
func orderCategories(names []string) []string {
	rank := map[string]int{}
	for i, c := range classify.Categories {
		rank[string(c)] = i
	}
	sort.Slice(names, func(i, j int) bool {
		ri, oki := rank[names[i]]
		rj, okj := rank[names[j]]
		switch {
		case oki && okj:
			return ri < rj
		case oki != okj:
			return oki
		}
		return names[i] < names[j]
	})
	return names
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
