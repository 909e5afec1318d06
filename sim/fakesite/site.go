package fakesite

import (
	"bytes"
	"html"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/psd-tools/exposure/sim"
)

// TestHandle is the handle of the fixed public page every layout serves,
// named by rules/sites/facebook.yaml as its known test profile.
const TestHandle = "sitecheck.page"

// Options configure a Site. The zero value serves the Facebook-like
// platform in the current layout with no faults.
type Options struct {
	// Platform is the world platform to serve (default sim.Facebook).
	Platform string
	// PageSize is the number of posts per profile page (default 25).
	PageSize int
	// SearchPageSize is the number of results per search page (default 10).
	SearchPageSize int
	// RemovedStatus is the status of a removed post's page: 200 (the
	// default: the platform says "This content isn't available" with a
	// 200), 404 or 410.
	RemovedStatus int
	// Layout 2 renames the classes of the name, post text and post time,
	// as a platform redesign would, so that `sites check` has something
	// to catch. Layout 0 or 1 is the current layout.
	Layout int
	// Faults to inject.
	Faults Faults
}

// Site is the fake site. It implements http.Handler.
type Site struct {
	world *sim.World
	opt   Options
	cls   classes

	faults atomic.Pointer[faultSet]

	hitMu   sync.Mutex
	hits    map[string]int
	agents  map[string]int
	cookied int

	searchMu    sync.Mutex
	searchAt    time.Time
	searchCache map[string][]sim.Account
}

// New returns a site serving w.
func New(w *sim.World, o Options) *Site {
	if o.Platform == "" {
		o.Platform = sim.Facebook
	}
	if o.PageSize <= 0 {
		o.PageSize = 25
	}
	if o.SearchPageSize <= 0 {
		o.SearchPageSize = 10
	}
	if o.RemovedStatus == 0 {
		o.RemovedStatus = http.StatusOK
	}
	cls := layout1
	if o.Layout == 2 {
		cls = layout2
	}
	s := &Site{world: w, opt: o, cls: cls, hits: map[string]int{}, agents: map[string]int{}}
	s.faults.Store(newFaultSet(o.Faults))
	return s
}

// SetFaults replaces the fault configuration while the site serves (a
// test turns faults off to check that the next run completes the work).
// The counts Injected reports start again from zero.
func (s *Site) SetFaults(f Faults) { s.faults.Store(newFaultSet(f)) }

// HitCounts returns how many requests the site received for each request
// URI (path and query), so a test can bound the retries per page.
func (s *Site) HitCounts() map[string]int {
	s.hitMu.Lock()
	defer s.hitMu.Unlock()
	return maps.Clone(s.hits)
}

// Hits returns how many requests the site received for the request URI
// (path and query) exactly.
func (s *Site) Hits(uri string) int {
	s.hitMu.Lock()
	defer s.hitMu.Unlock()
	return s.hits[uri]
}

// UserAgents returns how many requests came with each User-Agent.
func (s *Site) UserAgents() map[string]int {
	s.hitMu.Lock()
	defer s.hitMu.Unlock()
	return maps.Clone(s.agents)
}

// CookieHits returns how many requests carried the site's locale cookie.
func (s *Site) CookieHits() int {
	s.hitMu.Lock()
	defer s.hitMu.Unlock()
	return s.cookied
}

// TotalHits returns the number of requests received.
func (s *Site) TotalHits() int {
	s.hitMu.Lock()
	defer s.hitMu.Unlock()
	n := 0
	for _, v := range s.hits {
		n += v
	}
	return n
}

// ServeHTTP routes a request, injecting a fault first if one is due.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hitMu.Lock()
	s.hits[r.URL.RequestURI()]++
	s.agents[r.UserAgent()]++
	if _, err := r.Cookie("locale"); err == nil {
		s.cookied++
	}
	s.hitMu.Unlock()
	// Like the real site, hand out a locale cookie to clients without one.
	if _, err := r.Cookie("locale"); err != nil {
		http.SetCookie(w, &http.Cookie{Name: "locale", Value: "en_GB", Path: "/", MaxAge: 86400 * 30})
	}

	fs := s.faults.Load()
	f, faulty := fs.pick(r)
	if faulty && s.inject(w, r, fs, f) {
		return
	}
	if !faulty || f.Kind == Latency {
		f = Fault{}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		errorPage(w, http.StatusMethodNotAllowed, "Method not allowed", "")
		return
	}
	status, page := s.route(w, r)
	if page == nil {
		return
	}
	mangle(w, status, page, f)
}

// route renders the page for r; a nil page means it answered already.
func (s *Site) route(w http.ResponseWriter, r *http.Request) (int, []byte) {
	p := r.URL.Path
	switch {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(robots))
		return 0, nil
	case p == "/" || p == "":
		return s.home()
	case p == "/search/people/" || p == "/search/people":
		return s.search(r)
	case p == "/login" || p == "/login/":
		return http.StatusOK, s.loginWall("")
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) == 1:
		return s.profile(parts[0], r.URL.Query().Get("before"))
	case len(parts) == 3 && parts[1] == "posts":
		return s.permalink(parts[0], parts[2])
	}
	return http.StatusNotFound, s.notFound()
}

const robots = `# Crawlers: see the terms for automated data collection.
User-agent: *
Disallow: /login
Disallow: /ajax/
Disallow: /messages/
Allow: /
`

// account resolves a handle to an account, including the built-in test page.
func (s *Site) account(handle string) (sim.Account, []sim.Post, bool) {
	if strings.EqualFold(handle, TestHandle) {
		a, posts := testPage()
		return a, posts, true
	}
	a, ok := s.world.AccountByHandle(s.opt.Platform, handle)
	if !ok {
		return sim.Account{}, nil, false
	}
	return a, nil, true
}

func (s *Site) profile(handle, before string) (int, []byte) {
	a, posts, ok := s.account(handle)
	if !ok || a.State == sim.Deleted {
		return http.StatusNotFound, s.notFound()
	}
	switch a.State {
	case sim.Protected:
		return http.StatusOK, s.loginWall(a.Name)
	case sim.Suspended:
		return http.StatusOK, s.suspended()
	}
	pageSize := s.opt.PageSize
	if posts == nil {
		posts = s.world.Timeline(s.opt.Platform, a.ID)
	} else {
		pageSize = 2 // the test page always has a second page
	}
	start := 0
	if before != "" {
		start = len(posts)
		for i := range posts {
			if posts[i].ID == before {
				start = i + 1
				break
			}
		}
	}
	var page []sim.Post
	i := start
	for ; i < len(posts) && len(page) < pageSize; i++ {
		if posts[i].State != sim.Removed {
			page = append(page, posts[i])
		}
	}
	more := false
	for j := i; j < len(posts); j++ {
		if posts[j].State != sim.Removed {
			more = true
			break
		}
	}
	return http.StatusOK, s.profilePage(a, page, more)
}

func (s *Site) permalink(handle, id string) (int, []byte) {
	var p sim.Post
	var a sim.Account
	var ok bool
	if strings.EqualFold(handle, TestHandle) {
		var posts []sim.Post
		a, posts = testPage()
		for _, tp := range posts {
			if tp.ID == id {
				p, ok = tp, true
			}
		}
	} else {
		p, a, ok = s.world.Post(s.opt.Platform, id)
	}
	// A renamed account's old handle, a deleted account or an unknown id
	// all look the same from outside: the content is not available.
	if !ok || !strings.EqualFold(a.Handle, handle) || a.State == sim.Deleted || p.State == sim.Removed {
		return s.opt.RemovedStatus, s.unavailable()
	}
	switch a.State {
	case sim.Protected:
		return http.StatusOK, s.loginWall(a.Name)
	case sim.Suspended:
		return http.StatusOK, s.suspended()
	}
	return http.StatusOK, s.postPage(a, p)
}

// search matches accounts whose name, handle, bio or location contain
// every word of q, case-insensitively. Deleted and suspended accounts are
// not listed; protected ones are (their name is public).
func (s *Site) search(r *http.Request) (int, []byte) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if pageNo < 1 {
		pageNo = 1
	}
	all := s.matches(q)
	from := (pageNo - 1) * s.opt.SearchPageSize
	var res []sim.Account
	if from < len(all) {
		res = all[from:min(from+s.opt.SearchPageSize, len(all))]
	}
	next := ""
	if from+s.opt.SearchPageSize < len(all) {
		next = "/search/people/?q=" + url.QueryEscape(q) + "&page=" + strconv.Itoa(pageNo+1)
	}
	return http.StatusOK, s.searchPage(q, res, next)
}

func (s *Site) matches(q string) []sim.Account {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return nil
	}
	now := s.world.Now()
	s.searchMu.Lock()
	defer s.searchMu.Unlock()
	if !now.Equal(s.searchAt) || s.searchCache == nil {
		s.searchAt, s.searchCache = now, map[string][]sim.Account{}
	}
	key := strings.Join(words, " ")
	if got, ok := s.searchCache[key]; ok {
		return got
	}
	var out []sim.Account
	test, _ := testPage()
	for _, a := range append(s.world.Accounts(s.opt.Platform), test) {
		if a.State == sim.Deleted || a.State == sim.Suspended {
			continue
		}
		hay := strings.ToLower(a.Name + " " + a.Handle + " " + a.Bio + " " + a.Location)
		all := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				all = false
				break
			}
		}
		if all {
			out = append(out, a)
		}
	}
	s.searchCache[key] = out
	return out
}

// testPage is the fixed public page that sites check fetches. It is listed
// by search only for words of its own name, bio or location, which no
// identity query uses.
func testPage() (sim.Account, []sim.Post) {
	a := sim.Account{Platform: sim.Facebook, ID: "100000000000001", Handle: TestHandle,
		Name: "Site Check Page", Bio: "A public page kept so that crawlers can check their selectors.",
		Location: "London, United Kingdom", State: sim.Active}
	day := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	posts := []sim.Post{
		{ID: "pfbid0sitecheck3", AccountID: a.ID, Created: day.Add(48 * time.Hour), Text: "Third post: the page is still here."},
		{ID: "pfbid0sitecheck2", AccountID: a.ID, Created: day.Add(24 * time.Hour), Text: "Second post, with <markup> & \"quotes\" that must come back as text."},
		{ID: "pfbid0sitecheck1", AccountID: a.ID, Created: day, Text: "First post on the site check page."},
	}
	for i := range posts {
		posts[i].Platform, posts[i].State = sim.Facebook, sim.Live
	}
	return a, posts
}

// esc escapes world text for HTML text and quoted attributes.
var esc = html.EscapeString

func profileURL(handle string) string { return "/" + url.PathEscape(handle) }

func postURL(handle, id string) string {
	return "/" + url.PathEscape(handle) + "/posts/" + url.PathEscape(id)
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func errorPage(w http.ResponseWriter, status int, title, msg string) {
	var b bytes.Buffer
	head(&b, title)
	b.WriteString(`<main id="error"><h2>`)
	b.WriteString(esc(title))
	b.WriteString(`</h2><p>`)
	b.WriteString(esc(msg))
	b.WriteString("</p></main>")
	foot(&b, "page-footer")
	writeHTML(w, status, b.Bytes())
}
