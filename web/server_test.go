package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// samplePath fills a route pattern's wildcards with values that exist in
// the standard fixture, and gives a form that passes validation.
var samplePaths = map[string]struct {
	path string
	form url.Values
}{
	"GET /login":                   {"/login", nil},
	"POST /login":                  {"/login", url.Values{"user": {"nobody"}, "password": {"x"}}},
	"GET /healthz":                 {"/healthz", nil},
	"POST /logout":                 {"/logout", nil},
	"GET /{$}":                     {"/", nil},
	"GET /queue":                   {"/queue", nil},
	"POST /review":                 {"/review", url.Values{"post": {"twitter/101"}, "decision": {"note"}, "note": {"checked"}}},
	"GET /post/{platform}/{id}":    {"/post/twitter/100", nil},
	"GET /profile/{platform}/{id}": {"/profile/twitter/u-pc_kent", nil},
	"GET /referrals":               {"/referrals", nil},
	"GET /referrals/new":           {"/referrals/new?force=Kent+Police", nil},
	"POST /referrals":              {"/referrals", url.Values{"force": {"Kent Police"}}},
	"GET /referrals/{id}":          {"/referrals/REF-2026-00001", nil},
	"POST /referrals/{id}/pack":    {"/referrals/REF-2026-00001/pack", nil},
	"GET /report":                  {"/report", nil},
	"GET /report/print":            {"/report/print", nil},
	"GET /purge":                   {"/purge", nil},
	"POST /purge":                  {"/purge", url.Values{"confirm": {"no"}}},
	"GET /audit":                   {"/audit", nil},
	"GET /users":                   {"/users", nil},
	"POST /users":                  {"/users", url.Values{"name": {"new"}, "role": {"reviewer"}, "password": {"short"}, "password2": {"short"}}},
	"POST /users/remove":           {"/users/remove", url.Values{"name": {"nobody"}}},
	"POST /jobs/run":               {"/jobs/run", url.Values{"job": {"nothing"}}},
}

// TestAuthorisation walks every route as anonymous, reviewer and admin.
// A route added without a sample path fails the test, so none is missed.
func TestAuthorisation(t *testing.T) {
	e := newEnv(t, Options{Export: testExport(t)})
	// One referral so that /referrals/{id} exists.
	rita := e.login("rita")
	rita.post("/review", url.Values{"post": {"twitter/100"}, "decision": {"confirm"}})
	if resp := rita.post("/referrals", url.Values{"force": {"Kent Police"}, "post": {"twitter/100"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create referral: %d", resp.StatusCode)
	}
	// A fresh session per request: POST /logout ends the one it is sent on.
	clients := map[string]func() *client{"anonymous": e.client,
		"reviewer": func() *client { return e.login("rita") }, "admin": func() *client { return e.login("adam") }}
	routes := e.srv.Routes()
	for pattern, need := range routes {
		sp, ok := samplePaths[pattern]
		if !ok {
			t.Errorf("route %q has no sample path in the authorisation test", pattern)
			continue
		}
		method := strings.Fields(pattern)[0]
		for who, newClient := range clients {
			c := newClient()
			var resp *http.Response
			if method == "GET" {
				resp = c.get(sp.path)
			} else {
				form := url.Values{}
				for k, v := range sp.form {
					form[k] = v
				}
				resp = c.post(sp.path, form)
			}
			c.body(resp)
			allowed := need == "public" || need == "user" && who != "anonymous" || need == "admin" && who == "admin"
			loc := resp.Header.Get("Location")
			switch {
			case allowed && (resp.StatusCode == http.StatusForbidden || strings.HasPrefix(loc, "/login?")):
				t.Errorf("%s as %s: refused (%d %s), want allowed", pattern, who, resp.StatusCode, loc)
			case allowed && resp.StatusCode >= 500:
				t.Errorf("%s as %s: %d", pattern, who, resp.StatusCode)
			case !allowed && who == "anonymous" && method == "GET" &&
				(resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=")):
				t.Errorf("%s as anonymous: %d %q, want a redirect to the sign-in page", pattern, resp.StatusCode, loc)
			case !allowed && !(who == "anonymous" && method == "GET") && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s as %s: %d, want 403", pattern, who, resp.StatusCode)
			}
		}
	}
	for pattern := range samplePaths {
		if _, ok := routes[pattern]; !ok {
			t.Errorf("sample path for %q, which is not a route", pattern)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	confirm := func() url.Values { return url.Values{"post": {"twitter/100"}, "decision": {"confirm"}} }
	cases := []struct {
		name string
		form url.Values
		hdr  []string
	}{
		{"no token", func() url.Values { f := confirm(); f["csrf"] = []string{""}; return f }(), nil},
		{"wrong token", func() url.Values { f := confirm(); f.Set("csrf", "forged"); return f }(), nil},
		{"token of another session", func() url.Values { f := confirm(); f.Set("csrf", e.login("adam").csrf); return f }(), nil},
		{"cross-site fetch metadata", confirm(), []string{"Sec-Fetch-Site", "cross-site"}},
		{"foreign origin", confirm(), []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}},
	}
	for _, tc := range cases {
		resp := c.post("/review", tc.form, tc.hdr...)
		c.body(resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tc.name, resp.StatusCode)
		}
		if f := e.flag("twitter", "100"); f.State != store.FlagNew {
			t.Fatalf("%s: flag changed to %s", tc.name, f.State)
		}
	}
	// Logout is state-changing too.
	if resp := c.post("/logout", url.Values{"csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a forged token: %d", resp.StatusCode)
	}
	// Cross-site login (login CSRF) is refused as well.
	if resp := e.client().post("/login", url.Values{"user": {"rita"}, "password": {pw}}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login: %d", resp.StatusCode)
	}
	resp := c.post("/review", confirm())
	c.body(resp)
	if resp.StatusCode != http.StatusSeeOther || e.flag("twitter", "100").State != store.FlagConfirmed {
		t.Fatalf("valid confirm: %d %s", resp.StatusCode, e.flag("twitter", "100").State)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, Options{Idle: 30 * time.Minute, MaxAge: 2 * time.Hour})
	c := e.login("rita")
	ok := func(when string) {
		t.Helper()
		resp := c.get("/queue")
		c.body(resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d, want 200", when, resp.StatusCode)
		}
	}
	expired := func(when string) {
		t.Helper()
		resp := c.get("/queue")
		c.body(resp)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("%s: %d %s, want a redirect to sign in", when, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// Activity keeps the session alive past the idle limit in total...
	for i := 0; i < 3; i++ {
		e.clock.add(29 * time.Minute)
		ok("after 29 idle minutes")
	}
	// ...but 31 idle minutes end it.
	e.clock.add(31 * time.Minute)
	expired("after 31 idle minutes")
	// A POST on an ended session is refused, not redirected.
	if resp := c.post("/review", url.Values{"post": {"twitter/100"}, "decision": {"confirm"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST on an expired session: %d", resp.StatusCode)
	}
	// The absolute lifetime ends even an active session.
	c = e.login("rita")
	for i := 0; i < 4; i++ {
		e.clock.add(29 * time.Minute)
		ok("active")
	}
	e.clock.add(10 * time.Minute) // 2h06 since sign-in
	expired("past the absolute lifetime")
	// Sessions survive a restart of the server: they are in the store, and
	// their last-seen times are saved on the way out.
	c = e.login("rita")
	e.clock.add(20 * time.Minute)
	ok("20 minutes in")
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	e.clock.add(20 * time.Minute) // 40 since sign-in, 20 since last seen
	srv2, err := New(Options{DB: e.db, Now: e.clock.now, Idle: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	e.ts.Config.Handler = srv2.Handler()
	ok("after a restart")
	// Logging out ends the session on the server, not just the cookie.
	cookies := c.hc.Jar.Cookies(mustURL(e.ts.URL))
	c.body(c.post("/logout", nil))
	c2 := e.client()
	c2.hc.Jar.SetCookies(mustURL(e.ts.URL), cookies)
	c = c2
	expired("replaying the cookie after logout")
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, Options{})
	try := func(c *client, user, pass string) int {
		resp := c.post("/login", url.Values{"user": {user}, "password": {pass}})
		c.body(resp)
		return resp.StatusCode
	}
	c := e.client()
	for i := 0; i < accountFailures; i++ {
		if code := try(c, "rita", "wrong password!"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, code)
		}
	}
	// The account is locked, even with the right password.
	resp := c.post("/login", url.Values{"user": {"RITA"}, "password": {pw}})
	c.body(resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("locked account: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Another account from the same address still works...
	if code := try(c, "adam", pw); code != http.StatusSeeOther {
		t.Fatalf("other account: %d", code)
	}
	// ...until the address has too many failures of its own.
	for i := 0; i < addressFailures-accountFailures; i++ {
		try(e.client(), "user"+string(rune('a'+i)), "wrong password!")
	}
	if code := try(e.client(), "adam", pw); code != http.StatusTooManyRequests {
		t.Fatalf("address over its limit: %d, want 429", code)
	}
	// The window passes.
	e.clock.add(failureWindow + time.Second)
	if code := try(e.client(), "rita", pw); code != http.StatusSeeOther {
		t.Fatalf("after the window: %d", code)
	}
	// Unknown users and wrong passwords look the same.
	a := e.client().body(e.client().post("/login", url.Values{"user": {"nobody"}, "password": {"x"}}))
	mustContain(t, a, "Wrong user name or password.")
}

func TestHostileContentEscaped(t *testing.T) {
	e := newEnv(t, Options{})
	// A hostile profile and link, on top of the hostile post text.
	db := e.db
	seed(t, db, []seedPost{{id: "666", text: "bidi \u202e reversed \u200b hidden " + hostile + " \xff end", cat: "offensive",
		force: `"><script>alert(3)</script>`, handle: `<b onmouseover=alert(4)>x</b>`, score: 0.99,
		spans: []store.Span{{Category: "offensive", Start: 6, End: 8, Text: "\u202e"}, {Category: "<i>x</i>", Start: 1, End: 300}}}})
	c := e.login("rita")
	for _, path := range []string{"/post/twitter/102", "/queue", "/queue?state=all", "/profile/twitter/u-essex_cop",
		"/post/twitter/666", "/profile/twitter/u-%3Cb%20onmouseover=alert(4)%3Ex%3C%2Fb%3E"} {
		resp := c.get(path)
		body := c.body(resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		mustNotContain(t, body, "<img src=x", "<script>alert", "<b onmouseover", "\u202e", "\u200b", "\xff")
	}
	body := c.body(c.get("/post/twitter/102"))
	// The first four bytes are an evidence mark, so the text is split there.
	mustContain(t, body, `&lt;img</mark> src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;</div>`)
	body = c.body(c.get("/post/twitter/666"))
	mustContain(t, body, `<span class="cc" title="invisible or direction-changing character">U+202E</span>`, "U+200B", "\ufffd")
	// A javascript: link is not a link.
	seedURL(t, db, "twitter", "777", "javascript:alert(5)")
	body = c.body(c.get("/post/twitter/777"))
	mustNotContain(t, body, `href="javascript:`, "javascript:alert(5)</a>")
	mustContain(t, body, "(not an http link)")
	// The live link opens without referrer or opener.
	body = c.body(c.get("/post/twitter/100"))
	mustContain(t, body, `href="https://example.test/pc_kent/status/100" rel="noopener noreferrer"`)
}

func seedURL(t *testing.T, db *store.DB, platform, id, link string) {
	s, _ := db.StartSweep("op", "A", "c")
	db.AddCandidates(s.ID, []store.Checkpoint{{Platform: platform, ID: "u-x"}})
	err := db.CommitProfile(s.ID, store.ProfileResult{Platform: platform, ID: "u-x", Status: "serving",
		Profile: &store.Profile{Platform: platform, ID: "u-x", Handle: "x", Force: "Kent Police", InScope: true},
		Posts: []store.Captured{{Post: store.Post{Platform: platform, ID: id, ProfileID: "u-x", Text: "text", URL: link},
			Flag: store.Flag{Force: "Kent Police", Categories: []string{"offensive"}, Scores: map[string]float64{"offensive": 0.9}}}}})
	if err != nil {
		t.Fatal(err)
	}
	db.FinishSweep(s.ID, "")
}

func TestSecurityHeadersAndCookie(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.client()
	resp := c.get("/login")
	c.body(resp)
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q in it", h, got, want)
		}
	}
	if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline code")
	}
	for path, want := range map[string]int{"/static/app.js": 200, "/static/app.css": 200, "/static/": 404, "/static/nope.js": 404} {
		resp := c.get(path)
		c.body(resp)
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp = c.post("/login", url.Values{"user": {"rita"}, "password": {pw}})
	ck := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("plain HTTP cookie is Secure: %q", ck)
	}
	// Over TLS the cookie is Secure and __Host- prefixed, and HSTS is sent.
	tls := newEnv(t, Options{TLS: true})
	resp = tls.client().post("/login", url.Values{"user": {"rita"}, "password": {pw}})
	ck = resp.Header.Get("Set-Cookie")
	if !strings.HasPrefix(ck, "__Host-exposure=") || !strings.Contains(ck, "Secure") {
		t.Errorf("TLS cookie: %q", ck)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
	// No open redirect after login.
	resp = e.client().post("/login", url.Values{"user": {"rita"}, "password": {pw}, "next": {"//evil.example/x"}})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("login redirect to %q", loc)
	}
}

func TestLoopbackHostOnly(t *testing.T) {
	e := newEnv(t, Options{Loopback: true})
	for host, want := range map[string]int{"": http.StatusOK, "localhost:8080": http.StatusOK, "[::1]:80": http.StatusOK,
		"127.0.0.1": http.StatusOK, "evil.example": http.StatusMisdirectedRequest, "evil.example:8080": http.StatusMisdirectedRequest} {
		req, _ := http.NewRequest("GET", e.ts.URL+"/login", nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, resp.StatusCode, want)
		}
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr       string
		tls, proxy bool
		ok         bool
	}{
		{"127.0.0.1:8080", false, false, true},
		{"localhost:8080", false, false, true},
		{"[::1]:8080", false, false, true},
		{"127.9.9.9:80", false, false, true},
		{":8080", false, false, false},
		{"0.0.0.0:8080", false, false, false},
		{"192.168.1.5:8080", false, false, false},
		{"192.168.1.5:8080", true, false, true},
		{"0.0.0.0:8080", false, true, true},
		{"nonsense", false, false, false},
	} {
		err := CheckAddr(tc.addr, tc.tls, tc.proxy)
		if (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%q, tls=%v, proxy=%v) = %v", tc.addr, tc.tls, tc.proxy, err)
		}
	}
}
