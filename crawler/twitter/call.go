package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dghubble/go-twitter/twitter"

	"github.com/psd-tools/exposure/crawler"
)

// ErrAuth is wrapped by errors that mean the credentials were refused or do
// not allow an endpoint. Retrying cannot help; the operator must act.
var ErrAuth = errors.New("twitter credentials rejected")

// ResponseError is a definitive answer from the API: a 4xx with its error
// codes (or the protected 401 "Not authorized."). It says something about
// the account or post, unlike a TransientError.
type ResponseError struct {
	Endpoint string
	Status   int
	Codes    []int
	Message  string
	plain    bool // the {"request","error"} shape
}

func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Endpoint, e.Status)
	for _, c := range e.Codes {
		fmt.Fprintf(&b, " code %d", c)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Has reports whether the API gave code.
func (e *ResponseError) Has(code int) bool {
	for _, c := range e.Codes {
		if c == code {
			return true
		}
	}
	return false
}

// NotAuthorized reports the 401 {"error":"Not authorized."} of a protected
// account's timeline or graph.
func (e *ResponseError) NotAuthorized() bool {
	return e.Status == http.StatusUnauthorized && e.plain && len(e.Codes) == 0
}

// reason is the short form kept in a Check.
func (e *ResponseError) reason() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	for _, c := range e.Codes {
		s += fmt.Sprintf(" code %d", c)
	}
	if e.Message != "" {
		s += " " + e.Message
	}
	return s
}

// request is one API call.
type request struct {
	op   string // for errors and the observer: "fetch timeline @PC_Smith"
	ep   string // rate-limit endpoint: "statuses/user_timeline"
	auth authKind
	// do makes the go-twitter call and keeps its decoded result.
	do func(*twitter.Client) (*http.Response, error)
	// check validates a decoded 2xx response beyond what go-twitter
	// checks; an error counts as a malformed body.
	check func(ex *exchange) error
	// once makes one attempt at most: no wait for an exhausted window, no
	// retry, no waiting out a 429 (whose reset is still recorded). For
	// calls whose failure costs little, such as reading rate_limit_status.
	once bool
}

// verdict kinds.
type outcome int

const (
	done    outcome = iota // 2xx, decoded
	final                  // definitive or not worth retrying
	retry                  // transient: try again after a backoff
	limited                // 429: wait until, then try again
)

// call runs r with budgets, bounded retries and rate-limit waits. It
// returns the last exchange and nil, a *ResponseError, an error wrapping
// ErrAuth, the context's error, or a *crawler.TransientError.
func (s *Source) call(ctx context.Context, r request) (*exchange, error) {
	key := r.auth.String() + " " + r.ep
	attempts, waits := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.once {
			if _, until := s.limits.reserve(key); !until.IsZero() {
				return nil, &crawler.TransientError{Op: r.op, Err: fmt.Errorf("%w on %s until %s", crawler.ErrRateLimited, r.ep, until.Format(time.RFC3339))}
			}
		} else if err := s.limits.wait(ctx, key, r.ep); err != nil {
			return nil, err
		}
		ex := &exchange{}
		start := time.Now()
		_, gerr := r.do(s.client(ctx, r.auth, ex))
		if ex.status != 0 {
			s.limits.observe(key, ex.header, ex.at)
		}
		kind, until, err := s.judge(r, ex, gerr)
		s.log.Debug().Str("endpoint", r.ep).Int("status", ex.status).Int("bytes", len(ex.body)).
			Dur("took", time.Since(start)).AnErr("err", err).Msg("twitter request")
		switch kind {
		case done:
			return ex, nil
		case final:
			return ex, err
		case limited:
			if r.once {
				s.limits.block(key, until)
				return ex, err
			}
			waits++
			if waits > s.cfg.Retry.MaxRateLimitWaits {
				return ex, &crawler.TransientError{Op: r.op, Err: fmt.Errorf("%w: %d answers of 429 in a row on %s", crawler.ErrRateLimited, waits, r.ep)}
			}
			s.limits.block(key, until)
		case retry:
			if ctx.Err() != nil {
				return ex, ctx.Err()
			}
			if r.once {
				return ex, &crawler.TransientError{Op: r.op, Err: err}
			}
			attempts++
			if attempts >= s.cfg.Retry.MaxAttempts {
				return ex, &crawler.TransientError{Op: r.op, Err: fmt.Errorf("gave up after %d attempts: %w", attempts, err)}
			}
			s.obs.Retrying(platform, r.op, attempts, err)
			if err := s.clock.Sleep(ctx, s.backoff(attempts)); err != nil {
				return ex, err
			}
		}
	}
}

// backoff is the delay before retry n (1-based): exponential, capped, with
// jitter so that parallel clients spread out.
func (s *Source) backoff(n int) time.Duration {
	d := s.cfg.Retry.BaseDelay << min(n-1, 20)
	if d <= 0 || d > s.cfg.Retry.MaxDelay {
		d = s.cfg.Retry.MaxDelay
	}
	return d/2 + rand.N(d/2+1)
}

// judge decides what an exchange means. go-twitter's own error is not
// enough: it is nil for a bare 429 and for the protected 401, and a
// *json.SyntaxError for an HTML 5xx page, so the status comes first.
func (s *Source) judge(r request, ex *exchange, gerr error) (outcome, time.Time, error) {
	if ex.err != nil {
		switch {
		case errors.Is(ex.err, ErrAuth):
			return final, time.Time{}, fmt.Errorf("%s: %w", r.op, ex.err)
		case errors.Is(ex.err, errBodyTooLarge):
			return final, time.Time{}, &crawler.TransientError{Op: r.op, Err: ex.err}
		}
		return retry, time.Time{}, ex.err
	}
	if ex.status == 0 {
		// go-twitter failed before sending (it cannot encode its request).
		return final, time.Time{}, fmt.Errorf("%s: %w", r.op, gerr)
	}
	st := ex.status
	switch {
	case st == http.StatusTooManyRequests:
		return limited, s.retryAt(ex), &crawler.TransientError{Op: r.op, Err: crawler.ErrRateLimited}
	case st >= 500:
		return retry, time.Time{}, fmt.Errorf("HTTP %d", st)
	case st >= 200 && st < 300:
		if len(bytes.TrimSpace(ex.body)) == 0 {
			// Every API answer has a body; go-twitter would read an empty
			// one as an empty result.
			return retry, time.Time{}, fmt.Errorf("HTTP %d with an empty body", st)
		}
		if !isJSON(ex.ctype) {
			return retry, time.Time{}, fmt.Errorf("HTTP %d with content type %q, not JSON", st, ex.ctype)
		}
		if gerr != nil {
			return retry, time.Time{}, fmt.Errorf("malformed response: %w", gerr)
		}
		if r.check != nil {
			if err := r.check(ex); err != nil {
				return retry, time.Time{}, fmt.Errorf("malformed response: %w", err)
			}
		}
		return done, time.Time{}, nil
	}
	re := parseError(r.ep, st, ex.body, gerr)
	switch {
	case st == http.StatusUnauthorized && !re.NotAuthorized(),
		st == http.StatusBadRequest && re.Has(215),
		st == http.StatusForbidden && (re.Has(220) || re.Has(87) || re.Has(261)):
		return final, time.Time{}, fmt.Errorf("%s: %s: %w", r.op, re.reason(), ErrAuth)
	case st >= 400 && st < 500 && (len(re.Codes) > 0 || re.NotAuthorized()):
		return final, time.Time{}, re
	}
	// A 3xx, or a 4xx with no API error in it (a proxy's page): it says
	// nothing about the account or post.
	return final, time.Time{}, &crawler.TransientError{Op: r.op, Err: fmt.Errorf("unexpected %s", re.reason())}
}

// parseError reads either error shape the API uses: {"errors":[{code,
// message}]} (which go-twitter decodes into APIError) and {"request",
// "error"} (which it does not).
func parseError(ep string, status int, body []byte, gerr error) *ResponseError {
	re := &ResponseError{Endpoint: ep, Status: status}
	var ae twitter.APIError
	if !errors.As(gerr, &ae) {
		var alt struct {
			Errors []twitter.ErrorDetail `json:"errors"`
			Error  string                `json:"error"`
		}
		if json.Unmarshal(body, &alt) == nil {
			ae.Errors = alt.Errors
			if len(alt.Errors) == 0 && alt.Error != "" {
				re.Message, re.plain = alt.Error, true
			}
		}
	}
	for _, d := range ae.Errors {
		re.Codes = append(re.Codes, d.Code)
		if re.Message == "" {
			re.Message = d.Message
		}
	}
	if len(re.Message) > 200 {
		re.Message = re.Message[:200]
	}
	re.Message = strings.ToValidUTF8(re.Message, "\uFFFD")
	return re
}

// retryAt is when to try again after a 429: Retry-After if given, else the
// window's reset, else the fallback wait; never in the past.
func (s *Source) retryAt(ex *exchange) time.Time {
	at := ex.at
	var until time.Time
	if v := ex.header.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
			until = at.Add(time.Duration(secs) * time.Second)
		} else if t, err := http.ParseTime(v); err == nil {
			until = s.limits.local(t, ex.header, at)
		}
	}
	if until.IsZero() {
		if reset, err := strconv.ParseInt(ex.header.Get("x-rate-limit-reset"), 10, 64); err == nil {
			until = s.limits.local(time.Unix(reset, 0), ex.header, at)
		}
	}
	if until.IsZero() {
		until = at.Add(s.cfg.RateLimit.FallbackWait)
	}
	if until.Sub(at) < time.Second {
		until = at.Add(time.Second) // a reset already past: do not spin
	}
	if until.Sub(at) > s.cfg.RateLimit.MaxWait {
		until = at.Add(s.cfg.RateLimit.MaxWait)
	}
	return until
}

// isJSON reports whether a Content-Type is JSON ("application/json", any
// parameters).
func isJSON(ctype string) bool {
	if strings.HasPrefix(ctype, "application/json") && (len(ctype) == 16 || ctype[16] == ';') {
		return true
	}
	mt, _, _ := mime.ParseMediaType(ctype)
	return mt == "application/json"
}
