package html

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/fakesite"
)

func TestDiscover(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{SearchPageSize: 2}, nil, nil)
	got, err := f.discover(t)
	if err != nil {
		t.Fatal(err)
	}
	// Search lists alice, bob (protected), fay; carl (suspended) and dave
	// (deleted) are not listed, erin does not match.
	if len(got) != 3 {
		t.Fatalf("profiles: got %d %v, want alice, bob, fay", len(got), keys(got))
	}
	a := got["alice.pc"]
	if a.ID != "alice-1" || a.Name != "Alice <b>Smith</b>" || a.Bio != "PC at West Midlands Police & proud" || a.Location != "Birmingham" {
		t.Errorf("alice: %+v", a)
	}
	if a.Platform != "facebook" || a.Protected || !strings.Contains(a.Via, "police") {
		t.Errorf("alice: %+v", a)
	}
	if a.Raw == nil || a.Raw.Status != 200 || !strings.HasPrefix(a.Raw.ContentType, "text/html") ||
		!strings.Contains(string(a.Raw.Body), "Alice &lt;b&gt;Smith&lt;/b&gt;") || a.Raw.FetchedAt.IsZero() || a.Raw.URL != f.srv.URL+"/alice.pc" {
		t.Errorf("alice capture: %+v", a.Raw)
	}
	b := got["bob.protected"]
	if !b.Protected || b.Name != "Bob Jones" || b.ID != "bob-2" {
		t.Errorf("bob: %+v", b)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPostsPagingAndCursor(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{PageSize: 25}, nil, nil)
	prof := crawler.Profile{Platform: "facebook", ID: "alice-1", Handle: "alice.pc"}
	posts, cur, err := f.posts(t, prof, "")
	if err != nil {
		t.Fatal(err)
	}
	// 60 posts, one removed: 59 over three pages.
	if len(posts) != 59 {
		t.Fatalf("got %d posts, want 59", len(posts))
	}
	if f.site.Hits("/alice.pc?before=a035") != 1 || f.site.Hits("/alice.pc?before=a010") != 1 {
		t.Errorf("paging did not follow the next links")
	}
	byID := map[string]crawler.Post{}
	for _, p := range posts {
		byID[p.ID] = p
	}
	if p := byID["a060"]; p.Text != `Alice post 60 <script>alert(1)</script> & "more"` || p.ProfileID != "alice-1" ||
		!p.Created.Equal(worldNow.Add(-24*time.Hour)) || p.URL != f.srv.URL+"/alice.pc/posts/a060" || p.Raw == nil {
		t.Errorf("a060: %+v", p)
	}
	if _, ok := byID["a055"]; ok {
		t.Error("removed post a055 was listed")
	}
	if byID["a053"].Text != "Alice edited this one" {
		t.Errorf("edited post: %q", byID["a053"].Text)
	}
	if p := byID["a058"]; !p.Repost || p.RepostText != "Shared: a news story" {
		t.Errorf("share: %+v", p)
	}
	if cur != worldNow.Add(-24*time.Hour).Format(time.RFC3339)+"|a060" {
		t.Errorf("cursor %q", cur)
	}

	// Incremental: nothing new, one page read, same cursor.
	before := f.site.TotalHits()
	again, cur2, err := f.posts(t, prof, cur)
	if err != nil || len(again) != 0 || cur2 != cur {
		t.Fatalf("incremental: %d posts, cursor %q, err %v", len(again), cur2, err)
	}
	if n := f.site.TotalHits() - before; n != 1 {
		t.Errorf("incremental read fetched %d pages, want 1", n)
	}

	// A cursor half way down the second page: only the newer posts, and
	// paging stops on the page that reaches it.
	mid := byID["a030"]
	since := mid.Created.Format(time.RFC3339) + "|a030"
	newer, _, err := f.posts(t, prof, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(newer) != 29 { // a031..a060 less the removed one
		t.Errorf("since a030: got %d posts, want 29", len(newer))
	}
	if f.site.Hits("/alice.pc?before=a010") != 1 {
		t.Error("paging went past the cursor")
	}
}

func TestPostsHorizonAndPageCap(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{PageSize: 10}, nil, func(c *Config) {
		c.Horizon = 15 * 24 * time.Hour
	})
	prof := crawler.Profile{Platform: "facebook", ID: "alice-1", Handle: "alice.pc"}
	posts, _, err := f.posts(t, prof, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 14 { // days 1..15 less the removed one
		t.Errorf("horizon: got %d posts, want 14", len(posts))
	}
	if f.site.TotalHits() != 2+1 { // robots.txt + two pages
		t.Errorf("horizon: %d requests, want 3", f.site.TotalHits())
	}

	g := newFixture(t, testWorld(), fakesite.Options{PageSize: 10}, nil, func(c *Config) { c.MaxPagesPerProfile = 2 })
	posts, _, err = g.posts(t, prof, "")
	if err != nil || len(posts) != 20 {
		t.Errorf("page cap: %d posts, err %v; want 20 (two full pages)", len(posts), err)
	}
}

func TestPostsAccountStates(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{}, nil, nil)
	for handle, want := range map[string]crawler.State{
		"bob.protected":  crawler.StateAccountProtected,
		"carl.suspended": crawler.StateAccountSuspended,
		"dave.deleted":   crawler.StateAccountGone,
		"nobody":         crawler.StateAccountGone,
	} {
		_, cur, err := f.posts(t, crawler.Profile{Handle: handle, ID: handle}, "2025-01-01T00:00:00Z|x")
		se, ok := errState(err)
		if !ok || se.State != want || cur != "2025-01-01T00:00:00Z|x" {
			t.Errorf("%s: err %v cursor %q, want %s and the cursor kept", handle, err, cur, want)
		}
		if crawler.IsTransient(err) {
			t.Errorf("%s: account state reported as transient", handle)
		}
	}
	if _, _, err := f.posts(t, crawler.Profile{Handle: "alice.pc"}, "garbage"); err == nil {
		t.Error("bad cursor accepted")
	}
}

func TestLookupStates(t *testing.T) {
	for _, removed := range []int{200, 404, 410} {
		f := newFixture(t, testWorld(), fakesite.Options{RemovedStatus: removed}, nil, nil)
		ref := func(handle, id string) crawler.PostRef {
			return crawler.PostRef{Platform: "facebook", ID: id, Handle: handle}
		}
		refs := []crawler.PostRef{
			ref("alice.pc", "a060"),
			ref("alice.pc", "a055"), // removed
			ref("alice.pc", "a053"), // edited: visible with the new text
			ref("bob.protected", "b001"),
			ref("carl.suspended", "c001"),
			ref("dave.deleted", "d001"),
			ref("fay.oldname", "f001"), // renamed away
			{Platform: "facebook", ID: "a059", Handle: "alice.pc", URL: f.srv.URL + "/alice.pc/posts/a059"},
		}
		checks, err := f.src.Lookup(context.Background(), refs)
		if err != nil {
			t.Fatal(err)
		}
		want := []crawler.State{crawler.StateVisible, crawler.StateRemoved, crawler.StateVisible,
			crawler.StateAccountProtected, crawler.StateAccountSuspended, crawler.StateAccountGone,
			crawler.StateAccountGone, crawler.StateVisible}
		for i, c := range checks {
			if c.State != want[i] {
				t.Errorf("removed status %d: %s/%s: got %s (%s), want %s", removed, c.Ref.Handle, c.Ref.ID, c.State, c.Reason, want[i])
			}
			if c.Ref != refs[i] || c.At.IsZero() || c.Raw == nil || len(c.Raw.Body) == 0 {
				t.Errorf("check %d: ref or capture missing: %+v", i, c)
			}
		}
		if checks[0].Text != `Alice post 60 <script>alert(1)</script> & "more"` || checks[2].Text != "Alice edited this one" {
			t.Errorf("texts: %q, %q", checks[0].Text, checks[2].Text)
		}
		if checks[1].Raw.Status != removed {
			t.Errorf("removed capture status %d, want %d", checks[1].Raw.Status, removed)
		}
	}
}

func TestLookupNeverRemovedOnTransientFailure(t *testing.T) {
	// The post page says removed, but the profile page fails: unknown.
	f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/alice.pc", Fault: fakesite.Fault{Kind: fakesite.Unavailable}},
	}}}, nil, func(c *Config) { c.Retries = 1 })
	checks, err := f.src.Lookup(context.Background(), []crawler.PostRef{{Platform: "facebook", ID: "a055", Handle: "alice.pc", URL: f.srv.URL + "/x/posts/a055"}})
	if err != nil {
		t.Fatal(err)
	}
	// /x/posts/a055: a wrong handle, so "not available"; the profile
	// asked is alice.pc, which answers 503.
	if checks[0].State != crawler.StateUnknown || !strings.Contains(checks[0].Reason, "503") {
		t.Errorf("got %s (%s), want unknown after a 503 profile", checks[0].State, checks[0].Reason)
	}
}

func TestLookupCancelled(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{}, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	checks, err := f.src.Lookup(ctx, []crawler.PostRef{{ID: "a060", Handle: "alice.pc"}, {ID: "a059", Handle: "alice.pc"}})
	if !errors.Is(err, context.Canceled) || len(checks) != 2 {
		t.Fatalf("err %v, %d checks", err, len(checks))
	}
	for _, c := range checks {
		if c.State != crawler.StateUnknown {
			t.Errorf("cancelled lookup: %s", c.State)
		}
	}
}
