package html

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/psd-tools/exposure/crawler"
)

// cursor is the newest post seen on a profile: "RFC3339 time|post id".
type cursor struct {
	t  time.Time
	id string
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	ts, id, ok := strings.Cut(s, "|")
	if !ok || id == "" {
		return cursor{}, fmt.Errorf("cursor %q: want TIME|ID", s)
	}
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return cursor{}, fmt.Errorf("cursor %q: %w", s, err)
	}
	return cursor{t: t.UTC(), id: id}, nil
}

func (c cursor) String() string {
	if c.id == "" {
		return ""
	}
	return c.t.UTC().Format(time.RFC3339) + "|" + c.id
}

// olderThan reports whether the post (t, id) is newer than the cursor,
// by time and then by id.
func (c cursor) olderThan(t time.Time, id string) bool {
	if c.id == "" {
		return true
	}
	if !t.Equal(c.t) {
		return t.After(c.t)
	}
	return id > c.id
}

// rawFresh is how long a profile page captured by Discover stands in for
// fetching it again in Posts.
const rawFresh = 30 * time.Minute

// Posts reads the profile's pages, newest first, yielding every post newer
// than the cursor since (or than the horizon when since is empty) and
// returns the new cursor: the newest post seen. Paging stops at the first
// page whose oldest post is at or before that point (a pinned old post at
// the top does not stop it), at the last page, or at max_pages_per_profile
// or max_depth. The first page comes from the profile's capture when
// Discover made it moments ago. On any failure it returns since unchanged
// with the error, so the pipeline re-reads the profile next time; posts
// that a page lists but the rules cannot read make the call fail the same
// way after the readable ones were yielded.
func (s *Source) Posts(ctx context.Context, p crawler.Profile, since string, yield func(crawler.Post) error) (string, error) {
	cur, err := parseCursor(since)
	if err != nil {
		return since, fmt.Errorf("posts of %s: %w", p.Handle, err)
	}
	horizon := s.now().Add(-s.cfg.Horizon)
	if !s.cfg.NotBefore.IsZero() {
		horizon = s.cfg.NotBefore
	}
	// A post is new when it is inside the horizon and not older than the
	// cursor. One posted in the same second as the cursor's post but with
	// another id is new too: yielding a post twice is harmless, missing
	// one is not.
	isNew := func(it item) bool {
		switch {
		case it.Created.Before(horizon):
			return false
		case cur.id == "":
			return true
		case it.ID == cur.id:
			return false
		}
		return !it.Created.Before(cur.t)
	}
	op := "posts of " + p.Handle
	u := p.URL
	if u == "" {
		u = s.profileURL(p.Handle)
	}
	c := s.collector(ctx, false)
	newest := cur
	var from *colly.Request
	var unreadable error
	walked := map[string]bool{}
	limit := min(s.cfg.MaxPagesPerProfile, s.cfg.MaxDepth)
	for n := 1; u != "" && n <= limit; n++ {
		if walked[u] {
			break
		}
		walked[u] = true
		var pg *page
		if n == 1 {
			pg = s.fromCapture(p.Raw, u)
		}
		if pg == nil {
			if pg, err = s.get(ctx, c, from, u); err != nil {
				return since, transient(op, err)
			}
		}
		if err := pg.html(); err != nil {
			return since, transient(op, &fetchError{URL: u, Status: pg.status, Err: err})
		}
		switch k := s.site.classify(pg.status, pg.doc); k {
		case pageOK:
		case pageLoginWall:
			return since, &StateError{Handle: p.Handle, State: crawler.StateAccountProtected}
		case pageSuspended:
			return since, &StateError{Handle: p.Handle, State: crawler.StateAccountSuspended}
		case pageGone, pageNotFound:
			return since, &StateError{Handle: p.Handle, State: crawler.StateAccountGone}
		default:
			return since, transient(op, &fetchError{URL: u, Status: pg.status, Err: fmt.Errorf("%v: %w", k, ErrMalformed)})
		}
		if n == 1 {
			if _, ok := s.site.readProfile(pg.doc, pg.url); !ok {
				return since, transient(op, &fetchError{URL: u, Status: pg.status, Err: fmt.Errorf("no display name: %w", ErrMalformed)})
			}
		}
		items, bad, why := s.site.readPosts(pg.doc, pg.url)
		if bad > 0 && unreadable == nil {
			unreadable = fmt.Errorf("%s: %d post(s) the rules cannot read (%v): %w", endpoint(u), bad, why, ErrMalformed)
		}
		raw := pg.capture()
		reached := len(items) == 0
		for i, it := range items {
			if !isNew(it) {
				reached = reached || i == len(items)-1
				continue
			}
			post := crawler.Post{Platform: s.site.Name, ID: it.ID, ProfileID: p.ID, Text: it.Text,
				URL: it.Permalink, Created: it.Created, Raw: raw}
			if it.HasShared {
				post.Repost, post.RepostText = true, it.Shared
			}
			if err := yield(post); err != nil {
				return since, err
			}
			if newest.olderThan(it.Created, it.ID) {
				newest = cursor{t: it.Created, id: it.ID}
			}
		}
		if reached {
			break
		}
		next, _ := s.site.Profile.Next.link(pg.doc, pg.url)
		u, from = next, pg.req
	}
	if unreadable != nil {
		return since, transient(op, unreadable)
	}
	return newest.String(), nil
}

// fromCapture turns a fresh capture of the page at u, made by Discover,
// into a page, so that Posts does not fetch it twice in one sweep.
func (s *Source) fromCapture(c *crawler.Capture, u string) *page {
	if c == nil || c.URL != u || c.Status != 200 || s.now().Sub(c.FetchedAt) > rawFresh || s.now().Before(c.FetchedAt) {
		return nil
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(c.Body))
	if err != nil {
		return nil
	}
	pu, err := url.Parse(c.URL)
	if err != nil {
		return nil
	}
	h := map[string][]string{}
	for k, v := range c.Header {
		h[k] = []string{v}
	}
	return &page{url: pu, status: c.Status, header: h, body: c.Body, at: c.FetchedAt,
		doc: doc.Find("html")}
}

// errState reports whether err is a StateError.
func errState(err error) (*StateError, bool) {
	var se *StateError
	return se, errors.As(err, &se)
}
