package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/dghubble/oauth1"
	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/store"
)

// platform is the name recorded with every profile and post.
const platform = "twitter"

var _ crawler.Source = (*Source)(nil)

// Clock is the source's time: Now for budgets, horizons and capture times,
// Sleep for rate-limit waits and retry backoff. Tests share a fake clock
// with the fake API so that waiting out a window takes no real time.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends, returning ctx's error then.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) Sleep(ctx context.Context, d time.Duration) error { return crawler.Sleep(ctx, d) }

// Deps are what a Source needs from its surroundings. Every field is
// optional.
type Deps struct {
	// Transport carries the HTTP requests (default: a clone of
	// http.DefaultTransport). Tests pass the fake's.
	Transport http.RoundTripper
	// KV persists rate-limit budgets and follower-graph cursors, so that a
	// sweep interrupted by a limit resumes where it stopped (nil: memory
	// only). Use db.KV("twitter").
	KV *store.KV
	// Observer is told about rate-limit waits and retries (default: none).
	Observer crawler.Observer
	// Log receives structured events; never credentials, and post text
	// never (default: disabled).
	Log zerolog.Logger
	// Clock (default SystemClock).
	Clock Clock
	// Credentials (default: CredentialsFromEnv(os.Getenv)).
	Credentials *Credentials
}

// Source reads Twitter through go-twitter. It is safe for concurrent use;
// each call carries its own state.
type Source struct {
	cfg    Config
	base   *url.URL
	creds  Credentials
	inner  http.RoundTripper
	oauth  http.RoundTripper // nil without user credentials
	limits *limiter
	kv     *store.KV
	obs    crawler.Observer
	log    zerolog.Logger
	clock  Clock

	bearerMu sync.Mutex
	bearer   string
}

// New validates cfg, fills its defaults and returns a Source. It fails if
// the credentials cannot serve the configuration (no credentials at all,
// or users/search enabled without OAuth 1.0a user context).
func New(cfg Config, deps Deps) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.fill()
	base, _ := url.Parse(cfg.BaseURL) // validated
	s := &Source{cfg: cfg, base: base, kv: deps.KV, obs: deps.Observer, log: deps.Log, clock: deps.Clock, inner: deps.Transport}
	if s.obs == nil {
		s.obs = crawler.NopObserver{}
	}
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.inner == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 8
		s.inner = t
	}
	if deps.Credentials != nil {
		s.creds = *deps.Credentials
	} else {
		c, err := CredentialsFromEnv(os.Getenv)
		if err != nil {
			return nil, err
		}
		s.creds = c
	}
	switch {
	case !s.creds.App() && !s.creds.User():
		return nil, fmt.Errorf("no Twitter credentials: set %s, or %s and %s (and %s and %s for users/search)",
			EnvBearerToken, EnvConsumerKey, EnvConsumerSecret, EnvAccessToken, EnvAccessSecret)
	case cfg.Discover.UserSearch.Enabled && !s.creds.User():
		return nil, &ConfigError{Field: "discover.user_search.enabled", Value: "true",
			Problem: fmt.Sprintf("needs OAuth 1.0a user context: set %s, %s, %s and %s", EnvConsumerKey, EnvConsumerSecret, EnvAccessToken, EnvAccessSecret)}
	}
	s.bearer = s.creds.BearerToken
	if s.creds.User() {
		// The oauth1 transport signs the request it is given: ours, already
		// redirected to the base URL, so the signature covers the host the
		// server sees.
		ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: s.inner})
		s.oauth = oauth1.NewConfig(s.creds.ConsumerKey, s.creds.ConsumerSecret).
			Client(ctx, oauth1.NewToken(s.creds.AccessToken, s.creds.AccessSecret)).Transport
	}
	l, err := newLimiter(deps.KV, s.clock, s.obs, s.log, cfg.RateLimit.MaxWait)
	if err != nil {
		return nil, err
	}
	s.limits = l
	s.log.Debug().Object("credentials", s.creds).Str("base_url", cfg.BaseURL).Msg("twitter source ready")
	return s, nil
}

// Name is "twitter".
func (s *Source) Name() string { return platform }

// Config returns the configuration in use, defaults filled in.
func (s *Source) Config() Config { return s.cfg }

// authFor picks the auth context for an endpoint: users/search needs the
// user's; everything else prefers app-only, whose windows are separate.
func (s *Source) authFor(ep string) authKind {
	if ep == "users/search" || !s.creds.App() {
		return userAuth
	}
	return appAuth
}

// fatal reports errors that must stop a whole operation rather than one
// item: the context ending, or credentials refused.
func fatal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, ErrAuth)
}
