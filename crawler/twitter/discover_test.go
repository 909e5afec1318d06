package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

func TestDiscoverModes(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*Config)
		want string
		via  string
	}{
		{"user search", func(c *Config) {
			c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police officer"}}
		}, "PC_Smith", "users/search q=police officer"},
		{"user search, several queries", func(c *Config) {
			c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police officer", "police"}}
		}, "BlueLightFan,PC_Smith,Sgt_Jones,WMPolice", ""},
		{"followers by ids", func(c *Config) {
			c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"@WMPolice"}}
		}, "BlueLightFan,PC_Smith,Sgt_Jones", "followers of @WMPolice"},
		{"followers by list", func(c *Config) {
			c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"WMPolice"}, Method: "list"}
		}, "BlueLightFan,PC_Smith,Sgt_Jones", "followers of @WMPolice"},
		{"friends by numeric id", func(c *Config) {
			c.Discover.Friends = Graph{Enabled: true, Seeds: []string{faketwitter.FixtureFan}}
		}, "PC_Smith,WMPolice", "friends of user 1006"},
		{"tweet search", func(c *Config) {
			c.Discover.TweetSearch = TweetSearch{Enabled: true, Queries: []string{"#policelife"}}
		}, "BlueLightFan,PC_Smith", "search/tweets q=#policelife"},
		{"all modes, each profile once", func(c *Config) {
			c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police"}}
			c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"WMPolice"}}
			c.Discover.Friends = Graph{Enabled: true, Seeds: []string{"BlueLightFan"}}
			c.Discover.TweetSearch = TweetSearch{Enabled: true, Queries: []string{"#policelife", "shift"}}
		}, "BlueLightFan,PC_Smith,Sgt_Jones,WMPolice", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := fixtureEnv(t, faketwitter.Options{}, c.mod)
			got, byHandle, err := discover(t, e.source())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != c.want {
				t.Fatalf("found %v, want %s", got, c.want)
			}
			for _, p := range byHandle {
				if c.via != "" && p.Via != c.via {
					t.Errorf("@%s via %q, want %q", p.Handle, p.Via, c.via)
				}
				if p.Platform != "twitter" || p.ID == "" || p.URL != "https://twitter.com/"+p.Handle {
					t.Errorf("profile %+v", p)
				}
			}
			if p, ok := byHandle["Sgt_Jones"]; ok && !p.Protected {
				t.Error("protected account not marked protected")
			}
			if p, ok := byHandle["PC_Smith"]; ok && (p.Bio == "" || p.Location != "Coventry" || p.Name != "PC Smith") {
				t.Errorf("officer profile %+v", p)
			}
		})
	}
}

// bigWorld has a seed account with n followers whose bios all say
// "police officer".
func bigWorld(n int) *sim.World {
	accts := []*sim.Account{{Platform: sim.Twitter, ID: "9", Handle: "BigForce", Name: "Big Force", State: sim.Active}}
	for i := 0; i < n; i++ {
		accts = append(accts, &sim.Account{Platform: sim.Twitter, ID: fmt.Sprint(100000 + i), Handle: fmt.Sprintf("pc_%d", i),
			Name: fmt.Sprintf("PC %d", i), Bio: "Police officer", State: sim.Active, Following: []string{"9"}})
	}
	return sim.FromData(now, accts, nil)
}

func TestDiscoverPaging(t *testing.T) {
	e := newEnv(t, bigWorld(450), faketwitter.Options{}, func(c *Config) {
		c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police officer"}, MaxPages: 50}
		c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"BigForce"}, Method: "ids"}
		c.Discover.Friends = Graph{Enabled: true, Seeds: []string{"pc_1"}, Method: "list"}
	})
	got, _, err := discover(t, e.source())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 451 {
		t.Fatalf("found %d profiles, want 451", len(got))
	}
	st := e.fake.Stats().Requests
	// 450 matches at 20 a page is 23 pages, then one empty page.
	if st["users/search"] != 24 {
		t.Errorf("users/search requests %d, want 24", st["users/search"])
	}
	// One page of ids, 5 look-ups of 100.
	if st["followers/ids"] != 1 || st["users/lookup"] != 5 {
		t.Errorf("graph requests %v", st)
	}

	// Followers by list: 200 a page, so 3 pages.
	e.cfg.Discover = Discovery{Followers: Graph{Enabled: true, Seeds: []string{"BigForce"}, Method: "list"}}
	got, _, err = discover(t, e.source())
	if err != nil || len(got) != 450 || e.fake.Requests("followers/list") != 3 {
		t.Fatalf("list: %d profiles, %d requests, %v", len(got), e.fake.Requests("followers/list"), err)
	}

	// max_pages bounds a mode.
	e.cfg.Discover = Discovery{UserSearch: UserSearch{Enabled: true, Queries: []string{"police"}, MaxPages: 2}}
	got, _, err = discover(t, e.source())
	if err != nil || len(got) != 40 {
		t.Fatalf("max_pages 2: %d profiles, %v", len(got), err)
	}
}

func TestDiscoverGoesOnAfterAFailedSeed(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) {
		c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"PC_Banned", "Sgt_Jones", "NoSuchForce", "WMPolice"}}
	})
	got, _, err := discover(t, e.source())
	if strings.Join(got, ",") != "BlueLightFan,PC_Smith,Sgt_Jones" {
		t.Errorf("found %v", got)
	}
	if _, ok := crawler.AccountStateOf(err); !ok {
		t.Fatalf("want account errors joined, got %v", err)
	}
	for _, want := range []string{"followers of @PC_Banned", "account_suspended", "followers of @Sgt_Jones", "account_protected", "@NoSuchForce", "account_gone"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestDiscoverStopsOnRefusedCredentials(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) {
		c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"WMPolice", "BlueLightFan"}}
	})
	e.creds.BearerToken = "revoked"
	s := e.source()
	_, _, err := discover(t, s)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("want ErrAuth, got %v", err)
	}
	if n := e.fake.Stats().Refused; n != 1 {
		t.Errorf("went on after refused credentials: %d requests", n)
	}
	if crawler.IsTransient(err) {
		t.Error("refused credentials reported as transient")
	}
}

func TestDiscoverYieldErrorStops(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) {
		c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police", "officer"}}
	})
	boom := errors.New("store full")
	n := 0
	err := e.source().Discover(context.Background(), func(crawler.Profile) error { n++; return boom })
	if !errors.Is(err, boom) || n != 1 {
		t.Fatalf("yield error: %v after %d profiles", err, n)
	}
}

func TestUserSearchNeedsUserCredentials(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) {
		c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police"}}
	})
	e.creds = Credentials{BearerToken: testCreds.BearerToken}
	_, err := e.sourceErr()
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "discover.user_search.enabled" || !strings.Contains(err.Error(), EnvAccessToken) {
		t.Fatalf("want a config error naming the field and the variables, got %v", err)
	}
	e.creds = Credentials{}
	if _, err := e.sourceErr(); err == nil || !strings.Contains(err.Error(), EnvBearerToken) {
		t.Fatalf("no credentials: %v", err)
	}
}

func TestBearerMintedFromConsumerKey(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, func(c *Config) {
		c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"WMPolice"}}
	})
	e.creds = Credentials{ConsumerKey: testCreds.ConsumerKey, ConsumerSecret: testCreds.ConsumerSecret}
	got, _, err := discover(t, e.source())
	if err != nil || len(got) != 3 {
		t.Fatalf("with a minted token: %v %v", got, err)
	}
	e.creds.ConsumerSecret = "wrong"
	_, _, err = discover(t, e.source())
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("minting with a wrong secret: %v", err)
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, nil)
	mux := newPrefixed(t, e, "/api/twitter")
	e.cfg.BaseURL = mux + "/api/twitter/"
	posts, _, err := collect(t, e.source(), officer, "")
	if err != nil || len(posts) != 244 {
		t.Fatalf("under a path prefix: %d posts, %v", len(posts), err)
	}
}

// newPrefixed serves the env's fake under a path prefix and returns the
// server's URL.
func newPrefixed(t *testing.T, e *env, prefix string) string {
	ts := httptest.NewServer(http.StripPrefix(prefix, e.fake))
	t.Cleanup(ts.Close)
	return ts.URL
}
