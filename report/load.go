package report

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/store"
)

// LoadSubjects builds the subjects of the visibility report from the store:
// every referred post with its referral, its flag's final categories and
// its whole check history. It reads each bucket once (referrals, referred
// flags, checks) and fetches the captured post only for posts whose
// history holds something other than visible, which are the only ones an
// event or a "cannot verify" line can name. Subjects come in referral
// order.
//
// Each read is its own transaction, so a recheck committing between them
// can leave its newest checks out; the next report includes them.
func LoadSubjects(db *store.DB) ([]Subject, error) {
	var subjects []Subject
	index := map[store.PostKey]int{}
	err := db.Referrals(func(r store.Referral) error {
		for _, pk := range r.Posts {
			if _, dup := index[pk]; dup {
				continue // a post is referred once; keep the first if not
			}
			index[pk] = len(subjects)
			subjects = append(subjects, Subject{Platform: pk.Platform, PostID: pk.PostID,
				ReferralID: r.ID, Force: r.Force, Referred: r.Created.UTC()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load referrals: %w", err)
	}
	if len(subjects) == 0 {
		return nil, nil
	}
	found := make([]bool, len(subjects))
	err = db.Flags(store.FlagReferred, func(f store.Flag) error {
		if i, ok := index[store.PostKey{Platform: f.Platform, PostID: f.PostID}]; ok {
			subjects[i].Categories = f.Final()
			found[i] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load flags: %w", err)
	}
	for i := range subjects {
		if found[i] {
			continue
		}
		// Not indexed as referred (older data): read the flag itself.
		f, err := db.Flag(subjects[i].Platform, subjects[i].PostID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("load flags: %w", err)
		}
		subjects[i].Categories = f.Final()
	}
	err = db.AllChecks(func(platform, postID string, checks []store.Check) error {
		i, ok := index[store.PostKey{Platform: platform, PostID: postID}]
		if !ok {
			return nil
		}
		cs := make([]Check, len(checks))
		for j, c := range checks {
			cs[j] = Check{At: c.At, State: crawler.State(c.State), Text: c.Text, Reason: c.Reason}
		}
		subjects[i].Checks = cs
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load checks: %w", err)
	}
	for i := range subjects {
		s := &subjects[i]
		if !needsPost(s.Checks) {
			continue
		}
		p, err := db.Post(s.Platform, s.PostID)
		if errors.Is(err, store.ErrNotFound) {
			continue // evidence purged: the post is still counted
		}
		if err != nil {
			return nil, fmt.Errorf("load posts: %w", err)
		}
		s.Text, s.URL, s.Handle = p.Text, p.URL, p.Profile.Handle
	}
	return subjects, nil
}

func needsPost(checks []Check) bool {
	for _, c := range checks {
		if c.State != crawler.StateVisible {
			return true
		}
	}
	return false
}

// Instances counts flagged instances per force and category for the bar
// chart: flags a reviewer confirmed (confirmed or referred), one instance
// per category a flag carries.
type Instances struct {
	// ByForce maps force -> category -> instances.
	ByForce map[string]map[string]int `json:"by_force"`
	// Posts counts the confirmed or referred flags themselves.
	Posts int `json:"posts"`
	// Unreviewed and Dismissed are the flags left out.
	Unreviewed int `json:"unreviewed"`
	Dismissed  int `json:"dismissed"`
}

// Add counts one flag.
func (in *Instances) Add(f store.Flag) {
	switch f.State {
	case store.FlagNew:
		in.Unreviewed++
		return
	case store.FlagDismissed:
		in.Dismissed++
		return
	}
	if in.ByForce == nil {
		in.ByForce = map[string]map[string]int{}
	}
	m := in.ByForce[f.Force]
	if m == nil {
		m = map[string]int{}
		in.ByForce[f.Force] = m
	}
	for _, c := range f.Final() {
		m[c]++
	}
	in.Posts++
}

// LoadInstances counts the flags in the store (one pass over flags), of
// every force or only of force.
func LoadInstances(db *store.DB, force string) (Instances, error) {
	var in Instances
	err := db.Flags("", func(f store.Flag) error {
		if force == "" || f.Force == force {
			in.Add(f)
		}
		return nil
	})
	if err != nil {
		return in, fmt.Errorf("load flags: %w", err)
	}
	return in, nil
}

// Latest is the newest referral or check time among subjects: the store's
// own "now". The demo's simulated clock runs ahead of the wall clock, so a
// report "as of now" must not fall before it.
func Latest(subjects []Subject) time.Time {
	var t time.Time
	for _, s := range subjects {
		if s.Referred.After(t) {
			t = s.Referred
		}
		for _, c := range s.Checks {
			if c.At.After(t) {
				t = c.At
			}
		}
	}
	return t.UTC()
}

// FromStore builds the whole page from the store: the visibility report as
// of at, the flagged-instance counts and the study table for the latest
// complete sweep (with a note instead when there is no sweep). A zero at
// means now, or the latest referral or check if that is later.
func FromStore(db *store.DB, at time.Time, opt Options) (Page, error) {
	subjects, err := LoadSubjects(db)
	if err != nil {
		return Page{}, err
	}
	in, err := LoadInstances(db, "")
	if err != nil {
		return Page{}, err
	}
	sweeps, err := db.Sweeps()
	if err != nil {
		return Page{}, fmt.Errorf("load sweeps: %w", err)
	}
	now := time.Now().UTC()
	if at.IsZero() {
		at = now
		if l := Latest(subjects); l.After(at) {
			at = l
		}
	}
	r := Visibility(subjects, at, opt)
	p := Page{Title: "exposure report", Generated: now, Source: filepath.Base(db.Path()), Visibility: &r, Instances: &in}
	switch t, err := Study(sweeps, 0); {
	case err == nil:
		p.Study = &t
	case errors.Is(err, ErrNoSweep):
		p.StudyNote = "no sweep in the store yet."
	default:
		return Page{}, err
	}
	return p, nil
}
