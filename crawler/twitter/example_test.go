package twitter_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/crawler/twitter"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// A source pointed at the fake API over a small simulated world: discover
// the followers of a force account, read an officer's last three days, and
// recheck a post that has since been deleted. In production Deps would
// carry db.KV("twitter"), the progress observer and the logger, and the
// credentials would come from the environment.
func ExampleNew() {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	api := httptest.NewServer(faketwitter.New(faketwitter.Fixture(now), faketwitter.Options{}))
	defer api.Close()

	cfg := twitter.Config{BaseURL: api.URL}
	cfg.Discover.Followers = twitter.Graph{Enabled: true, Seeds: []string{"WMPolice"}}
	cfg.Timeline.NotBefore = now.AddDate(0, 0, -3)
	src, err := twitter.New(cfg, twitter.Deps{Credentials: &twitter.Credentials{BearerToken: "demo-token"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	var found []crawler.Profile
	err = src.Discover(ctx, func(p crawler.Profile) error {
		fmt.Printf("@%s protected=%v via %q\n", p.Handle, p.Protected, p.Via)
		found = append(found, p)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	cursor, err := src.Posts(ctx, found[0], "", func(crawler.Post) error { n++; return nil })
	fmt.Println(n, "posts, cursor is the newest:", cursor == faketwitter.FixturePost(now, 0), err)

	checks, err := src.Lookup(ctx, []crawler.PostRef{{Platform: "twitter", ID: faketwitter.FixturePost(now, 7), ProfileID: faketwitter.FixtureOfficer}})
	fmt.Println(checks[0].State, "-", checks[0].Reason, err)
	// Output:
	// @PC_Smith protected=false via "followers of @WMPolice"
	// @Sgt_Jones protected=true via "followers of @WMPolice"
	// @BlueLightFan protected=false via "followers of @WMPolice"
	// 10 posts, cursor is the newest: true <nil>
	// removed - HTTP 404 code 144 No status found with that ID.; account @PC_Smith still exists <nil>
}
