package html

import (
	"context"
	"fmt"
	"sync"

	"github.com/gocolly/colly/v2"

	"github.com/psd-tools/exposure/crawler"
)

// Lookup fetches each post's permalink (up to parallelism at a time) and
// says what it shows:
//
//	200 with the post                  visible, with its current text
//	login wall                         account_protected
//	suspended page                     account_suspended
//	404/410, removed or gone marker    removed if the profile page still
//	                                   shows the account; account_gone if
//	                                   it is gone; the profile's own state
//	                                   if protected or suspended
//	429, 5xx, timeout, reset, refused
//	redirect, oversize, not HTML,
//	malformed, unknown layout          unknown (never removed)
//
// The post page is kept as the check's Raw capture. The error is ctx's
// when it ended; refs not checked by then are unknown.
func (s *Source) Lookup(ctx context.Context, refs []crawler.PostRef) ([]crawler.Check, error) {
	out := make([]crawler.Check, len(refs))
	c := s.collector(ctx, false)
	profiles := &profileStates{m: map[string]*profileState{}}
	sem := make(chan struct{}, s.cfg.Parallelism)
	var wg sync.WaitGroup
	for i, ref := range refs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			out[i] = s.unknown(ref, "cancelled")
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = s.check(ctx, c, ref, profiles)
		}()
	}
	wg.Wait()
	return out, ctx.Err()
}

func (s *Source) unknown(ref crawler.PostRef, why string) crawler.Check {
	return crawler.Check{Ref: ref, State: crawler.StateUnknown, Reason: why, At: s.now().UTC()}
}

func (s *Source) check(ctx context.Context, c *colly.Collector, ref crawler.PostRef, profiles *profileStates) crawler.Check {
	if ref.Platform != "" && ref.Platform != s.site.Name {
		return s.unknown(ref, fmt.Sprintf("post of platform %q asked of %q", ref.Platform, s.site.Name))
	}
	u := ref.URL
	if u == "" {
		if ref.Handle == "" || ref.ID == "" {
			return s.unknown(ref, "no permalink and no handle and id to build one")
		}
		u = s.permalinkURL(ref.Handle, ref.ID)
	}
	pg, err := s.get(ctx, c, nil, u)
	if err != nil {
		return s.unknown(ref, reason(err))
	}
	res := crawler.Check{Ref: ref, State: crawler.StateUnknown, At: pg.at, Raw: pg.capture()}
	if err := pg.html(); err != nil {
		res.Reason = fmt.Sprintf("HTTP %d: %s", pg.status, shortErr(err))
		return res
	}
	switch k := s.site.classify(pg.status, pg.doc); k {
	case pageLoginWall:
		res.State, res.Reason = crawler.StateAccountProtected, fmt.Sprintf("HTTP %d login wall", pg.status)
	case pageSuspended:
		res.State, res.Reason = crawler.StateAccountSuspended, fmt.Sprintf("HTTP %d suspended page", pg.status)
	case pageRemoved, pageNotFound, pageGone:
		// The post page alone cannot tell a deleted post from a deleted
		// account: ask the profile.
		handle := ref.Handle
		if handle == "" {
			res.Reason = fmt.Sprintf("HTTP %d %v; no handle to check the profile", pg.status, k)
			return res
		}
		st, why := profiles.get(handle, func() (crawler.State, string) { return s.profileState(ctx, c, handle) })
		switch st {
		case crawler.StateVisible:
			res.State, res.Reason = crawler.StateRemoved, fmt.Sprintf("HTTP %d %v; profile still there", pg.status, k)
		case crawler.StateUnknown:
			res.Reason = fmt.Sprintf("HTTP %d %v; profile check failed: %s", pg.status, k, why)
		default:
			res.State, res.Reason = st, fmt.Sprintf("HTTP %d %v; profile: %s", pg.status, k, why)
		}
	case pageOK:
		items, _, why := s.site.readPosts(pg.doc, pg.url)
		for _, it := range items {
			if it.ID == ref.ID {
				res.State, res.Text, res.Reason = crawler.StateVisible, it.Text, fmt.Sprintf("HTTP %d", pg.status)
				return res
			}
		}
		res.Reason = fmt.Sprintf("HTTP %d page without post %s", pg.status, ref.ID)
		if why != nil {
			res.Reason += fmt.Sprintf(" (%v)", why)
		}
	default:
		res.Reason = fmt.Sprintf("HTTP %d %v", pg.status, k)
	}
	return res
}

// profileState says what a profile page shows: StateVisible for a
// readable profile, an account state, or StateUnknown with the reason.
func (s *Source) profileState(ctx context.Context, c *colly.Collector, handle string) (crawler.State, string) {
	pg, err := s.get(ctx, c, nil, s.profileURL(handle))
	if err != nil {
		return crawler.StateUnknown, reason(err)
	}
	if err := pg.html(); err != nil {
		return crawler.StateUnknown, fmt.Sprintf("HTTP %d: %s", pg.status, shortErr(err))
	}
	switch k := s.site.classify(pg.status, pg.doc); k {
	case pageOK:
		if _, ok := s.site.readProfile(pg.doc, pg.url); ok {
			return crawler.StateVisible, "profile page"
		}
		return crawler.StateUnknown, "profile page without a display name"
	case pageLoginWall:
		return crawler.StateAccountProtected, "login wall"
	case pageSuspended:
		return crawler.StateAccountSuspended, "suspended page"
	case pageGone, pageNotFound, pageRemoved:
		return crawler.StateAccountGone, fmt.Sprintf("HTTP %d %v", pg.status, k)
	default:
		return crawler.StateUnknown, fmt.Sprintf("HTTP %d %v", pg.status, k)
	}
}

// profileStates checks each handle once per Lookup.
type profileStates struct {
	mu sync.Mutex
	m  map[string]*profileState
}

type profileState struct {
	once sync.Once
	st   crawler.State
	why  string
}

func (p *profileStates) get(handle string, fn func() (crawler.State, string)) (crawler.State, string) {
	p.mu.Lock()
	e := p.m[handle]
	if e == nil {
		e = &profileState{}
		p.m[handle] = e
	}
	p.mu.Unlock()
	e.once.Do(func() { e.st, e.why = fn() })
	return e.st, e.why
}
