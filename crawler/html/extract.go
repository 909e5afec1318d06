package html

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// MaxFieldBytes caps any one extracted value (a post's text, a bio): a
// hostile page cannot make one field larger than this.
const MaxFieldBytes = 64 << 10

// value reads f inside sel: the first element matching f.Selector (or sel
// itself when the field has no selector), its text or attribute, narrowed
// by the pattern. ok is false when nothing matched.
func (f Field) value(sel *goquery.Selection) (string, bool) {
	if f.IsZero() || sel == nil || sel.Length() == 0 {
		return "", false
	}
	el := sel.First()
	if f.Selector.sel != nil {
		el = sel.FindMatcher(goquery.SingleMatcher(f.Selector.sel))
		if el.Length() == 0 {
			return "", false
		}
	}
	var v string
	if f.Attr != "" {
		a, ok := el.Attr(f.Attr)
		if !ok {
			return "", false
		}
		v = strings.TrimSpace(a)
	} else {
		v = strings.TrimSpace(el.Text())
	}
	if f.Pattern.re != nil {
		m := f.Pattern.re.FindStringSubmatch(v)
		if m == nil {
			return "", false
		}
		v = m[1]
	}
	return capField(v), true
}

// capField cuts v to MaxFieldBytes on a rune boundary and makes it valid
// UTF-8.
func capField(v string) string {
	if len(v) > MaxFieldBytes {
		v = v[:MaxFieldBytes]
		// Step back to the start of the last rune and drop it if cut.
		i := len(v) - 1
		for i > 0 && !utf8.RuneStart(v[i]) {
			i--
		}
		if !utf8.FullRuneInString(v[i:]) {
			v = v[:i]
		}
	}
	return strings.ToValidUTF8(v, "\uFFFD")
}

// link reads a link field and resolves it against base. Only http(s)
// links come back.
func (f Field) link(sel *goquery.Selection, base *url.URL) (string, bool) {
	v, ok := f.value(sel)
	if !ok || v == "" {
		return "", false
	}
	u, err := base.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	u.Fragment = ""
	return u.String(), true
}

// has reports whether the selector matches inside sel.
func (s Selector) has(sel *goquery.Selection) bool {
	return s.sel != nil && sel.FindMatcher(goquery.SingleMatcher(s.sel)).Length() > 0
}

// match reports whether a page with this status and document looks like m.
func (m Marker) match(status int, doc *goquery.Selection) bool {
	if m.IsZero() {
		return false
	}
	if len(m.Status) > 0 {
		found := false
		for _, s := range m.Status {
			found = found || s == status
		}
		if !found {
			return false
		}
	}
	if doc == nil {
		return m.Selector.IsZero() && m.Text == ""
	}
	scope := doc
	if !m.Selector.IsZero() {
		scope = doc.FindMatcher(m.Selector.sel)
		if scope.Length() == 0 {
			return false
		}
	}
	if m.Text != "" {
		return strings.Contains(fold(scope.Text()), fold(m.Text))
	}
	return true
}

// fold lower-cases s, collapses white space and straightens apostrophes,
// so that marker texts survive small typographic changes.
func fold(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "\u00a0", " ").Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

// item is one post read from a page.
type item struct {
	ID        string
	Text      string
	Shared    string
	HasShared bool
	Permalink string
	Created   time.Time
}

// readPosts reads every post in doc. Items missing a required field are
// counted in bad with the first reason, not returned.
func (s *Site) readPosts(doc *goquery.Selection, base *url.URL) (items []item, bad int, why error) {
	r := s.Profile.Post
	doc.FindMatcher(r.Item.sel).Each(func(i int, el *goquery.Selection) {
		it, err := r.read(el, base)
		if err != nil {
			bad++
			if why == nil {
				why = fmt.Errorf("post %d: %w", i+1, err)
			}
			return
		}
		items = append(items, it)
	})
	return items, bad, why
}

func (r PostRules) read(el *goquery.Selection, base *url.URL) (item, error) {
	var it item
	var ok bool
	if it.Permalink, ok = r.Permalink.link(el, base); !ok {
		return it, fmt.Errorf("no permalink (%s)", r.Permalink.Selector.Src)
	}
	if it.ID, ok = r.ID.value(el); !ok || it.ID == "" {
		return it, fmt.Errorf("no id")
	}
	if it.Text, ok = r.Text.value(el); !ok {
		return it, fmt.Errorf("no text (%s)", r.Text.Selector.Src)
	}
	it.Shared, it.HasShared = r.Shared.value(el)
	raw, ok := r.Time.value(el)
	if !ok {
		return it, fmt.Errorf("no time (%s)", r.Time.Selector.Src)
	}
	t, err := parseTime(r.Time.Format, raw)
	if err != nil {
		return it, fmt.Errorf("time %q: %w", raw, err)
	}
	it.Created = t.UTC()
	return it, nil
}

// profileInfo is what a profile page says about its owner.
type profileInfo struct {
	ID, Name, Bio, Location string
	Next                    string
}

// readProfile reads the profile fields of a page; ok is false when the
// name is missing (the page is not a profile in the expected layout).
func (s *Site) readProfile(doc *goquery.Selection, base *url.URL) (profileInfo, bool) {
	var p profileInfo
	var ok bool
	r := s.Profile
	if p.Name, ok = r.Name.value(doc); !ok {
		return p, false
	}
	p.ID, _ = r.ID.value(doc)
	p.Bio, _ = r.Bio.value(doc)
	p.Location, _ = r.Location.value(doc)
	p.Next, _ = r.Next.link(doc, base)
	return p, true
}

// pageKind is what a fetched page turned out to be.
type pageKind int

const (
	pageOther     pageKind = iota // not recognised
	pageOK                        // a complete page in the expected layout
	pageRemoved                   // the removed-post marker
	pageNotFound                  // 404 or 410 with no other marker
	pageGone                      // the deleted-account marker
	pageLoginWall                 // the login wall
	pageSuspended                 // the suspended-account page
)

func (k pageKind) String() string {
	return [...]string{"unrecognised page", "page", "removed-post page", "HTTP 404/410", "account-gone page", "login wall", "suspended-account page"}[k]
}

// classify recognises a page by the site's markers. Markers win over the
// status code; a 200 page is OK only when it is complete.
func (s *Site) classify(status int, doc *goquery.Selection) pageKind {
	st := s.States
	switch {
	case st.LoginWall.match(status, doc):
		return pageLoginWall
	case st.Suspended.match(status, doc):
		return pageSuspended
	case st.Gone.match(status, doc):
		return pageGone
	case st.Removed.match(status, doc):
		return pageRemoved
	case status == 404 || status == 410:
		return pageNotFound
	case status >= 200 && status < 300 && doc != nil && s.Profile.Complete.has(doc):
		return pageOK
	}
	return pageOther
}
