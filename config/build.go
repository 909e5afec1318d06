package config

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/crawler/html"
	"github.com/psd-tools/exposure/crawler/twitter"
	"github.com/psd-tools/exposure/store"
)

// Phrases supplies discovery words the configuration leaves out: the
// identity rules' search phrases and the forces' official accounts.
type Phrases interface {
	SearchPhrases() []string
	SeedHandles() []string
}

// SourceDeps is what building the configured sources needs besides the
// configuration itself.
type SourceDeps struct {
	Rules    fs.FS
	DB       *store.DB
	Phrases  Phrases
	Observer crawler.Observer
	Log      zerolog.Logger
	Version  string
	// Now is the sources' clock (default time.Now; the demo passes the
	// simulated world's).
	Now func() time.Time
	// TwitterCredentials overrides the environment (the demo's tokens for
	// its own fake API); nil reads the environment.
	TwitterCredentials *twitter.Credentials
}

// Sources constructs one Source per configured platform. Discovery settings
// left empty take their words from the identity rules.
func (c *Config) Sources(d SourceDeps) ([]crawler.Source, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	var out []crawler.Source
	if c.Twitter != nil {
		tc := c.Twitter.Config
		disc := &tc.Discover
		if disc.UserSearch.Enabled && len(disc.UserSearch.Queries) == 0 {
			disc.UserSearch.Queries = d.Phrases.SearchPhrases()
		}
		if disc.Followers.Enabled && len(disc.Followers.Seeds) == 0 {
			disc.Followers.Seeds = d.Phrases.SeedHandles()
		}
		if disc.Friends.Enabled && len(disc.Friends.Seeds) == 0 {
			disc.Friends.Seeds = d.Phrases.SeedHandles()
		}
		tc.Timeline.IncludeReposts = tc.Timeline.IncludeReposts || c.Sweep.IncludeReposts
		src, err := twitter.New(tc, twitter.Deps{
			KV:          d.DB.KV("twitter"),
			Observer:    d.Observer,
			Log:         d.Log.With().Str("platform", "twitter").Logger(),
			Clock:       clock{d.Now},
			Credentials: d.TwitterCredentials,
		})
		if err != nil {
			return nil, c.fieldError("twitter", err.Error())
		}
		out = append(out, src)
	}
	for i, sc := range c.Sites {
		hc := sc.Config
		if len(hc.Queries) == 0 {
			hc.Queries = d.Phrases.SearchPhrases()
		}
		if hc.Contact == "" {
			hc.Contact = c.Contact
		}
		src, err := html.New(hc, d.Rules, html.Deps{
			KV:       d.DB.KV,
			Observer: d.Observer,
			Log:      d.Log.With().Str("platform", hc.Site).Logger(),
			Now:      d.Now,
			Version:  d.Version,
		})
		if err != nil {
			return nil, c.fieldError(fmt.Sprintf("sites[%d]", i), err.Error())
		}
		out = append(out, src)
	}
	if len(out) == 0 {
		return nil, &Error{Path: c.path, Msg: "no sources configured: add a 'twitter:' section or 'sites:' entries"}
	}
	return out, nil
}

// clock gives the Twitter source the time from now and sleeps in real
// time.
type clock struct{ now func() time.Time }

func (c clock) Now() time.Time { return c.now() }

func (c clock) Sleep(ctx context.Context, d time.Duration) error {
	return twitter.SystemClock{}.Sleep(ctx, d)
}
