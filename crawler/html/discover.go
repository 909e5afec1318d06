package html

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gocolly/colly/v2"

	"github.com/psd-tools/exposure/crawler"
)

// yieldError carries the pipeline's own error out of a crawl unchanged.
type yieldError struct{ err error }

func (e *yieldError) Error() string { return e.err.Error() }
func (e *yieldError) Unwrap() error { return e.err }

// Discover runs each configured people search, follows its result pages,
// reads each result's profile page and yields the profile (protected ones
// with what the search result showed; suspended and deleted ones not at
// all). Pages finished in an interrupted run of the same crawl are walked
// through from the store, not fetched again; a discovery that finishes
// with no failure forgets the crawl. Failures do not stop it: it carries
// on with the next result or query and returns them all at the end as one
// transient error.
func (s *Source) Discover(ctx context.Context, yield func(crawler.Profile) error) error {
	c := s.collector(ctx, true)
	seen := map[string]bool{}
	var errs []error
	for _, q := range s.cfg.Queries {
		err := s.search(ctx, c, q, seen, yield)
		if ye, ok := errorsAs[*yieldError](err); ok {
			return ye.err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return transient("discover on "+s.site.Name, errors.Join(errs...))
	}
	if err := s.visits.finish(); err != nil {
		return fmt.Errorf("discover on %s: forget finished crawl: %w", s.site.Name, err)
	}
	return nil
}

// search walks one query's result pages.
func (s *Source) search(ctx context.Context, c *colly.Collector, q string, seen map[string]bool, yield func(crawler.Profile) error) error {
	u := expand(s.site.Search.URL, s.base.String(), map[string]string{"query": q})
	var from *colly.Request
	var errs []error
	walked := map[string]bool{}
	for depth := 1; u != "" && depth <= s.cfg.MaxDepth; depth++ {
		if walked[u] {
			break // a next link pointing back: the chain loops
		}
		walked[u] = true
		if next, ok, err := s.visits.done(u); err != nil {
			return fmt.Errorf("search %q: %w", q, err)
		} else if ok {
			s.log.Debug().Str("url", u).Msg("search page finished in an earlier run")
			u, from = next, nil
			continue
		}
		p, err := s.get(ctx, c, from, u)
		if err != nil {
			if _, ok := errorsAs[*colly.AlreadyVisitedError](err); ok {
				break
			}
			return errors.Join(append(errs, fmt.Errorf("search %q page %d: %w", q, depth, err))...)
		}
		if err := s.okPage(p); err != nil {
			s.visits.forget(u)
			return errors.Join(append(errs, fmt.Errorf("search %q page %d: %w", q, depth, err))...)
		}
		// Profiles of one result page are fetched in parallel (bounded by
		// the domain's limit rule) and handed over in page order.
		type result struct {
			link string
			prof *crawler.Profile
			err  error
		}
		var results []*result
		sem := make(chan struct{}, s.cfg.Parallelism)
		var wg sync.WaitGroup
		for _, res := range p.doc.FindMatcher(s.site.Search.Result.sel).EachIter() {
			link, ok := s.site.Search.Link.link(res, p.url)
			handle, hok := s.handleOf(link)
			if !ok || !hok {
				continue // an ad or a page that is not a profile
			}
			name, _ := s.site.Search.Name.value(res)
			id, _ := s.site.Search.ID.value(res)
			r := &result{link: link}
			results = append(results, r)
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				r.prof, r.err = s.discoverProfile(ctx, c, link, handle, name, id, q)
			}()
		}
		wg.Wait()
		failed := false
		for _, r := range results {
			if _, ok := errorsAs[*colly.AlreadyVisitedError](r.err); ok {
				continue // yielded in an earlier run of this crawl
			}
			if r.err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed = true
				errs = append(errs, r.err)
				continue
			}
			if r.prof != nil && !seen[r.prof.ID] {
				seen[r.prof.ID] = true
				if err := yield(*r.prof); err != nil {
					for _, later := range results {
						s.visits.forget(later.link)
					}
					return &yieldError{err}
				}
			}
			if err := s.visits.confirm(r.link, ""); err != nil {
				return fmt.Errorf("search %q: %w", q, err)
			}
		}
		next, _ := s.site.Search.Next.link(p.doc, p.url)
		if failed {
			// Fetched again on resume, for the profiles that failed.
			s.visits.forget(u)
		} else if err := s.visits.confirm(u, next); err != nil {
			return fmt.Errorf("search %q: %w", q, err)
		}
		u, from = next, p.req
	}
	return errors.Join(errs...)
}

// okPage checks that p is a complete HTML page of the site with status 200.
func (s *Source) okPage(p *page) error {
	if err := p.html(); err != nil {
		return &fetchError{URL: p.url.String(), Status: p.status, Err: err}
	}
	if k := s.site.classify(p.status, p.doc); k != pageOK {
		return &fetchError{URL: p.url.String(), Status: p.status, Err: fmt.Errorf("%v: %w", k, ErrMalformed)}
	}
	return nil
}

// discoverProfile reads a search result's profile page. It returns nil for
// accounts that are suspended or gone.
func (s *Source) discoverProfile(ctx context.Context, c *colly.Collector, link, handle, name, id, q string) (*crawler.Profile, error) {
	p, err := s.get(ctx, c, nil, link)
	if err != nil {
		return nil, err
	}
	prof := &crawler.Profile{Platform: s.site.Name, ID: id, Handle: handle, Name: name, URL: link,
		Via: fmt.Sprintf("site search q=%q", q)}
	if err := p.html(); err != nil {
		s.visits.forget(link)
		return nil, &fetchError{URL: link, Status: p.status, Err: err}
	}
	switch k := s.site.classify(p.status, p.doc); k {
	case pageLoginWall:
		prof.Protected = true
	case pageSuspended, pageGone, pageNotFound:
		s.log.Debug().Str("handle", handle).Stringer("page", k).Msg("search result not readable")
		return nil, nil
	case pageOK:
		info, ok := s.site.readProfile(p.doc, p.url)
		if !ok {
			s.visits.forget(link)
			return nil, &fetchError{URL: link, Status: p.status, Err: fmt.Errorf("no display name (%s): %w", s.site.Profile.Name.Selector.Src, ErrMalformed)}
		}
		if info.ID != "" {
			prof.ID = info.ID
		}
		prof.Name, prof.Bio, prof.Location = info.Name, info.Bio, info.Location
	default:
		s.visits.forget(link)
		return nil, &fetchError{URL: link, Status: p.status, Err: fmt.Errorf("%v: %w", k, ErrMalformed)}
	}
	if prof.ID == "" {
		prof.ID = handle
	}
	prof.URL = p.url.String()
	prof.Raw = p.capture()
	return prof, nil
}
