package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// storeDump is what a store holds, with the fields that legitimately
// differ between two runs of the same work taken out (capture and
// decision times, sweep numbers, fetch headers), so that two stores can be
// compared: the reliability suites check that a run interrupted by faults
// or kills ends with the same store as an undisturbed one.
type storeDump struct {
	Profiles  map[string]string // platform/id -> normalised record
	Posts     map[string]string
	Flags     map[string]string
	Reviews   map[string]string // platform/id -> decisions in order
	Referrals map[string]string // id -> force, creator, posts
	Checks    map[string]string // platform/id -> states in order
	Audit     int               // entries; the chain verified
	Actions   map[string]int    // audit entries per action
}

// checkSep separates the checks of one post in a dump (a text may hold
// anything printable).
const checkSep = "\x1f"

// dumpOptions say which differences are legitimate.
type dumpOptions struct {
	// noUnknown leaves unknown checks out: a run that met transient
	// failures records them, and the next run completes the work.
	noUnknown bool
}

// dumpStore reads the store at path read-only, checks its consistency
// (bbolt's check, the audit chain, the indexes) and returns its dump.
func dumpStore(t testing.TB, path string, opt dumpOptions) storeDump {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("%s: bbolt consistency: %v", path, err)
	}
	d := storeDump{Profiles: map[string]string{}, Posts: map[string]string{}, Flags: map[string]string{},
		Reviews: map[string]string{}, Referrals: map[string]string{}, Checks: map[string]string{}, Actions: map[string]int{}}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	forces := map[string]bool{}
	err = db.Profiles(func(p store.Profile) error {
		key := p.Platform + "/" + p.ID
		if _, dup := d.Profiles[key]; dup {
			return fmt.Errorf("profile %s stored twice", key)
		}
		forces[p.Force] = true
		// Via is how discovery first met the profile (which query or
		// seed); with a query failing, another one finds it.
		p.FirstSeen, p.LastSeen, p.Via = time.Time{}, time.Time{}, ""
		d.Profiles[key] = js(p)
		return db.PostsByProfile(p.Platform, p.ID, func(post store.Post) error {
			pk := post.Platform + "/" + post.ID
			if _, dup := d.Posts[pk]; dup {
				return fmt.Errorf("post %s stored twice", pk)
			}
			post.CapturedAt, post.SweepID, post.EvidenceHash = time.Time{}, 0, ""
			for _, pl := range []*store.Payload{post.Payload, post.ProfilePayload} {
				if pl != nil {
					pl.FetchedAt, pl.Header = time.Time{}, nil
				}
			}
			d.Posts[pk] = js(post)
			return nil
		})
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// The force index holds each profile exactly once.
	indexed := 0
	for f := range forces {
		if err := db.ProfilesByForce(f, func(store.Profile) error { indexed++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if indexed != len(d.Profiles) {
		t.Fatalf("%s: %d profiles but %d in the force index", path, len(d.Profiles), indexed)
	}
	// Each flag is in the index of its own state, once.
	for _, st := range store.FlagStates {
		err := db.Flags(st, func(f store.Flag) error {
			key := f.Platform + "/" + f.PostID
			if f.State != st {
				return fmt.Errorf("flag %s is %s but indexed as %s", key, f.State, st)
			}
			if _, dup := d.Flags[key]; dup {
				return fmt.Errorf("flag %s indexed twice", key)
			}
			if _, ok := d.Posts[key]; !ok {
				return fmt.Errorf("flag %s has no post under a stored profile", key)
			}
			f.Created, f.Updated = time.Time{}, time.Time{}
			d.Flags[key] = js(f)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if len(d.Flags) != len(d.Posts) {
		t.Fatalf("%s: %d posts but %d flags", path, len(d.Posts), len(d.Flags))
	}
	err = db.AllReviews(func(r store.Review) error {
		key := r.Platform + "/" + r.PostID
		d.Reviews[key] += fmt.Sprintf("%s by %s (%s) %v %s;", r.Decision, r.Reviewer, r.Reason, r.Categories, r.Note)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Referrals(func(r store.Referral) error {
		posts := make([]string, len(r.Posts))
		for i, k := range r.Posts {
			posts[i] = k.Platform + "/" + k.PostID
			if ref, _ := db.ReferralOf(k.Platform, k.PostID); ref != r.ID {
				return fmt.Errorf("post %s of %s is indexed under %q", posts[i], r.ID, ref)
			}
		}
		sort.Strings(posts)
		d.Referrals[r.ID] = fmt.Sprintf("%s by %s: %s", r.Force, r.CreatedBy, strings.Join(posts, " "))
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	err = db.AllChecks(func(platform, postID string, cs []store.Check) error {
		var states []string
		for _, c := range cs {
			if opt.noUnknown && c.State == "unknown" {
				continue
			}
			states = append(states, c.State+":"+c.Text)
		}
		if len(states) > 0 {
			d.Checks[platform+"/"+postID] = strings.Join(states, checkSep)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.VerifyAudit()
	if err != nil {
		t.Fatalf("%s: audit chain: %v", path, err)
	}
	d.Audit = n
	if err := db.AuditLog(1, func(e store.AuditEntry) error { d.Actions[e.Action]++; return nil }); err != nil {
		t.Fatal(err)
	}
	return d
}

// sameStore reports the differences between two dumps' records (not the
// audit counts, which depend on how many runs it took), at most a few per
// kind.
func sameStore(got, want storeDump) []string {
	var diffs []string
	cmp := func(kind string, g, w map[string]string) {
		n := 0
		note := func(s string) {
			if n < 4 {
				diffs = append(diffs, s)
			}
			n++
		}
		for k, wv := range w {
			gv, ok := g[k]
			switch {
			case !ok:
				note(fmt.Sprintf("%s %s: missing", kind, k))
			case gv != wv:
				note(fmt.Sprintf("%s %s:\n  got  %s\n  want %s", kind, k, around(gv, wv), around(wv, gv)))
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				note(fmt.Sprintf("%s %s: not in the reference", kind, k))
			}
		}
		if n > 4 {
			diffs = append(diffs, fmt.Sprintf("%s: %d differences in all (%d here, %d in the reference)", kind, n, len(g), len(w)))
		}
	}
	cmp("profile", got.Profiles, want.Profiles)
	cmp("post", got.Posts, want.Posts)
	cmp("flag", got.Flags, want.Flags)
	cmp("reviews of", got.Reviews, want.Reviews)
	cmp("referral", got.Referrals, want.Referrals)
	cmp("checks of", got.Checks, want.Checks)
	return diffs
}

// around shows a of two differing strings from a little before where they
// first differ.
func around(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	prefix := ""
	if from > 0 {
		prefix = "…"
	}
	return prefix + cut(a[from:])
}

func cut(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
