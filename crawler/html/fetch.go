package html

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/psd-tools/exposure/crawler"
)

// page is one fetched page, filled in by the collector's callbacks.
type page struct {
	url      *url.URL // after redirects
	status   int
	header   http.Header
	body     []byte
	doc      *goquery.Selection // the <html> element; nil when not HTML
	at       time.Time
	tooLarge bool
	req      *colly.Request // to follow links from this page (depth+1)
}

// capture is the page as evidence.
func (p *page) capture() *crawler.Capture {
	return &crawler.Capture{
		URL:         p.url.String(),
		Status:      p.status,
		ContentType: p.header.Get("Content-Type"),
		Header:      evidenceHeaders(p.header),
		Body:        p.body,
		FetchedAt:   p.at,
	}
}

// evidenceHeaders keeps the response headers worth keeping with a capture;
// never cookies.
func evidenceHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"Content-Type", "Content-Length", "Date", "Last-Modified", "Etag", "Server"} {
		if v := h.Get(k); v != "" {
			out[k] = v
		}
	}
	return out
}

const pageKey = "exposure.page"

// collector returns a clone of the base collector for one call: its
// requests carry ctx (colly's StdlibContext), so cancelling ctx aborts
// them. trackVisits turns on colly's visited-URL check over the store.
func (s *Source) collector(ctx context.Context, trackVisits bool) *colly.Collector {
	c := s.coll.Clone()
	c.Context = ctx
	c.AllowURLRevisit = !trackVisits
	c.OnResponseHeaders(func(r *colly.Response) {
		p := r.Ctx.GetAny(pageKey).(*page)
		if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil && n > int64(s.cfg.MaxBodyBytes) {
			p.tooLarge = true
			r.Request.Abort() // not read: colly closes the body unread
		}
	})
	c.OnResponse(func(r *colly.Response) {
		p := r.Ctx.GetAny(pageKey).(*page)
		p.url, p.status, p.header, p.req = r.Request.URL, r.StatusCode, *r.Headers, r.Request
		p.at = s.now().UTC()
		if len(r.Body) > s.cfg.MaxBodyBytes {
			p.tooLarge = true
			r.Body = nil // not parsed either
			return
		}
		p.body = r.Body
	})
	c.OnHTML("html", func(e *colly.HTMLElement) {
		p := e.Response.Ctx.GetAny(pageKey).(*page)
		if !p.tooLarge && e.Index == 0 {
			p.doc = e.DOM
		}
	})
	return c
}

// fetchError is a failed fetch: the URL, the attempts made, and why.
type fetchError struct {
	URL       string
	Attempts  int
	Status    int
	Transient bool
	Err       error
}

func (e *fetchError) Error() string {
	s := "GET " + e.URL
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

func (e *fetchError) Unwrap() error { return e.Err }

// reason is the short reason recorded with an unknown check.
func reason(err error) string {
	if fe, ok := errorsAs[*fetchError](err); ok {
		switch {
		case fe.Status != 0 && fe.Err == nil:
			return fmt.Sprintf("HTTP %d", fe.Status)
		case fe.Status != 0:
			return fmt.Sprintf("HTTP %d: %v", fe.Status, fe.Err)
		}
		return shortErr(fe.Err)
	}
	return shortErr(err)
}

func shortErr(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return "blocked by robots.txt"
	case errors.Is(err, ErrRobotsUnavailable):
		return "robots.txt unavailable"
	case errors.Is(err, colly.ErrForbiddenDomain), errors.Is(err, ErrForbiddenHost):
		return "host not allowed by the site rules"
	case errors.Is(err, ErrPrivateAddress):
		return "private address refused"
	case errors.Is(err, ErrTooManyRedirects):
		return "too many redirects"
	case errors.Is(err, ErrTooLarge):
		return "page over the size cap"
	case errors.Is(err, ErrNotHTML):
		return "not an HTML page"
	case errors.Is(err, ErrMalformed):
		return "malformed or incomplete page"
	case errors.Is(err, colly.ErrMaxDepth):
		return "max depth reached"
	case errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected EOF"):
		return "body cut short"
	case isReset(err):
		return "connection reset"
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || strings.Contains(err.Error(), "EOF") ||
		strings.Contains(err.Error(), "connection reset")
}

// retryable reports whether a failed attempt may succeed if repeated.
func retryable(status int, err error) bool {
	if err == nil {
		return status == http.StatusTooManyRequests || status >= 500
	}
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, ErrRobotsUnavailable):
		return true
	case errors.Is(err, colly.ErrRobotsTxtBlocked), errors.Is(err, colly.ErrForbiddenDomain),
		errors.Is(err, ErrForbiddenHost), errors.Is(err, ErrPrivateAddress),
		errors.Is(err, ErrTooManyRedirects), errors.Is(err, ErrTooLarge),
		errors.Is(err, colly.ErrMaxDepth), errors.Is(err, colly.ErrAbortedAfterHeaders):
		return false
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err), isReset(err):
		return true
	}
	var ae *colly.AlreadyVisitedError
	if errors.As(err, &ae) {
		return false
	}
	var ue *url.Error
	return errors.As(err, &ue) // other transport errors: try again
}

// get fetches rawURL, retrying transient failures with backoff. from, when
// set, is the page the link was found on (colly counts depth from it). A
// page that arrives is returned whatever its status (404 pages carry
// markers); 429 and 5xx are retried and, when retries run out, returned
// as a transient *fetchError.
//
// Colly has no retries, and its Request.Retry called from OnError
// re-enters the collector recursively while the outer call still returns
// the first error, so the loop lives here, around the request, with a
// context-aware wait. The attempt number travels in the colly.Context.
func (s *Source) get(ctx context.Context, c *colly.Collector, from *colly.Request, rawURL string) (*page, error) {
	var last *fetchError
	for attempt := 1; ; attempt++ {
		p := &page{}
		var err error
		if from == nil {
			cctx := colly.NewContext()
			cctx.Put(pageKey, p)
			cctx.Put("attempt", attempt)
			err = c.Request(http.MethodGet, rawURL, nil, cctx, nil)
		} else {
			// Request.Visit follows the link at from.Depth+1 with from's
			// colly.Context, which the caller is done with.
			from.Ctx.Put(pageKey, p)
			from.Ctx.Put("attempt", attempt)
			err = from.Visit(rawURL)
		}
		if err == nil && p.tooLarge {
			err = ErrTooLarge
		}
		if errors.Is(err, colly.ErrAbortedAfterHeaders) && p.tooLarge {
			err = ErrTooLarge
		}
		if ctx.Err() != nil {
			s.visits.forget(rawURL)
			return nil, ctx.Err()
		}
		if err == nil && p.status != http.StatusTooManyRequests && p.status < 500 {
			if p.status == 0 {
				// No response callback ran: colly skipped the request.
				s.visits.forget(rawURL)
				return nil, &fetchError{URL: rawURL, Attempts: attempt, Err: errors.New("no response")}
			}
			return p, nil
		}
		s.visits.forget(rawURL)
		var ave *colly.AlreadyVisitedError
		if errors.As(err, &ave) {
			return nil, err
		}
		last = &fetchError{URL: rawURL, Attempts: attempt, Status: p.status, Err: err, Transient: retryable(p.status, err)}
		if !last.Transient || attempt > s.cfg.Retries {
			return nil, last
		}
		wait := s.cfg.Backoff << (attempt - 1)
		if p.status == http.StatusTooManyRequests || p.status == http.StatusServiceUnavailable {
			if ra, ok := retryAfter(p.header, s.now()); ok {
				if ra > s.cfg.MaxWait {
					last.Err = fmt.Errorf("Retry-After %v is over max_wait: %w", ra.Round(time.Second), crawler.ErrRateLimited)
					return nil, last
				}
				wait = ra
			}
			if p.status == http.StatusTooManyRequests {
				s.obs.Waiting(s.site.Name, endpoint(rawURL), s.now().Add(wait))
			}
		}
		wait = min(wait, s.cfg.MaxWait)
		s.obs.Retrying(s.site.Name, "GET "+endpoint(rawURL), attempt, last)
		s.log.Debug().Str("url", rawURL).Int("attempt", attempt).Int("status", p.status).Dur("wait", wait).AnErr("error", err).Msg("retrying")
		if err := crawler.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// endpoint names a URL's kind for progress output without the handle:
// the path's shape, not its values.
func endpoint(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "page"
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) > 0 && segs[0] == "search" {
		return u.Path
	}
	for i := range segs {
		if i%2 == 0 && segs[i] != "" {
			segs[i] = "*"
		}
	}
	return "/" + strings.Join(segs, "/")
}

// retryAfter reads Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// html checks that p is an HTML page with a document.
func (p *page) html() error {
	mt, _, _ := mime.ParseMediaType(p.header.Get("Content-Type"))
	if (mt != "text/html" && mt != "application/xhtml+xml") || p.doc == nil {
		return fmt.Errorf("content type %q: %w", p.header.Get("Content-Type"), ErrNotHTML)
	}
	return nil
}

// transient wraps err for the pipeline: anything that is not a refusal by
// our own rules is worth trying again on the next run.
func transient(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &crawler.TransientError{Op: op, Err: err}
}
