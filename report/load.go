package report

import (
	"errors"
	"fmt"

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

// LoadInstances counts the flags in the store (one pass over flags).
func LoadInstances(db *store.DB) (Instances, error) {
	var in Instances
	err := db.Flags("", func(f store.Flag) error { in.Add(f); return nil })
	if err != nil {
		return in, fmt.Errorf("load flags: %w", err)
	}
	return in, nil
}
