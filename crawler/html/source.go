package html

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/store"
)

// Deps are what a Source needs from outside.
type Deps struct {
	// Client makes the requests. Nil: a client whose dialer refuses
	// private addresses (unless the config allows them). The client is
	// copied, never changed; its transport is wrapped in the host guard.
	Client *http.Client
	// KV returns a named bucket of the exposure database for colly's
	// visited URLs and cookies (pass (*store.DB).KV). Nil: memory only,
	// and an interrupted crawl starts again from the beginning.
	KV func(name string) *store.KV
	// Observer hears about waits and retries (nil: none).
	Observer crawler.Observer
	// Log receives debug and warning events.
	Log zerolog.Logger
	// Now is the clock for horizons and capture times (nil: time.Now).
	Now func() time.Time
	// Version goes into the User-Agent (default "dev").
	Version string
}

// Source crawls one public HTML site described by a site file. It is safe
// for concurrent use: each call works on its own clone of one configured
// colly collector, and the clones share its HTTP client, per-domain limit
// rules, robots.txt cache and storage.
type Source struct {
	cfg     Config
	site    *Site
	base    *url.URL
	allowed []string
	ua      string

	coll   *colly.Collector
	visits *visits
	obs    crawler.Observer
	log    zerolog.Logger
	now    func() time.Time
}

var _ crawler.Source = (*Source)(nil)

// New builds the source for cfg.Site from the rules fs.
func New(cfg Config, rules fs.FS, d Deps) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	site, err := LoadSite(rules, cfg.Site)
	if err != nil {
		return nil, err
	}
	s := &Site{}
	*s = *site
	base, _ := url.Parse(s.BaseURL)
	allowed := s.AllowedDomains
	if cfg.BaseURL != "" {
		base, _ = url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
		allowed = []string{base.Hostname()}
	}
	if !cfg.AllowPrivateAddresses && privateHost(base.Hostname()) {
		return nil, &ConfigError{Field: "base_url", Msg: fmt.Sprintf("%s is a loopback or private address: set allow_private_addresses (for the simulation only)", base.Hostname())}
	}
	if d.Observer == nil {
		d.Observer = crawler.NopObserver{}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Version == "" {
		d.Version = "dev"
	}
	src := &Source{
		cfg: cfg, site: s, base: base, allowed: allowed,
		ua:  fmt.Sprintf("exposure/%s (public-content review for police professional standards; contact: %s)", d.Version, strings.TrimSpace(cfg.Contact)),
		obs: d.Observer, log: d.Log.With().Str("component", "crawler").Str("platform", s.Name).Logger(),
		now: d.Now,
	}
	var visited, cookies KV = newMemKV(), newMemKV()
	if d.KV != nil {
		crawl := cfg.CrawlID
		if crawl == "" {
			crawl = "default"
		}
		visited, cookies = d.KV("colly."+s.Name+".visited."+crawl), d.KV("colly."+s.Name+".cookies")
	}
	src.visits = &visits{visited: visited, cookies: cookies, log: src.log}
	if err := src.setup(d.Client); err != nil {
		return nil, err
	}
	return src, nil
}

// setup configures the base collector. colly.NewCollector applies COLLY_*
// environment variables after its options, so every setting is assigned
// here, after construction, and the environment cannot loosen any of them
// (robots.txt, allowed domains, body cap, cache, user agent...).
func (s *Source) setup(client *http.Client) error {
	c := colly.NewCollector()
	c.UserAgent = s.ua
	c.Headers = &http.Header{"Accept": {"text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}, "Accept-Language": {"en-GB,en;q=0.8"}}
	c.IgnoreRobotsTxt = false
	c.AllowedDomains = s.allowed
	c.DisallowedDomains = nil
	c.DisallowedURLFilters = nil
	c.URLFilters = nil
	// Redirect checks run on this base collector, never on the clones:
	// with revisits allowed here, a redirect target is never marked
	// visited, so only the pages the crawler asked for are.
	c.AllowURLRevisit = true
	// One byte over the cap, so that a body cut at the cap is recognised
	// as too large rather than parsed short.
	c.MaxBodySize = s.cfg.MaxBodyBytes + 1
	c.MaxDepth = s.cfg.MaxDepth
	c.MaxRequests = 0
	c.CacheDir = ""
	c.CacheExpiration = 0
	c.Async = false
	c.ParseHTTPErrorResponse = true // 404/410 pages carry the markers
	c.DetectCharset = false
	c.CheckHead = false
	c.TraceHTTP = false
	c.Context = context.Background()

	var cl http.Client
	if client != nil {
		cl = *client
	}
	next := cl.Transport
	if next == nil {
		if client != nil {
			next = http.DefaultTransport
		} else {
			next = defaultTransport(s.cfg.AllowPrivateAddresses)
		}
	}
	cl.Transport = &guard{next: next, allowed: s.allowed, allowPrivate: s.cfg.AllowPrivateAddresses}
	cl.Timeout = s.cfg.Timeout
	c.SetClient(&cl)
	// SetStorage installs the cookie jar over the storage and
	// SetRedirectHandler colly's redirect check: both after SetClient,
	// which replaced the client they were set on.
	if err := c.SetStorage(s.visits); err != nil {
		return fmt.Errorf("crawler storage: %w", err)
	}
	c.SetRedirectHandler(s.checkRedirect)
	for _, d := range s.allowed {
		rule := &colly.LimitRule{
			DomainRegexp: "^" + regexp.QuoteMeta(strings.ToLower(d)) + `(:\d+)?$`,
			Parallelism:  s.cfg.Parallelism,
			Delay:        s.cfg.Delay,
			RandomDelay:  s.cfg.RandomDelay,
		}
		if err := c.Limit(rule); err != nil {
			return fmt.Errorf("limit rule for %s: %w", d, err)
		}
	}
	s.coll = c
	return nil
}

// checkRedirect runs after colly's own check (allowed domains).
func (s *Source) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > s.cfg.MaxRedirects {
		return fmt.Errorf("%d redirects from %s: %w", len(via), via[0].URL.Path, ErrTooManyRedirects)
	}
	if !s.cfg.AllowPrivateAddresses && privateHost(req.URL.Hostname()) {
		return fmt.Errorf("redirect to %s: %w", req.URL.Hostname(), ErrPrivateAddress)
	}
	return nil
}

// Name is the site's platform name.
func (s *Source) Name() string { return s.site.Name }

// Site returns the loaded site file.
func (s *Source) Site() *Site { return s.site }

// UserAgent returns the User-Agent the source sends.
func (s *Source) UserAgent() string { return s.ua }

// BaseURL returns the base URL in use (the config's override, or the
// site file's).
func (s *Source) BaseURL() string { return s.base.String() }

// ForgetCrawl drops the stored visited URLs of the configured crawl, so
// the next Discover starts from the beginning.
func (s *Source) ForgetCrawl() error { return s.visits.finish() }

// profileURL is the URL of a handle's profile page.
func (s *Source) profileURL(handle string) string {
	return expand(s.site.Profile.URL, s.base.String(), map[string]string{"handle": handle})
}

// permalinkURL is the URL of a post's page.
func (s *Source) permalinkURL(handle, id string) string {
	return expand(s.site.Permalink.URL, s.base.String(), map[string]string{"handle": handle, "id": id})
}

// handleOf extracts the handle from a profile URL with the site's pattern.
func (s *Source) handleOf(u string) (string, bool) {
	pu, err := url.Parse(u)
	if err != nil {
		return "", false
	}
	m := s.site.Profile.HandlePattern.re.FindStringSubmatch(pu.EscapedPath())
	if m == nil {
		return "", false
	}
	h, err := url.PathUnescape(m[1])
	return h, err == nil && h != ""
}

// StateError says a profile could not be read because of its account's
// state (it went private, was suspended or deleted since discovery).
type StateError struct {
	Handle string
	State  crawler.State
}

func (e *StateError) Error() string { return fmt.Sprintf("profile %s: %s", e.Handle, e.State) }

// AccountState makes StateError a crawler.AccountError.
func (e *StateError) AccountState() crawler.State { return e.State }

var _ crawler.AccountError = (*StateError)(nil)

// errorsAs is errors.As for a target type, for brevity at call sites.
func errorsAs[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}
