package twitter_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/crawler/crawlertest"
	"github.com/psd-tools/exposure/crawler/twitter"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

func TestConformance(t *testing.T) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, reposts := range []bool{false, true} {
		w := faketwitter.Fixture(now)
		ts := httptest.NewServer(faketwitter.New(w, faketwitter.Options{}))
		t.Cleanup(ts.Close)
		cfg := twitter.Config{BaseURL: ts.URL}
		cfg.Discover.Followers = twitter.Graph{Enabled: true, Seeds: []string{"WMPolice"}}
		cfg.Discover.TweetSearch = twitter.TweetSearch{Enabled: true, Queries: []string{"police", "#policelife"}}
		cfg.Timeline.NotBefore = now.AddDate(-1, 0, 0)
		cfg.Timeline.IncludeReposts = reposts
		crawlertest.Run(t, crawlertest.Harness{
			Platform:     sim.Twitter,
			World:        w,
			WantProfiles: []string{faketwitter.FixtureOfficer, faketwitter.FixtureProtected, faketwitter.FixtureFan},
			PlainReposts: reposts,
			New: func(t *testing.T) crawler.Source {
				s, err := twitter.New(cfg, twitter.Deps{Transport: ts.Client().Transport,
					Credentials: &twitter.Credentials{BearerToken: "conformance"}})
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
		})
	}
}
