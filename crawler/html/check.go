package html

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// SelectorResult is how one rule of the site file fared on the test
// profile.
type SelectorResult struct {
	Rule     string `json:"rule"`     // "profile.name", "profile.post.time", ...
	Selector string `json:"selector"` // as written in the site file
	Required bool   `json:"required"`
	OK       bool   `json:"ok"`
	Detail   string `json:"detail"` // "1 match: Site Check Page", "0 of 2 posts"
}

// CheckReport is the result of checking one site file against its known
// test profile.
type CheckReport struct {
	Site    string           `json:"site"`
	URL     string           `json:"url"`
	Status  int              `json:"status"`
	Error   string           `json:"error,omitempty"` // the page could not be fetched at all
	Results []SelectorResult `json:"results"`
}

// OK reports whether the page was fetched and every required rule held.
func (r *CheckReport) OK() bool {
	if r.Error != "" {
		return false
	}
	for _, res := range r.Results {
		if res.Required && !res.OK {
			return false
		}
	}
	return true
}

// CheckSite fetches the site file's test profile (and, from it, its first
// post's permalink and a search for it) and reports which rules still
// match, so that a layout change is caught before a sweep silently finds
// nothing.
func (s *Source) CheckSite(ctx context.Context) *CheckReport {
	tp := s.site.Test
	u := s.profileURL(tp.Handle)
	rep := &CheckReport{Site: s.site.Name, URL: u}
	add := func(rule, sel string, required, ok bool, format string, args ...any) {
		rep.Results = append(rep.Results, SelectorResult{Rule: rule, Selector: sel, Required: required, OK: ok,
			Detail: fmt.Sprintf(format, args...)})
	}
	c := s.collector(ctx, false)
	pg, err := s.get(ctx, c, nil, u)
	if err != nil {
		rep.Error = reason(err)
		return rep
	}
	rep.Status = pg.status
	if err := pg.html(); err != nil {
		rep.Error = fmt.Sprintf("HTTP %d: %s", pg.status, shortErr(err))
		return rep
	}
	r := s.site.Profile
	kind := s.site.classify(pg.status, pg.doc)
	add("page", fmt.Sprintf("HTTP %d", pg.status), true, pg.status == 200 && kind != pageLoginWall && kind != pageSuspended && kind != pageGone,
		"%v", kind)
	add("profile.complete", r.Complete.Src, true, r.Complete.has(pg.doc), "%s", found(r.Complete.has(pg.doc)))

	field := func(rule string, f Field, required bool, want string) {
		if f.IsZero() {
			return
		}
		v, ok := f.value(pg.doc)
		switch {
		case !ok:
			add(rule, f.Selector.Src, required, false, "no match")
		case want != "" && !strings.Contains(fold(v), fold(want)):
			add(rule, f.Selector.Src, required, false, "found %q, want it to contain %q", short(v), want)
		default:
			add(rule, f.Selector.Src, required, true, "found %q", short(v))
		}
	}
	field("profile.name", r.Name, true, tp.Name)
	field("profile.bio", r.Bio, tp.Bio != "", tp.Bio)
	field("profile.location", r.Location, tp.Location != "", tp.Location)
	field("profile.id", r.ID, false, "")

	items := pg.doc.FindMatcher(r.Post.Item.sel)
	n := items.Length()
	minPosts := max(tp.MinPosts, 1)
	add("profile.post.item", r.Post.Item.Src, true, n >= minPosts, "%d posts (want at least %d)", n, minPosts)
	counts := map[string]int{}
	var firstLink, firstID string
	for _, el := range items.EachIter() {
		if v, ok := r.Post.ID.value(el); ok && v != "" {
			counts["id"]++
			if firstID == "" {
				firstID = v
			}
		}
		if _, ok := r.Post.Text.value(el); ok {
			counts["text"]++
		}
		if l, ok := r.Post.Permalink.link(el, pg.url); ok {
			counts["permalink"]++
			if firstLink == "" {
				firstLink = l
			}
		}
		if v, ok := r.Post.Time.value(el); ok {
			if _, err := parseTime(r.Post.Time.Format, v); err == nil {
				counts["time"]++
			}
		}
		if _, ok := r.Post.Shared.value(el); ok {
			counts["shared"]++
		}
	}
	for _, p := range []struct {
		name string
		f    Field
	}{{"id", r.Post.ID}, {"text", r.Post.Text}, {"permalink", r.Post.Permalink}, {"time", r.Post.Time}} {
		sel := p.f.Selector.Src
		if p.f.Attr != "" {
			sel += " @" + p.f.Attr
		}
		add("profile.post."+p.name, sel, true, n > 0 && counts[p.name] == n, "%d of %d posts", counts[p.name], n)
	}
	if !r.Post.Shared.IsZero() {
		add("profile.post.shared", r.Post.Shared.Selector.Src, false, true, "%d of %d posts are shares", counts["shared"], n)
	}
	if !r.Next.IsZero() {
		next, ok := r.Next.link(pg.doc, pg.url)
		add("profile.next", r.Next.Selector.Src, tp.NextPage, ok, "%s", orNone(next))
	}

	// The first post's own page must show that post.
	if firstLink != "" && firstID != "" {
		pp, err := s.get(ctx, c, nil, firstLink)
		ok, detail := false, ""
		switch {
		case err != nil:
			detail = reason(err)
		case pp.html() != nil:
			detail = fmt.Sprintf("HTTP %d: not HTML", pp.status)
		default:
			k := s.site.classify(pp.status, pp.doc)
			its, _, why := s.site.readPosts(pp.doc, pp.url)
			for _, it := range its {
				ok = ok || it.ID == firstID
			}
			detail = fmt.Sprintf("HTTP %d %v, %d readable posts", pp.status, k, len(its))
			if why != nil {
				detail += fmt.Sprintf(" (%v)", why)
			}
			ok = ok && k == pageOK
		}
		add("permalink", firstLink, true, ok, "%s", detail)
	}

	// A search for the test profile must list it.
	q := tp.Query
	if q == "" {
		q = tp.Name
	}
	if q != "" {
		su := expand(s.site.Search.URL, s.base.String(), map[string]string{"query": q})
		sp, err := s.get(ctx, c, nil, su)
		ok, detail := false, ""
		switch {
		case err != nil:
			detail = reason(err)
		case s.okPage(sp) != nil:
			detail = shortErr(s.okPage(sp))
		default:
			res := sp.doc.FindMatcher(s.site.Search.Result.sel)
			for _, el := range res.EachIter() {
				link, lok := s.site.Search.Link.link(el, sp.url)
				h, hok := s.handleOf(link)
				ok = ok || (lok && hok && strings.EqualFold(h, tp.Handle))
			}
			detail = fmt.Sprintf("%d results for %q", res.Length(), q)
			if !ok {
				detail += ", none links to " + tp.Handle
			}
		}
		add("search", s.site.Search.Result.Src+" / "+s.site.Search.Link.Selector.Src, true, ok, "%s", detail)
	}
	return rep
}

func found(ok bool) string {
	if ok {
		return "found"
	}
	return "no match"
}

func orNone(s string) string {
	if s == "" {
		return "no link"
	}
	return s
}

// short cuts a value for display.
func short(s string) string {
	if len(s) <= 60 {
		return s
	}
	s = s[:60]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
