package twitter

import (
	"context"
	"errors"
	"testing"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// TestForgetCrawl checks that a new sweep can drop the graph cursor a
// stopped walk saved, so it walks from the top (and the followers before
// the cursor become candidates of the new sweep), while the rate-limit
// budgets are kept.
func TestForgetCrawl(t *testing.T) {
	e := newEnv(t, bigWorld(450), faketwitter.Options{Limits: map[string]int{"followers/list": 1}}, func(c *Config) {
		c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"BigForce"}, Method: "list"}
	})
	ctx, cancel := stopOnWait(e)
	err := e.source().Discover(ctx, func(crawler.Profile) error { return nil })
	cancel()
	if !errors.Is(err, crawler.ErrRateLimited) {
		t.Fatalf("first run: %v", err)
	}
	kv := e.db.KV("twitter")
	if cur, _ := kv.Get([]byte("discover/followers/list/bigforce")); cur == nil {
		t.Fatal("no cursor saved")
	}
	budgets := 0
	kv.Scan([]byte(budgetPrefix), func(_, _ []byte) error { budgets++; return nil })
	if err := e.source().ForgetCrawl(); err != nil {
		t.Fatal(err)
	}
	if cur, _ := kv.Get([]byte("discover/followers/list/bigforce")); cur != nil {
		t.Fatalf("cursor kept: %q", cur)
	}
	after := 0
	kv.Scan([]byte(budgetPrefix), func(_, _ []byte) error { after++; return nil })
	if budgets == 0 || after != budgets {
		t.Fatalf("rate-limit budgets: %d before, %d after forgetting the crawl", budgets, after)
	}
	e.clock.block, e.obs.onWait = false, nil
	n := 0
	if err := e.source().Discover(context.Background(), func(crawler.Profile) error { n++; return nil }); err != nil || n != 450 {
		t.Fatalf("after forgetting: %d profiles, %v; want the whole graph", n, err)
	}
}
