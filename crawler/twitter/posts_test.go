package twitter

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

func post(i int) string { return faketwitter.FixturePost(now, i) }

func byID(posts []crawler.Post) map[string]crawler.Post {
	m := map[string]crawler.Post{}
	for _, p := range posts {
		m[p.ID] = p
	}
	return m
}

func TestPostsFirstSweep(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, nil)
	posts, next, err := collect(t, e.source(), officer, "")
	if err != nil {
		t.Fatal(err)
	}
	// 250 tweets, 5 removed, the plain retweet left out by default.
	if len(posts) != 244 {
		t.Fatalf("%d posts, want 244", len(posts))
	}
	if next != post(0) {
		t.Errorf("cursor %s, want the newest id %s", next, post(0))
	}
	// Two full pages and the empty one that ends paging.
	if n := e.fake.Requests("statuses/user_timeline"); n != 3 {
		t.Errorf("%d timeline requests, want 3", n)
	}
	m := byID(posts)
	if len(m) != len(posts) {
		t.Error("duplicate posts")
	}
	if _, ok := m[post(7)]; ok {
		t.Error("removed post yielded")
	}
	if _, ok := m[post(10)]; ok {
		t.Error("plain retweet yielded without include_reposts")
	}
	if got := m[post(3)].Text; got != "Shift 3 done (edited)" {
		t.Errorf("edited text %q", got)
	}
	if got := m[post(5)].Text; got != "Fish & chips <3 after a 12h shift > anything" {
		t.Errorf("HTML entities not undone: %q", got)
	}
	q := m[post(11)]
	if !q.Repost || q.Text != "Typical. Nobody asked us." || q.RepostText != "Police funding to be reviewed" {
		t.Errorf("quote tweet %+v", q)
	}
	p0 := m[post(0)]
	if p0.URL != "https://twitter.com/PC_Smith/status/"+post(0) || p0.ProfileID != officer.ID || p0.Platform != "twitter" {
		t.Errorf("post %+v", p0)
	}
	if !p0.Created.Equal(now.Add(-time.Hour)) {
		t.Errorf("created %v", p0.Created)
	}
	if !strings.Contains(p0.Text, "#policelife") {
		t.Errorf("full_text lost: %q", p0.Text)
	}
	// Evidence: the tweet's own JSON object as received.
	raw := p0.Raw
	if raw == nil || raw.Status != 200 || !strings.HasPrefix(raw.ContentType, "application/json") ||
		!strings.Contains(raw.URL, "/1.1/statuses/user_timeline.json") || !raw.FetchedAt.Equal(now) || raw.Header["Date"] == "" {
		t.Fatalf("capture %+v", raw)
	}
	var obj struct {
		IDStr    string `json:"id_str"`
		FullText string `json:"full_text"`
		User     struct {
			IDStr string `json:"id_str"`
		} `json:"user"`
	}
	if err := json.Unmarshal(raw.Body, &obj); err != nil || obj.IDStr != p0.ID || obj.User.IDStr != officer.ID || obj.FullText == "" {
		t.Fatalf("captured body is not the tweet: %v %+v", err, obj)
	}
	for _, p := range posts {
		var id struct {
			IDStr string `json:"id_str"`
		}
		if json.Unmarshal(p.Raw.Body, &id); id.IDStr != p.ID {
			t.Fatalf("post %s captured with tweet %s", p.ID, id.IDStr)
		}
	}
}

func TestPostsReposts(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) { c.Timeline.IncludeReposts = true })
	posts, _, err := collect(t, e.source(), officer, "")
	if err != nil || len(posts) != 245 {
		t.Fatalf("%d posts, %v", len(posts), err)
	}
	rt := byID(posts)[post(10)]
	if !rt.Repost || rt.Text != "" || rt.RepostText != "Breaking: council approves new budget & cuts" {
		t.Errorf("retweet %+v", rt)
	}
}

func TestPostsHorizonAndCap(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) {
		c.Timeline.NotBefore = time.Time{}
		c.Timeline.Horizon = 10 * 24 * time.Hour
	})
	posts, next, err := collect(t, e.source(), officer, "")
	// Tweets 0-39 are within 10 days; 7 is removed and 10 a retweet.
	if err != nil || len(posts) != 38 || next != post(0) {
		t.Fatalf("horizon: %d posts, cursor %s, %v", len(posts), next, err)
	}
	if n := e.fake.Requests("statuses/user_timeline"); n != 1 {
		t.Errorf("read past the horizon: %d requests", n)
	}
	for _, p := range posts {
		if p.Created.Before(now.Add(-10 * 24 * time.Hour)) {
			t.Errorf("post %s from %v is past the horizon", p.ID, p.Created)
		}
	}
	e.cfg.Timeline.NotBefore = now.Add(-24 * time.Hour)
	posts, _, _ = collect(t, e.source(), officer, "")
	if len(posts) != 4 {
		t.Errorf("not_before a day ago: %d posts, want 4", len(posts))
	}
	e.cfg.Timeline = Timeline{NotBefore: now.AddDate(-1, 0, 0), MaxPosts: 50}
	posts, next, _ = collect(t, e.source(), officer, "")
	if len(posts) != 50 || next != post(0) {
		t.Errorf("max_posts 50: %d posts, cursor %s", len(posts), next)
	}
}

func TestPostsIncremental(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, nil)
	s := e.source()
	_, first, err := collect(t, s, officer, "")
	if err != nil {
		t.Fatal(err)
	}
	posts, next, err := collect(t, s, officer, first)
	if err != nil || len(posts) != 0 || next != first {
		t.Fatalf("nothing new: %d posts, cursor %s, %v", len(posts), next, err)
	}
	// From tweet 10's id: 0-9 are newer, 7 removed.
	posts, next, err = collect(t, s, officer, post(10))
	if err != nil || len(posts) != 9 || next != post(0) {
		t.Fatalf("since tweet 10: %d posts, cursor %s, %v", len(posts), next, err)
	}
	if _, ok := byID(posts)[post(10)]; ok {
		t.Error("since_id is exclusive")
	}
	// Handle-only profiles work too.
	posts, _, err = collect(t, s, crawler.Profile{Handle: "@PC_Smith"}, post(10))
	if err != nil || len(posts) != 9 {
		t.Fatalf("by handle: %d, %v", len(posts), err)
	}
	if _, _, err := collect(t, s, officer, "not-an-id"); err == nil {
		t.Error("a malformed cursor was accepted")
	}
}

func TestPostsAccountStates(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, nil)
	s := e.source()
	for _, c := range []struct {
		id, handle string
		state      crawler.State
	}{
		{faketwitter.FixtureProtected, "Sgt_Jones", crawler.StateAccountProtected},
		{faketwitter.FixtureSuspended, "PC_Banned", crawler.StateAccountSuspended},
		{faketwitter.FixtureDeleted, "PC_Gone", crawler.StateAccountGone},
		{"", "NeverExisted", crawler.StateAccountGone},
	} {
		posts, next, err := collect(t, s, crawler.Profile{ID: c.id, Handle: c.handle}, "123")
		st, ok := crawler.AccountStateOf(err)
		if !ok || st != c.state || len(posts) != 0 || next != "123" {
			t.Errorf("@%s: %v (%d posts, cursor %s), want %s", c.handle, err, len(posts), next, c.state)
			continue
		}
		if crawler.IsTransient(err) {
			t.Errorf("@%s: account state reported as transient", c.handle)
		}
	}
}
