package html

import (
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/fakesite"
)

// TestPostsNotBefore checks the absolute horizon: a source whose clock is
// far ahead of the site's posts (a sweep of `exposure sim` from another
// process runs on the wall clock, the world on its own) still reads the
// posts after not_before, where a relative horizon would read none.
func TestPostsNotBefore(t *testing.T) {
	prof := crawler.Profile{Platform: "facebook", ID: "alice-1", Handle: "alice.pc"}
	ahead := func(c *Config) { c.Horizon = 24 * time.Hour }
	f := newFixture(t, testWorld(), fakesite.Options{PageSize: 10}, nil, ahead)
	f.src.now = func() time.Time { return worldNow.AddDate(2, 0, 0) }
	if posts, _, err := f.posts(t, prof, ""); err != nil || len(posts) != 0 {
		t.Fatalf("relative horizon two years on: %d posts, %v; want none", len(posts), err)
	}
	g := newFixture(t, testWorld(), fakesite.Options{PageSize: 10}, nil, func(c *Config) {
		ahead(c)
		c.NotBefore = worldNow.Add(-15 * 24 * time.Hour)
	})
	g.src.now = func() time.Time { return worldNow.AddDate(2, 0, 0) }
	posts, _, err := g.posts(t, prof, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 14 { // days 1..15 less the removed one
		t.Errorf("not_before: got %d posts, want 14", len(posts))
	}
}
