package twitter

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Config is the Twitter section of the sweep configuration. The zero value
// of any field means its default (see Defaults); credentials are not here:
// they come from the environment (see Credentials).
type Config struct {
	// BaseURL is the API host (default https://api.twitter.com). go-twitter
	// always builds https://api.twitter.com/1.1/... URLs; the source
	// redirects them here, so a fake or a proxy can stand in.
	BaseURL string `yaml:"base_url"`
	// RequestTimeout bounds one HTTP exchange, body included (default 30s).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// MaxBodyBytes caps a response body (default 16 MiB; a full 200-tweet
	// page is about 1 MiB).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// UserAgent is sent with every request (default names the tool).
	UserAgent string `yaml:"user_agent"`

	Discover  Discovery `yaml:"discover"`
	Timeline  Timeline  `yaml:"timeline"`
	Retry     Retry     `yaml:"retry"`
	RateLimit RateLimit `yaml:"rate_limit"`
}

// Discovery says how candidate profiles are found. Each mode is switched
// on separately.
type Discovery struct {
	// UserSearch runs users/search (OAuth 1.0a user context only) for each
	// query: the identity phrases from the rules.
	UserSearch UserSearch `yaml:"user_search"`
	// Followers reads who follows each seed account (the forces' official
	// accounts); Friends reads whom each seed follows.
	Followers Graph `yaml:"followers"`
	Friends   Graph `yaml:"friends"`
	// TweetSearch runs search/tweets (the last 7 days) for each hashtag or
	// keyword query; the authors become candidates.
	TweetSearch TweetSearch `yaml:"tweet_search"`
}

// UserSearch configures users/search discovery.
type UserSearch struct {
	Enabled bool     `yaml:"enabled"`
	Queries []string `yaml:"queries"`
	// MaxPages of 20 users per query (default and API maximum 50).
	MaxPages int `yaml:"max_pages"`
}

// Graph configures follower or friend discovery.
type Graph struct {
	Enabled bool `yaml:"enabled"`
	// Seeds are screen names (with or without @) or numeric user ids.
	Seeds []string `yaml:"seeds"`
	// Method is "ids" (default: 5,000 ids per request, then users/lookup by
	// 100 — far fewer of the 15-per-window graph requests) or "list" (200
	// full users per request).
	Method string `yaml:"method"`
	// MaxPages per seed (0: all).
	MaxPages int `yaml:"max_pages"`
}

// TweetSearch configures search/tweets discovery.
type TweetSearch struct {
	Enabled bool     `yaml:"enabled"`
	Queries []string `yaml:"queries"`
	// MaxPages of 100 tweets per query (default 10).
	MaxPages int `yaml:"max_pages"`
}

// Timeline configures how a profile's posts are pulled.
type Timeline struct {
	// Horizon is how far back a first sweep of a profile reads (default
	// 8760h, one year, measured on the source's clock).
	Horizon time.Duration `yaml:"horizon"`
	// NotBefore, if set, is an absolute horizon and wins over Horizon (for
	// a study period, or a simulated world whose clock is not the wall's).
	NotBefore time.Time `yaml:"not_before"`
	// MaxPosts per profile per sweep (default and API maximum 3,200).
	MaxPosts int `yaml:"max_posts"`
	// IncludeReposts also yields plain retweets (no words of the officer's
	// own: Text empty, RepostText the retweeted text), for a sweep that
	// classifies reposted text. Quote tweets carry the officer's own words
	// and are always yielded. Wire it to the same setting as the pipeline's
	// IncludeReposts.
	IncludeReposts bool `yaml:"include_reposts"`
}

// Retry bounds retries of transient failures (timeouts, resets, 5xx,
// malformed bodies).
type Retry struct {
	// MaxAttempts per request, the first included (default 4).
	MaxAttempts int `yaml:"max_attempts"`
	// BaseDelay doubles per attempt up to MaxDelay, with jitter (defaults
	// 500ms and 30s).
	BaseDelay time.Duration `yaml:"base_delay"`
	MaxDelay  time.Duration `yaml:"max_delay"`
	// MaxRateLimitWaits is how many 429s in a row one request waits out
	// before giving up (default 3).
	MaxRateLimitWaits int `yaml:"max_rate_limit_waits"`
}

// RateLimit bounds waits for rate limits.
type RateLimit struct {
	// MaxWait caps one wait whatever the headers say, against a skewed or
	// wrong reset time (default 16m: one window and a margin).
	MaxWait time.Duration `yaml:"max_wait"`
	// FallbackWait is the wait after a 429 that says nothing of when to
	// come back (default 60s).
	FallbackWait time.Duration `yaml:"fallback_wait"`
}

// DefaultBaseURL is the real API.
const DefaultBaseURL = "https://api.twitter.com"

// Defaults returns the configuration with every default filled in and no
// discovery mode switched on.
func Defaults() Config {
	var c Config
	c.fill()
	return c
}

// fill sets zero fields to their defaults.
func (c *Config) fill() {
	def := func(p *time.Duration, d time.Duration) {
		if *p == 0 {
			*p = d
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	def(&c.RequestTimeout, 30*time.Second)
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 16 << 20
	}
	if c.UserAgent == "" {
		c.UserAgent = "exposure/1 (police professional standards research; go-twitter)"
	}
	if c.Discover.UserSearch.MaxPages == 0 {
		c.Discover.UserSearch.MaxPages = 50
	}
	if c.Discover.TweetSearch.MaxPages == 0 {
		c.Discover.TweetSearch.MaxPages = 10
	}
	for _, g := range []*Graph{&c.Discover.Followers, &c.Discover.Friends} {
		if g.Method == "" {
			g.Method = "ids"
		}
	}
	def(&c.Timeline.Horizon, 365*24*time.Hour)
	if c.Timeline.MaxPosts == 0 {
		c.Timeline.MaxPosts = 3200
	}
	if c.Retry.MaxAttempts == 0 {
		c.Retry.MaxAttempts = 4
	}
	def(&c.Retry.BaseDelay, 500*time.Millisecond)
	def(&c.Retry.MaxDelay, 30*time.Second)
	if c.Retry.MaxRateLimitWaits == 0 {
		c.Retry.MaxRateLimitWaits = 3
	}
	def(&c.RateLimit.MaxWait, 16*time.Minute)
	def(&c.RateLimit.FallbackWait, time.Minute)
}

// ConfigError names the field at fault.
type ConfigError struct {
	Field   string // dotted YAML path, e.g. "discover.followers.seeds[2]"
	Value   string
	Problem string
}

func (e *ConfigError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("twitter.%s: %s", e.Field, e.Problem)
	}
	return fmt.Sprintf("twitter.%s: %q %s", e.Field, e.Value, e.Problem)
}

var handleRE = regexp.MustCompile(`^@?[A-Za-z0-9_]{1,15}$|^[0-9]{1,20}$`)

// Validate checks the configuration as written (zero means default) and
// returns the first problem as a *ConfigError.
func (c Config) Validate() error {
	bad := func(field, value, problem string) error {
		return &ConfigError{Field: field, Value: value, Problem: problem}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return bad("base_url", c.BaseURL, "is not an http(s) URL of an API host (like https://api.twitter.com)")
		}
	}
	for _, d := range []struct {
		field string
		v     time.Duration
		max   time.Duration
	}{
		{"request_timeout", c.RequestTimeout, 10 * time.Minute},
		{"timeline.horizon", c.Timeline.Horizon, 20 * 365 * 24 * time.Hour},
		{"retry.base_delay", c.Retry.BaseDelay, time.Hour},
		{"retry.max_delay", c.Retry.MaxDelay, time.Hour},
		{"rate_limit.max_wait", c.RateLimit.MaxWait, 24 * time.Hour},
		{"rate_limit.fallback_wait", c.RateLimit.FallbackWait, time.Hour},
	} {
		if d.v < 0 || d.v > d.max {
			return bad(d.field, d.v.String(), fmt.Sprintf("must be between 0 (default) and %s", d.max))
		}
	}
	if c.Retry.BaseDelay > 0 && c.Retry.MaxDelay > 0 && c.Retry.BaseDelay > c.Retry.MaxDelay {
		return bad("retry.base_delay", c.Retry.BaseDelay.String(), "is longer than retry.max_delay")
	}
	if c.MaxBodyBytes != 0 && (c.MaxBodyBytes < 64<<10 || c.MaxBodyBytes > 1<<30) {
		return bad("max_body_bytes", fmt.Sprint(c.MaxBodyBytes), "must be between 65536 and 1073741824 (0: default 16 MiB)")
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		return bad("user_agent", c.UserAgent, "contains a line break")
	}
	ints := []struct {
		field   string
		v, max  int
		problem string
	}{
		{"discover.user_search.max_pages", c.Discover.UserSearch.MaxPages, 50, "the API serves at most 50 pages of 20"},
		{"discover.tweet_search.max_pages", c.Discover.TweetSearch.MaxPages, 1000, ""},
		{"discover.followers.max_pages", c.Discover.Followers.MaxPages, 1 << 20, ""},
		{"discover.friends.max_pages", c.Discover.Friends.MaxPages, 1 << 20, ""},
		{"timeline.max_posts", c.Timeline.MaxPosts, 3200, "the API serves at most the 3,200 newest tweets"},
		{"retry.max_attempts", c.Retry.MaxAttempts, 20, ""},
		{"retry.max_rate_limit_waits", c.Retry.MaxRateLimitWaits, 100, ""},
	}
	for _, n := range ints {
		if n.v < 0 || n.v > n.max {
			p := fmt.Sprintf("must be between 0 (default) and %d", n.max)
			if n.problem != "" {
				p += ": " + n.problem
			}
			return bad(n.field, fmt.Sprint(n.v), p)
		}
	}
	queries := func(field string, enabled bool, qs []string, maxLen int) error {
		if enabled && len(qs) == 0 {
			return bad(field, "", "is empty but the mode is enabled")
		}
		for i, q := range qs {
			f := fmt.Sprintf("%s[%d]", field, i)
			switch {
			case strings.TrimSpace(q) == "":
				return bad(f, q, "is blank")
			case len(q) > maxLen:
				return bad(f, q[:40]+"…", fmt.Sprintf("is longer than %d bytes", maxLen))
			case strings.ContainsAny(q, "\x00\r\n"):
				return bad(f, q, "contains a control character")
			}
		}
		return nil
	}
	if err := queries("discover.user_search.queries", c.Discover.UserSearch.Enabled, c.Discover.UserSearch.Queries, 100); err != nil {
		return err
	}
	if err := queries("discover.tweet_search.queries", c.Discover.TweetSearch.Enabled, c.Discover.TweetSearch.Queries, 500); err != nil {
		return err
	}
	for _, g := range []struct {
		name string
		g    Graph
	}{{"followers", c.Discover.Followers}, {"friends", c.Discover.Friends}} {
		field := "discover." + g.name
		if g.g.Enabled && len(g.g.Seeds) == 0 {
			return bad(field+".seeds", "", "is empty but the mode is enabled")
		}
		for i, s := range g.g.Seeds {
			if !handleRE.MatchString(s) {
				return bad(fmt.Sprintf("%s.seeds[%d]", field, i), s, "is not a screen name (1-15 letters, digits, _) or a numeric user id")
			}
		}
		if g.g.Method != "" && g.g.Method != "ids" && g.g.Method != "list" {
			return bad(field+".method", g.g.Method, `must be "ids" or "list"`)
		}
	}
	return nil
}
