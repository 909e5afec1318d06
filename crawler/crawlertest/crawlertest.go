// Package crawlertest checks that a crawler.Source behaves as the pipeline
// relies on, against a fake platform serving a sim.World whose truth is
// known: each platform's tests call Run with a harness that builds the
// source pointed at its fake. It owns no state; Run is safe to call from
// parallel tests with separate harnesses.
package crawlertest

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim"
)

// Harness describes a source under test and the world behind its fake.
type Harness struct {
	// Platform is the world's platform name, which Name must return.
	Platform string
	// World is the world the fake serves, unchanged during Run.
	World *sim.World
	// New returns a fresh source pointed at the fake.
	New func(t *testing.T) crawler.Source
	// WantProfiles are account ids discovery must find (nil: any subset of
	// the visible accounts will do).
	WantProfiles []string
	// InHorizon reports whether a first sweep should read a post (nil: all).
	InHorizon func(sim.Post) bool
	// PlainReposts is true if reposts without own words are yielded.
	PlainReposts bool
	// WantState maps a post and its account to the state a recheck must
	// find (nil: DefaultState).
	WantState func(sim.Post, sim.Account) crawler.State
	// MaxLookups bounds the posts rechecked (0: 1,000).
	MaxLookups int
}

// DefaultState is what a recheck of p should say, from the world's truth.
func DefaultState(p sim.Post, a sim.Account) crawler.State {
	switch {
	case a.ID == "" || a.State == sim.Deleted:
		return crawler.StateAccountGone
	case a.State == sim.Suspended:
		return crawler.StateAccountSuspended
	case a.State == sim.Protected:
		return crawler.StateAccountProtected
	case p.State == sim.Removed:
		return crawler.StateRemoved
	}
	return crawler.StateVisible
}

// ownText is the text a source yields as the account's own words.
func ownText(p sim.Post) string {
	if p.Repost && p.Text == "" {
		return ""
	}
	return p.CurrentText()
}

// Run checks Name, Discover, Posts (first and incremental) and Lookup.
func Run(t *testing.T, h Harness) {
	t.Helper()
	ctx := context.Background()
	src := h.New(t)
	if got := src.Name(); got != h.Platform {
		t.Fatalf("Name() = %q, want %q", got, h.Platform)
	}
	var profiles []crawler.Profile
	t.Run("discover", func(t *testing.T) {
		seen := map[string]bool{}
		err := src.Discover(ctx, func(p crawler.Profile) error {
			if seen[p.ID] {
				t.Errorf("profile %s yielded twice", p.ID)
			}
			seen[p.ID] = true
			if p.Platform != h.Platform || p.ID == "" || p.Handle == "" || p.Via == "" {
				t.Errorf("incomplete profile %+v", p)
			}
			a, ok := h.World.Account(h.Platform, p.ID)
			if !ok {
				a, ok = h.World.AccountByHandle(h.Platform, p.Handle)
			}
			switch {
			case !ok:
				t.Errorf("profile %s (@%s) is not in the world", p.ID, p.Handle)
			case a.State == sim.Suspended || a.State == sim.Deleted:
				t.Errorf("profile @%s is %s but was discovered", p.Handle, a.State)
			case (a.State == sim.Protected) != p.Protected:
				t.Errorf("profile @%s: protected %v, world says %s", p.Handle, p.Protected, a.State)
			case a.Handle != p.Handle || a.Name != p.Name || a.Bio != p.Bio || a.Location != p.Location:
				t.Errorf("profile @%s differs from the world: %+v vs %+v", p.Handle, p, a)
			}
			profiles = append(profiles, p)
			return nil
		})
		if err != nil {
			t.Fatalf("Discover: %v", err)
		}
		for _, id := range h.WantProfiles {
			if !seen[id] {
				t.Errorf("account %s not discovered", id)
			}
		}
	})
	t.Run("posts", func(t *testing.T) {
		for _, p := range profiles {
			if p.Protected {
				continue
			}
			a, ok := h.World.Account(h.Platform, p.ID)
			if !ok {
				continue
			}
			checkPosts(t, h, src, p, a)
		}
	})
	t.Run("lookup", func(t *testing.T) { checkLookup(t, h, src) })
}

func checkPosts(t *testing.T, h Harness, src crawler.Source, p crawler.Profile, a sim.Account) {
	t.Helper()
	ctx := context.Background()
	want := map[string]sim.Post{}
	for _, wp := range h.World.Timeline(h.Platform, a.ID) {
		if wp.State == sim.Removed || (h.InHorizon != nil && !h.InHorizon(wp)) || (wp.Repost && wp.Text == "" && !h.PlainReposts) {
			continue
		}
		want[wp.ID] = wp
	}
	got := map[string]bool{}
	next, err := src.Posts(ctx, p, "", func(post crawler.Post) error {
		if got[post.ID] {
			t.Errorf("@%s: post %s yielded twice", p.Handle, post.ID)
		}
		got[post.ID] = true
		wp, ok := want[post.ID]
		switch {
		case !ok:
			t.Errorf("@%s: post %s should not have been yielded", p.Handle, post.ID)
		case post.Text != ownText(wp) || post.Repost != wp.Repost || (wp.Repost && post.RepostText != wp.RepostText):
			t.Errorf("@%s: post %s is %q (repost %v %q), world says %q (repost %v %q)", p.Handle, post.ID,
				post.Text, post.Repost, post.RepostText, ownText(wp), wp.Repost, wp.RepostText)
		case post.Platform != h.Platform || post.ProfileID != a.ID || post.URL == "":
			t.Errorf("@%s: post %+v", p.Handle, post)
		case post.Raw == nil || len(post.Raw.Body) == 0 || post.Raw.FetchedAt.IsZero():
			t.Errorf("@%s: post %s has no captured payload", p.Handle, post.ID)
		}
		return nil
	})
	if err != nil {
		t.Errorf("@%s: Posts: %v", p.Handle, err)
		return
	}
	var missing []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("@%s: %d posts not yielded, e.g. %s", p.Handle, len(missing), strings.Join(missing[:min(3, len(missing))], ", "))
	}
	if len(want) == 0 {
		return
	}
	n := 0
	again, err := src.Posts(ctx, p, next, func(crawler.Post) error { n++; return nil })
	if err != nil || n != 0 || again != next {
		t.Errorf("@%s: incremental run from %q: %d posts, cursor %q, %v", p.Handle, next, n, again, err)
	}
}

func checkLookup(t *testing.T, h Harness, src crawler.Source) {
	t.Helper()
	limit := h.MaxLookups
	if limit == 0 {
		limit = 1000
	}
	wantState := h.WantState
	if wantState == nil {
		wantState = DefaultState
	}
	var refs []crawler.PostRef
	var posts []sim.Post
	var accts []sim.Account
	for _, a := range h.World.Accounts(h.Platform) {
		for _, p := range h.World.Timeline(h.Platform, a.ID) {
			if len(refs) == limit {
				break
			}
			refs = append(refs, crawler.PostRef{Platform: h.Platform, ID: p.ID, ProfileID: a.ID, Handle: a.Handle})
			posts, accts = append(posts, p), append(accts, a)
		}
	}
	checks, err := src.Lookup(context.Background(), refs)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(checks) != len(refs) {
		t.Fatalf("Lookup: %d checks for %d refs", len(checks), len(refs))
	}
	for i, c := range checks {
		want := wantState(posts[i], accts[i])
		if c.Ref != refs[i] {
			t.Errorf("check %d is for %+v, asked %+v", i, c.Ref, refs[i])
		}
		if c.State != want {
			t.Errorf("post %s of @%s: %s (%s), want %s", refs[i].ID, refs[i].Handle, c.State, c.Reason, want)
			continue
		}
		if c.State == crawler.StateVisible && c.Text != ownText(posts[i]) {
			t.Errorf("post %s: visible text %q, world says %q", refs[i].ID, c.Text, ownText(posts[i]))
		}
	}
}
