package twitter

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestConfigYAMLExample(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Twitter Config `yaml:"twitter"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Twitter
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.RequestTimeout != 30*time.Second || c.Timeline.Horizon != 8760*time.Hour || !c.Discover.UserSearch.Enabled ||
		len(c.Discover.Followers.Seeds) != 3 || c.Discover.Followers.Method != "ids" || c.Retry.BaseDelay != 500*time.Millisecond ||
		c.RateLimit.MaxWait != 16*time.Minute || !c.Timeline.NotBefore.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("decoded %+v", c)
	}
	// The doc.go example is the same shape.
	d := Defaults()
	if d.BaseURL != DefaultBaseURL || d.Timeline.MaxPosts != 3200 || d.Retry.MaxAttempts != 4 || d.Discover.UserSearch.MaxPages != 50 {
		t.Errorf("defaults %+v", d)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		field string
		mod   func(*Config)
	}{
		{"base_url", func(c *Config) { c.BaseURL = "ftp://api.twitter.com" }},
		{"base_url", func(c *Config) { c.BaseURL = "https://user:pw@api.twitter.com" }},
		{"base_url", func(c *Config) { c.BaseURL = "api.twitter.com" }},
		{"request_timeout", func(c *Config) { c.RequestTimeout = -time.Second }},
		{"max_body_bytes", func(c *Config) { c.MaxBodyBytes = 100 }},
		{"user_agent", func(c *Config) { c.UserAgent = "x\r\nEvil: 1" }},
		{"discover.user_search.queries", func(c *Config) { c.Discover.UserSearch.Enabled = true }},
		{"discover.user_search.queries[1]", func(c *Config) { c.Discover.UserSearch.Queries = []string{"police", "  "} }},
		{"discover.user_search.max_pages", func(c *Config) { c.Discover.UserSearch.MaxPages = 51 }},
		{"discover.followers.seeds", func(c *Config) { c.Discover.Followers.Enabled = true }},
		{"discover.friends.seeds[0]", func(c *Config) { c.Discover.Friends.Seeds = []string{"not a handle!"} }},
		{"discover.followers.method", func(c *Config) { c.Discover.Followers.Method = "scrape" }},
		{"discover.tweet_search.queries[0]", func(c *Config) { c.Discover.TweetSearch.Queries = []string{strings.Repeat("x", 501)} }},
		{"timeline.max_posts", func(c *Config) { c.Timeline.MaxPosts = 5000 }},
		{"timeline.horizon", func(c *Config) { c.Timeline.Horizon = -time.Hour }},
		{"retry.max_attempts", func(c *Config) { c.Retry.MaxAttempts = -1 }},
		{"retry.base_delay", func(c *Config) { c.Retry.BaseDelay, c.Retry.MaxDelay = time.Minute, time.Second }},
	} {
		var cfg Config
		c.mod(&cfg)
		err := cfg.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: got %v", c.field, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "twitter."+c.field+": ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: message %q", c.field, err)
		}
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
}
