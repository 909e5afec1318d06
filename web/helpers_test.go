package web

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/crypto/bcrypt"

	"github.com/psd-tools/exposure/store"
)

// hostile is the text the issue names: it must show as inert text.
const hostile = `<img src=x onerror=alert(1)><script>alert(2)</script>`

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func openDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "e.db"), store.Options{Create: true, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Check(); err != nil {
			tb.Error(err)
		}
		db.Close()
	})
	return db
}

// seedPost describes one flagged post for seed.
type seedPost struct {
	id, text, cat, force, handle string
	score                        float64
	posted                       time.Time
	platform                     string
	spans                        []store.Span
}

// seed writes one sweep with the given posts, one profile per handle.
func seed(tb testing.TB, db *store.DB, posts []seedPost) {
	tb.Helper()
	s, err := db.StartSweep("op", "AUTH-1", "cfg")
	if err != nil {
		tb.Fatal(err)
	}
	type prof struct {
		platform, id, handle, force string
		posts                       []store.Captured
	}
	var order []string
	profs := map[string]*prof{}
	for _, p := range posts {
		if p.platform == "" {
			p.platform = "twitter"
		}
		if p.score == 0 {
			p.score = 0.9
		}
		if p.posted.IsZero() {
			p.posted = t0.Add(-24 * time.Hour)
		}
		key := p.platform + "/" + p.handle
		pr := profs[key]
		if pr == nil {
			pr = &prof{platform: p.platform, id: "u-" + p.handle, handle: p.handle, force: p.force}
			profs[key] = pr
			order = append(order, key)
		}
		spans := p.spans
		if spans == nil && len(p.text) >= 4 {
			spans = []store.Span{{Category: p.cat, Start: 0, End: 4, Text: p.text[:4], Reason: "test"}}
		}
		pr.posts = append(pr.posts, store.Captured{
			Post: store.Post{Platform: p.platform, ID: p.id, ProfileID: pr.id, Text: p.text,
				URL: "https://example.test/" + p.handle + "/status/" + p.id, Created: p.posted, CapturedAt: t0,
				Profile: store.Snapshot{Handle: p.handle, Name: "PC " + p.handle, Force: p.force, Role: "officer",
					Bio: "Officer at " + p.force, Evidence: []string{"PC"}}},
			Flag: store.Flag{Force: p.force, Categories: []string{p.cat}, Scores: map[string]float64{p.cat: p.score},
				Evidence: spans},
		})
	}
	var cands []store.Checkpoint
	for _, k := range order {
		pr := profs[k]
		cands = append(cands, store.Checkpoint{Platform: pr.platform, ID: pr.id})
	}
	if _, err := db.AddCandidates(s.ID, cands); err != nil {
		tb.Fatal(err)
	}
	for _, k := range order {
		pr := profs[k]
		err := db.CommitProfile(s.ID, store.ProfileResult{Platform: pr.platform, ID: pr.id, Status: "serving",
			Profile: &store.Profile{Platform: pr.platform, ID: pr.id, Handle: pr.handle, Name: "PC " + pr.handle,
				Force: pr.force, InScope: true, Status: "serving", Role: "officer", FirstSeen: t0, LastSeen: t0},
			Posts: pr.posts, PostsRead: len(pr.posts) * 3})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := db.FinishSweep(s.ID, ""); err != nil {
		tb.Fatal(err)
	}
}

// standardPosts is the fixture most tests use.
var standardPosts = []seedPost{
	{id: "100", text: "scum the lot of them", cat: "offensive", force: "Kent Police", handle: "pc_kent", score: 0.95},
	{id: "101", text: "nick the suspect at 5 Elm Road", cat: "procedure", force: "Kent Police", handle: "pc_kent", score: 0.8,
		posted: t0.Add(-40 * 24 * time.Hour)},
	{id: "102", text: hostile, cat: "offensive", force: "Essex Police", handle: "essex_cop", score: 0.7},
	{id: "103", text: "this force is a joke, management useless", cat: "negativity", force: "Essex Police", handle: "essex_cop",
		score: 0.6, platform: "html"},
}

type env struct {
	t     *testing.T
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	clock *clock
}

const pw = "correct horse battery staple"

func newEnv(t *testing.T, opt Options) *env {
	t.Helper()
	db := openDB(t)
	seed(t, db, standardPosts)
	c := &clock{t: t0}
	db.SetClock(c.now)
	opt.DB = db
	opt.Now = c.now
	opt.BcryptCost = bcrypt.MinCost
	opt.Log = zerolog.Nop()
	if testing.Verbose() {
		opt.Log = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.DebugLevel)
	}
	srv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role Role
	}{{"rita", Reviewer}, {"adam", Admin}} {
		if err := srv.Users().Add("test", u.name, u.role, pw); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, db: db, srv: srv, ts: ts, clock: c}
}

// client is a browser-like client: it keeps cookies, does not follow
// redirects, and sends Sec-Fetch-Site: same-origin on POSTs as browsers do.
type client struct {
	e    *env
	hc   *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (e *env) login(name string) *client {
	c := e.client()
	resp := c.post("/login", url.Values{"user": {name}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", name, resp.StatusCode)
	}
	body := c.body(c.get("/queue"))
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no csrf token on the queue page")
	}
	c.csrf = m[1]
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.e.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp
}

func (c *client) get(path string) *http.Response {
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	return c.do(req)
}

// post sends a form with the session's CSRF token (unless the form already
// has a csrf field, possibly empty).
func (c *client) post(path string, form url.Values, hdr ...string) *http.Response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.e.ts.URL)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	return c.do(req)
}

func (c *client) body(resp *http.Response) string {
	c.e.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return string(b)
}

func (e *env) flag(platform, id string) store.Flag {
	e.t.Helper()
	f, err := e.db.Flag(platform, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("page contains %q", b)
		}
	}
}

// testExport makes a signing key and a folder for export packs, and
// returns them.
func testExport(t testing.TB) *ExportOptions {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &ExportOptions{Key: priv, Dir: filepath.Join(t.TempDir(), "exports"), Tool: "test"}
}

func manyPosts(n int) []seedPost {
	forces := []string{"Kent Police", "Essex Police", "West Midlands Police", "Metropolitan Police Service"}
	cats := []string{"offensive", "procedure", "negativity", "political"}
	out := make([]seedPost, n)
	for i := range out {
		out[i] = seedPost{id: fmt.Sprint(1000 + i), text: fmt.Sprintf("post number %d with some words about the job and the public", i),
			cat: cats[i%4], force: forces[i%len(forces)], handle: fmt.Sprintf("officer%03d", i/20),
			score: 0.5 + float64(i%50)/100, posted: t0.Add(-time.Duration(i) * time.Hour)}
	}
	return out
}
