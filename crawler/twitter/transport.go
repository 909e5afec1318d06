package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dghubble/go-twitter/twitter"
)

// exchange is one HTTP exchange as the source saw it, kept for the verdict
// and as evidence. go-twitter (through sling) drains and closes the body
// itself, so the transport buffers it here first.
type exchange struct {
	url    string
	status int
	header http.Header
	ctype  string
	body   []byte
	at     time.Time
	err    error // transport, timeout or read failure
}

// errBodyTooLarge reports a body over Config.MaxBodyBytes.
var errBodyTooLarge = errors.New("response body over the size cap")

// authKind is the auth context a request runs under.
type authKind int

const (
	appAuth  authKind = iota // app-only bearer token
	userAuth                 // OAuth 1.0a user context
)

func (a authKind) String() string {
	if a == userAuth {
		return "user"
	}
	return "app"
}

// callTransport carries one call: it binds the caller's context with the
// per-request timeout (go-twitter takes no context), redirects the request
// from api.twitter.com to the configured base URL, signs it there (OAuth
// 1.0a signs the URL actually sent), buffers and caps the body, and records
// the exchange.
type callTransport struct {
	s    *Source
	ctx  context.Context
	auth authKind
	ex   *exchange
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(t.ctx, t.s.cfg.RequestTimeout)
	defer cancel()
	r := req.Clone(ctx)
	t.s.rewrite(r.URL)
	r.Host = ""
	r.Header.Set("User-Agent", t.s.cfg.UserAgent)
	r.Header.Set("Accept", "application/json")
	rt, err := t.s.authTransport(ctx, t.auth)
	if err != nil {
		t.ex.err = err
		return nil, err
	}
	t.ex.url = r.URL.String()
	resp, err := rt.RoundTrip(r)
	t.ex.at = t.s.clock.Now()
	if err != nil {
		t.ex.err = err
		return nil, err
	}
	t.ex.status, t.ex.header, t.ex.ctype = resp.StatusCode, resp.Header, resp.Header.Get("Content-Type")
	body, err := readCapped(resp.Body, resp.ContentLength, t.s.cfg.MaxBodyBytes)
	resp.Body.Close()
	if err != nil {
		t.ex.err = err
		return nil, err
	}
	t.ex.body = body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// rewrite points a go-twitter URL at the base URL, keeping its path under
// the base's own path prefix.
func (s *Source) rewrite(u *url.URL) {
	u.Scheme, u.Host = s.base.Scheme, s.base.Host
	if p := strings.TrimRight(s.base.Path, "/"); p != "" {
		u.Path = p + u.Path
		u.RawPath = ""
	}
}

// readCapped reads a body of at most limit bytes, in one allocation when
// the length is declared.
func readCapped(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared > limit {
		return nil, fmt.Errorf("%w (%d bytes declared, cap %d)", errBodyTooLarge, declared, limit)
	}
	var buf bytes.Buffer
	if declared > 0 {
		buf.Grow(int(declared) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w (%d bytes)", errBodyTooLarge, limit)
	}
	return b, nil
}

// client returns a go-twitter client whose requests run through a fresh
// callTransport recording into ex. go-twitter clients are cheap; one per
// call is how the context and the captured exchange reach the transport.
func (s *Source) client(ctx context.Context, auth authKind, ex *exchange) *twitter.Client {
	return twitter.NewClient(&http.Client{
		Transport: &callTransport{s: s, ctx: ctx, auth: auth, ex: ex},
		// The API does not redirect; following one could carry the
		// credentials elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	})
}

// bearerTransport adds the app-only token.
type bearerTransport struct {
	token string
	base  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("Authorization", "Bearer "+b.token) // r is our own clone
	return b.base.RoundTrip(r)
}

// authTransport returns the signing transport for an auth kind, minting a
// bearer token first if only the consumer pair was given.
func (s *Source) authTransport(ctx context.Context, auth authKind) (http.RoundTripper, error) {
	if auth == userAuth {
		return s.oauth, nil
	}
	tok, err := s.bearerToken(ctx)
	if err != nil {
		return nil, err
	}
	return bearerTransport{token: tok, base: s.inner}, nil
}

// bearerToken returns the configured app-only token or mints one with the
// consumer key and secret (POST /oauth2/token, client_credentials).
func (s *Source) bearerToken(ctx context.Context) (string, error) {
	s.bearerMu.Lock()
	defer s.bearerMu.Unlock()
	if s.bearer != "" {
		return s.bearer, nil
	}
	u := *s.base
	u.Path = strings.TrimRight(u.Path, "/") + "/oauth2/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	req.SetBasicAuth(url.QueryEscape(s.creds.ConsumerKey), url.QueryEscape(s.creds.ConsumerSecret))
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	resp, err := s.inner.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return "", &transientErr{fmt.Errorf("mint bearer token: %w", err)}
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, resp.ContentLength, 64<<10)
	if err != nil {
		return "", &transientErr{fmt.Errorf("mint bearer token: %w", err)}
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return "", &transientErr{fmt.Errorf("mint bearer token: HTTP %d", resp.StatusCode)}
	}
	var tok struct {
		TokenType   string `json:"token_type"`
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || !strings.EqualFold(tok.TokenType, "bearer") || tok.AccessToken == "" {
		return "", fmt.Errorf("mint bearer token: HTTP %d: %w", resp.StatusCode, ErrAuth)
	}
	s.bearer = tok.AccessToken
	return s.bearer, nil
}

// transientErr marks a failure of the auth step that is worth retrying.
type transientErr struct{ err error }

func (e *transientErr) Error() string { return e.err.Error() }
func (e *transientErr) Unwrap() error { return e.err }
