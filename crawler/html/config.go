package html

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config is one HTML source as the operator configures it (the `html`
// entries of the sweep config). Start from DefaultConfig, so that keys left
// out keep their defaults, then Validate.
type Config struct {
	// Site names the site file rules/sites/<site>.yaml.
	Site string `yaml:"site"`
	// BaseURL replaces the site file's base_url, and the allowed domains
	// become its host alone: for the simulation and for tests.
	BaseURL string `yaml:"base_url,omitempty"`
	// Queries are the people-search queries discovery runs.
	Queries []string `yaml:"queries"`
	// Contact (an email address or URL) goes into the User-Agent so that
	// a site operator can reach whoever runs the crawl. Required.
	Contact string `yaml:"contact"`
	// Delay and RandomDelay space requests to one domain; Parallelism is
	// how many may be in flight to it. Colly's delay sleep cannot be
	// cancelled, so delays are capped at one minute.
	Delay       time.Duration `yaml:"delay"`
	RandomDelay time.Duration `yaml:"random_delay"`
	Parallelism int           `yaml:"parallelism"`
	// MaxDepth bounds a chain of followed links (search result pages, or
	// a profile's older-posts pages), counting the first page as 1.
	MaxDepth int `yaml:"max_depth"`
	// MaxPagesPerProfile bounds the pages read per profile per call.
	MaxPagesPerProfile int `yaml:"max_pages_per_profile"`
	// MaxBodyBytes refuses larger pages (they are not parsed).
	MaxBodyBytes int `yaml:"max_body_bytes"`
	// MaxRedirects refuses a page reached through more redirects.
	MaxRedirects int `yaml:"max_redirects"`
	// Timeout bounds one HTTP exchange.
	Timeout time.Duration `yaml:"timeout"`
	// Retries is how many times a 5xx, 429, timeout or dropped connection
	// is retried, waiting Backoff, 2×Backoff, ... (or the site's
	// Retry-After) up to MaxWait per wait.
	Retries int           `yaml:"retries"`
	Backoff time.Duration `yaml:"backoff"`
	MaxWait time.Duration `yaml:"max_wait"`
	// Horizon is how far back the first read of a profile goes.
	Horizon time.Duration `yaml:"horizon"`
	// NotBefore, if set, is an absolute horizon and wins over Horizon: for
	// a study period, or a simulated world whose clock is not the wall's
	// (the same setting as the Twitter source's timeline.not_before).
	NotBefore time.Time `yaml:"not_before,omitempty"`
	// AllowPrivateAddresses lets the crawler fetch loopback and private
	// addresses (the simulation on 127.0.0.1). Off for real sites.
	AllowPrivateAddresses bool `yaml:"allow_private_addresses"`
	// CrawlID names the crawl whose visited URLs are kept in the store, so
	// that discovery interrupted part way resumes where it stopped. The
	// sweep sets it to the sweep's id; a finished discovery forgets it.
	CrawlID string `yaml:"crawl_id,omitempty"`
}

// DefaultConfig returns the defaults for a real site: one request at a
// time per domain, two seconds apart, and a one-year horizon.
func DefaultConfig() Config {
	return Config{
		Delay:              2 * time.Second,
		RandomDelay:        time.Second,
		Parallelism:        1,
		MaxDepth:           20,
		MaxPagesPerProfile: 20,
		MaxBodyBytes:       4 << 20,
		MaxRedirects:       5,
		Timeout:            20 * time.Second,
		Retries:            3,
		Backoff:            2 * time.Second,
		MaxWait:            2 * time.Minute,
		Horizon:            365 * 24 * time.Hour,
	}
}

// ConfigError names the configuration field that is wrong.
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("html source config: %s: %s", e.Field, e.Msg)
}

// Validate checks every field and returns a *ConfigError for the first
// bad one.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.Site == "":
		return bad("site", "required (the name of a file in rules/sites)")
	case strings.ContainsAny(c.Site, "/\\. "):
		return bad("site", "%q is not a site name", c.Site)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" && u.Path != "/" {
			return bad("base_url", "%q: want an absolute http(s) URL with no path", c.BaseURL)
		}
	}
	for i, q := range c.Queries {
		if strings.TrimSpace(q) == "" {
			return bad("queries", "query %d is empty", i+1)
		}
	}
	if strings.TrimSpace(c.Contact) == "" {
		return bad("contact", "required: an email address or URL site operators can reach you at (it goes in the User-Agent)")
	}
	if strings.ContainsAny(c.Contact, "\r\n()") {
		return bad("contact", "must not contain line breaks or parentheses")
	}
	switch {
	case c.Delay < 0 || c.Delay > time.Minute:
		return bad("delay", "%v: want between 0 and 1m", c.Delay)
	case c.Delay < 100*time.Millisecond && c.BaseURL == "":
		return bad("delay", "%v: a real site needs at least 100ms between requests (0 is for the simulation, with base_url)", c.Delay)
	case c.RandomDelay < 0 || c.RandomDelay > time.Minute:
		return bad("random_delay", "%v: want between 0 and 1m", c.RandomDelay)
	case c.Parallelism < 1 || c.Parallelism > 64:
		return bad("parallelism", "%d: want between 1 and 64", c.Parallelism)
	case c.MaxDepth < 1 || c.MaxDepth > 10000:
		return bad("max_depth", "%d: want between 1 and 10000", c.MaxDepth)
	case c.MaxPagesPerProfile < 1 || c.MaxPagesPerProfile > 10000:
		return bad("max_pages_per_profile", "%d: want between 1 and 10000", c.MaxPagesPerProfile)
	case c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 64<<20:
		return bad("max_body_bytes", "%d: want between 1024 and %d", c.MaxBodyBytes, 64<<20)
	case c.MaxRedirects < 0 || c.MaxRedirects > 20:
		return bad("max_redirects", "%d: want between 0 and 20", c.MaxRedirects)
	case c.Timeout <= 0 || c.Timeout > 5*time.Minute:
		return bad("timeout", "%v: want more than 0 and at most 5m", c.Timeout)
	case c.Retries < 0 || c.Retries > 10:
		return bad("retries", "%d: want between 0 and 10", c.Retries)
	case c.Backoff < 0 || c.Backoff > 10*time.Minute:
		return bad("backoff", "%v: want between 0 and 10m", c.Backoff)
	case c.MaxWait < c.Backoff || c.MaxWait > time.Hour:
		return bad("max_wait", "%v: want at least backoff (%v) and at most 1h", c.MaxWait, c.Backoff)
	case c.Horizon <= 0:
		return bad("horizon", "%v: want a positive duration such as 8760h", c.Horizon)
	}
	if strings.ContainsAny(c.CrawlID, "\x00/") {
		return bad("crawl_id", "must not contain NUL or /")
	}
	return nil
}
