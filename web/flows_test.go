package web

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psd-tools/exposure/export"
	"github.com/psd-tools/exposure/store"
)

// queueIDs returns the posts a queue page lists, in order.
func queueIDs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a class="open" href="/post/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestQueueFilters(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"", "twitter/100 twitter/101 twitter/102 html/103"},
		{"?force=Kent+Police", "twitter/100 twitter/101"},
		{"?category=offensive", "twitter/100 twitter/102"},
		{"?platform=html", "html/103"},
		{"?min=0.75", "twitter/100 twitter/101"},
		{"?from=2026-03-01&to=2026-03-31", "twitter/101"},
		{"?to=2026-03-22", "twitter/101"},
		{"?from=2026-04-01", "twitter/100 twitter/102 html/103"},
		{"?sort=oldest&force=Kent+Police", "twitter/101 twitter/100"},
		{"?state=confirmed", ""},
		{"?state=all&force=Essex+Police&category=negativity", "html/103"},
	} {
		resp := c.get("/queue" + tc.query)
		body := c.body(resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", tc.query, resp.StatusCode)
		}
		if got := strings.Join(queueIDs(body), " "); got != tc.want {
			t.Errorf("queue%s = %q, want %q", tc.query, got, tc.want)
		}
	}
	for _, q := range []string{"?state=open", "?category=rude", "?min=abc", "?min=2", "?from=01/02/2026", "?sort=random", "?page=0"} {
		resp := c.get("/queue" + q)
		body := c.body(resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="flash error"`) {
			t.Errorf("queue%s: %d, want 400 with the field named", q, resp.StatusCode)
		}
	}
}

func TestQueuePaging(t *testing.T) {
	e := newEnv(t, Options{})
	seed(t, e.db, manyPosts(250)) // 63 for Kent Police, plus the 2 standard ones
	c := e.login("rita")
	first := queueIDs(c.body(c.get("/queue?force=Kent+Police")))
	body := c.body(c.get("/queue?force=Kent+Police&page=2"))
	second := queueIDs(body)
	if len(first) != pageSize || len(second) != 65-pageSize {
		t.Fatalf("pages hold %d + %d, want %d + %d", len(first), len(second), pageSize, 65-pageSize)
	}
	seen := map[string]bool{}
	for _, id := range append(first, second...) {
		if seen[id] {
			t.Fatalf("%s on both pages", id)
		}
		seen[id] = true
	}
	mustContain(t, body, "page 2 of 2", `rel="prev"`)
	// A page past the end shows the last one.
	if got := queueIDs(c.body(c.get("/queue?force=Kent+Police&page=9"))); len(got) != 65-pageSize {
		t.Errorf("page 9: %d items", len(got))
	}
}

func TestReviewDecisions(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	post := func(form url.Values) (int, string) {
		resp := c.post("/review", form)
		c.body(resp)
		return resp.StatusCode, resp.Header.Get("Location")
	}
	// Dismiss needs a reason; the page says so and nothing changes.
	code, loc := post(url.Values{"post": {"twitter/100"}, "decision": {"dismiss"}, "return": {"/queue?force=Kent+Police#x"}})
	if code != http.StatusSeeOther || loc != "/queue?force=Kent+Police#x" || e.flag("twitter", "100").State != store.FlagNew {
		t.Fatalf("dismiss without reason: %d %s %s", code, loc, e.flag("twitter", "100").State)
	}
	if body := c.body(c.get("/queue")); !strings.Contains(body, "A reason is required to dismiss a flag.") {
		t.Error("no message about the missing reason")
	}
	// A return address off the site is ignored.
	_, loc = post(url.Values{"post": {"twitter/100"}, "decision": {"confirm"}, "return": {"https://evil.example/"}})
	if loc != "/post/twitter/100" {
		t.Errorf("redirect after confirm: %q", loc)
	}
	f := e.flag("twitter", "100")
	if f.State != store.FlagConfirmed {
		t.Fatalf("confirm: %s", f.State)
	}
	post(url.Values{"post": {"twitter/100"}, "decision": {"recategorise"}, "categories": {"offensive", "political"}})
	if got := e.flag("twitter", "100").Final(); strings.Join(got, ",") != "offensive,political" {
		t.Errorf("recategorise: %v", got)
	}
	post(url.Values{"post": {"twitter/100"}, "decision": {"recategorise"}, "categories": {"rude"}})
	post(url.Values{"post": {"twitter/100"}, "decision": {"note"}, "note": {"seen by the DI"}})
	post(url.Values{"post": {"twitter/102"}, "decision": {"dismiss"}, "reason": {"quoting"}})
	if code, _ := post(url.Values{"post": {"twitter"}, "decision": {"confirm"}}); code != http.StatusBadRequest {
		t.Errorf("malformed post ref: %d", code)
	}
	if code, _ := post(url.Values{"post": {"twitter/100"}, "decision": {"delete"}}); code != http.StatusBadRequest {
		t.Errorf("unknown decision: %d", code)
	}
	hist, _ := e.db.Reviews("twitter", "100")
	if len(hist) != 3 {
		t.Fatalf("history: %+v", hist)
	}
	for _, r := range hist {
		if r.Reviewer != "rita" {
			t.Errorf("review by %q, want the signed-in user", r.Reviewer)
		}
	}
	// Every decision is in the audit log under the user's name.
	n := 0
	e.db.AuditLog(1, func(a store.AuditEntry) error {
		if a.Action == store.ActReview {
			n++
			if a.Actor != "rita" {
				t.Errorf("audit actor %q", a.Actor)
			}
		}
		return nil
	})
	if n != 4 {
		t.Errorf("%d review entries in the audit log, want 4", n)
	}
	// The post page shows the history.
	body := c.body(c.get("/post/twitter/100"))
	mustContain(t, body, "seen by the DI", "recategorise", `id="history"`)
	// A referred flag takes notes but no decisions.
	c.body(c.post("/referrals", url.Values{"force": {"Kent Police"}, "post": {"twitter/100"}}))
	post(url.Values{"post": {"twitter/100"}, "decision": {"dismiss"}, "reason": {"changed my mind"}})
	if st := e.flag("twitter", "100").State; st != store.FlagReferred {
		t.Errorf("referred flag became %s", st)
	}
	body = c.body(c.get("/post/twitter/100"))
	mustContain(t, body, "already referred in REF-")
	mustNotContain(t, body, `<form class="decide"`)
}

func TestReferrals(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	body := c.body(c.get("/referrals"))
	mustContain(t, body, "No confirmed flags are waiting")
	for _, id := range []string{"100", "101", "102"} {
		c.body(c.post("/review", url.Values{"post": {"twitter/" + id}, "decision": {"confirm"}}))
	}
	body = c.body(c.get("/referrals"))
	mustContain(t, body, `href="/referrals/new?force=Kent%20Police">Kent Police</a> — 2 confirmed`, "Essex Police</a> — 1 confirmed")
	body = c.body(c.get("/referrals/new?force=Kent+Police"))
	if n := strings.Count(body, `name="post"`); n != 2 {
		t.Fatalf("builder lists %d flags, want 2", n)
	}
	// A flag of another force is refused, and nothing is referred.
	resp := c.post("/referrals", url.Values{"force": {"Kent Police"}, "post": {"twitter/100", "twitter/102"}})
	c.body(resp)
	if !strings.HasPrefix(resp.Header.Get("Location"), "/referrals/new?force=") {
		t.Fatalf("mixed forces: redirected to %q", resp.Header.Get("Location"))
	}
	if st := e.flag("twitter", "100").State; st != store.FlagConfirmed {
		t.Fatalf("twitter/100 is %s after a refused referral", st)
	}
	mustContain(t, c.body(c.get("/referrals/new?force=Kent+Police")), "belongs to")
	// None ticked.
	resp = c.post("/referrals", url.Values{"force": {"Kent Police"}})
	c.body(resp)
	mustContain(t, c.body(c.get("/referrals/new?force=Kent+Police")), "Tick at least one")
	resp = c.post("/referrals", url.Values{"force": {"Kent Police"}, "post": {"twitter/100", "twitter/101"}, "authority": {"PSD/17"}, "note": {"two posts"}})
	c.body(resp)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/referrals/REF-") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	body = c.body(c.get(loc))
	mustContain(t, body, "Kent Police", "PSD/17", "two posts", "twitter/100", "twitter/101", "created with 2 post(s)")
	if resp := c.get("/referrals/REF-1999-99999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown referral: %d", resp.StatusCode)
	}
	mustContain(t, c.body(c.get("/")), "Kent Police</td><td>1</td><td>2</td>")
}

func TestUsersPage(t *testing.T) {
	e := newEnv(t, Options{})
	admin := e.login("adam")
	rita := e.login("rita")
	add := func(form url.Values) string {
		admin.body(admin.post("/users", form))
		return admin.body(admin.get("/users"))
	}
	body := add(url.Values{"name": {"nina"}, "role": {"reviewer"}, "password": {"too short"}, "password2": {"too short"}})
	mustContain(t, body, "at least 12 characters")
	body = add(url.Values{"name": {"nina"}, "role": {"reviewer"}, "password": {"long enough password"}, "password2": {"different password!"}})
	mustContain(t, body, "The two passwords differ.")
	body = add(url.Values{"name": {"nina"}, "role": {"chief"}, "password": {"long enough password"}, "password2": {"long enough password"}})
	mustContain(t, body, `role &#34;chief&#34;`)
	body = add(url.Values{"name": {"nina"}, "role": {"reviewer"}, "password": {"long enough password"}, "password2": {"long enough password"}})
	mustContain(t, body, "Added nina (reviewer).")
	if _, err := e.srv.Users().Check("nina", "long enough password"); err != nil {
		t.Fatal(err)
	}
	// Removing a user ends their sessions at once.
	admin.body(admin.post("/users/remove", url.Values{"name": {"rita"}}))
	if resp := rita.get("/queue"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("removed user still signed in: %d", resp.StatusCode)
	}
	// The last admin stays.
	admin.body(admin.post("/users/remove", url.Values{"name": {"adam"}}))
	mustContain(t, admin.body(admin.get("/users")), "The last admin cannot be removed.")
	var actions []string
	e.db.AuditLog(1, func(a store.AuditEntry) error {
		if strings.HasPrefix(a.Action, "user.") && a.Actor == "adam" {
			actions = append(actions, a.Action+" "+a.Subject)
		}
		return nil
	})
	if strings.Join(actions, ",") != "user.add nina,user.remove rita" {
		t.Errorf("audited user changes: %v", actions)
	}
}

func TestAuditPage(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("adam")
	body := c.body(c.get("/audit"))
	mustContain(t, body, "Chain verified", "sweep.finish", "user.add")
	body = c.body(c.get("/audit?actor=adam"))
	mustContain(t, body, ">login<")
	mustNotContain(t, body, ">sweep.finish<")
	for i := 0; i < 150; i++ {
		e.db.Audit("bulk", "test.entry", "x", nil)
	}
	body = c.body(c.get("/audit?action=test.entry"))
	if n := strings.Count(body, ">test.entry<"); n != auditPageSize {
		t.Errorf("first page: %d entries", n)
	}
	m := regexp.MustCompile(`href="(/audit\?[^"]*before=\d+[^"]*)">older`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link to older entries")
	}
	body = c.body(c.get(strings.ReplaceAll(m[1], "&amp;", "&")))
	if n := strings.Count(body, ">test.entry<"); n != 50 {
		t.Errorf("second page: %d entries", n)
	}
	if resp := c.get("/audit?before=x"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad before: %d", resp.StatusCode)
	}
}

func TestJobs(t *testing.T) {
	var runs atomic.Int32
	started := make(chan struct{}, 10)
	jobs := []Job{
		{Name: "recheck", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
			runs.Add(1)
			started <- struct{}{}
			return nil
		}},
		{Name: "sweep", Every: 7 * 24 * time.Hour, Run: func(ctx context.Context) error {
			return errors.New("platform down")
		}},
	}
	e := newEnv(t, Options{Jobs: jobs})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.srv.RunJobs(ctx); close(done) }()
	// A job that never ran is due at once.
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("recheck did not run")
	}
	waitFor(t, func() bool {
		for _, st := range e.srv.Jobs() {
			if st.Name == "sweep" && st.LastError == "" {
				return false
			}
			if st.Name == "recheck" && (!st.OK() || st.Running) {
				return false
			}
		}
		return true
	})
	c := e.login("adam")
	body := c.body(c.get("/"))
	mustContain(t, body, "failed: platform down", `<span class="ok">ok</span>`, "7d", "1d")
	// The failed sweep is retried within the hour, not next week.
	for _, st := range e.srv.Jobs() {
		if st.Name == "sweep" && st.Next.Sub(st.LastEnd) > time.Hour {
			t.Errorf("failed job next due %s after failing", st.Next.Sub(st.LastEnd))
		}
	}
	// Admins can run a job now; it is audited.
	c.body(c.post("/jobs/run", url.Values{"job": {"recheck"}}))
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("run now did not run the job")
	}
	// Reviewers see the jobs but cannot run them.
	r := e.login("rita")
	mustNotContain(t, r.body(r.get("/")), `action="/jobs/run"`)
	cancel()
	<-done
	// History survives a restart: the recheck is not due again at once.
	s2, err := New(Options{DB: e.db, Now: e.clock.now, Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range s2.Jobs() {
		if st.Name == "recheck" && !st.Next.After(e.clock.now()) {
			t.Errorf("recheck due again at once after a restart: next %s", st.Next)
		}
	}
	if _, err := New(Options{DB: e.db, Jobs: []Job{{Name: "x"}}}); err == nil {
		t.Error("a job without an interval was accepted")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
	}
}

func TestQueueIndexFollowsStore(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	if got := queueIDs(c.body(c.get("/queue?force=Kent+Police"))); len(got) != 2 {
		t.Fatalf("before: %v", got)
	}
	// A change made outside the web app (a sweep job) shows at once.
	seed(t, e.db, []seedPost{{id: "200", text: "new post from the sweep", cat: "offensive", force: "Kent Police", handle: "pc_new", score: 0.99}})
	if got := queueIDs(c.body(c.get("/queue?force=Kent+Police"))); len(got) != 3 || got[0] != "twitter/200" {
		t.Fatalf("after a sweep: %v", got)
	}
	if _, err := e.db.Review(store.Review{Platform: "twitter", PostID: "200", Reviewer: "cli", Decision: store.Dismiss, Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := queueIDs(c.body(c.get("/queue?force=Kent+Police"))); len(got) != 2 {
		t.Fatalf("after a dismissal: %v", got)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t, Options{})
	u := e.srv.Users()
	for _, tc := range []struct {
		name, pw string
		role     Role
		want     string
	}{
		{"rita", pw, Reviewer, "already exists"},
		{"RITA", pw, Reviewer, "already exists"},
		{"", pw, Reviewer, "1 to 64"},
		{" pad", pw, Reviewer, "spaces"},
		{"a/b", pw, Reviewer, "printable"},
		{"bell\a", pw, Reviewer, "printable"},
		{"new", "short", Reviewer, "at least 12"},
		{"new", strings.Repeat("x", 73), Reviewer, "at most 72"},
		{"new", pw, "root", "want reviewer or admin"},
	} {
		if err := u.Add("t", tc.name, tc.role, tc.pw); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Add(%q, %q): %v, want %q", tc.name, tc.role, err, tc.want)
		}
	}
	if _, err := u.Check("rita", "wrong"); !errors.Is(err, ErrBadLogin) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := u.Check("nobody", pw); !errors.Is(err, ErrBadLogin) {
		t.Errorf("unknown user: %v", err)
	}
	if usr, err := u.Check("Rita", pw); err != nil || usr.Role != Reviewer {
		t.Errorf("case-insensitive name: %+v %v", usr, err)
	}
	raw, _ := e.db.KV("users").Get([]byte("rita"))
	if strings.Contains(string(raw), pw) {
		t.Fatal("password stored in clear")
	}
	// Removing a user (as the CLI does, with no server running) also
	// removes their stored sessions, so a restarted server refuses them.
	c := e.login("rita")
	if err := u.Remove("cli:root", "rita"); err != nil {
		t.Fatal(err)
	}
	srv2, err := New(Options{DB: e.db, Now: e.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	e.ts.Config.Handler = srv2.Handler()
	if resp := c.get("/queue"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("removed user's session survived a restart: %d", resp.StatusCode)
	}
	if err := u.Remove("t", "rita"); !errors.Is(err, ErrNoUser) {
		t.Errorf("remove twice: %v", err)
	}
}

func TestExportDownload(t *testing.T) {
	ex := testExport(t)
	e := newEnv(t, Options{Export: ex})
	rita := e.login("rita")
	rita.body(rita.post("/review", url.Values{"post": {"twitter/100"}, "decision": {"confirm"}}))
	resp := rita.post("/referrals", url.Values{"force": {"Kent Police"}, "post": {"twitter/100"}})
	rita.body(resp)
	refURL := resp.Header.Get("Location")
	// Reviewers see no download and may not post for one.
	mustNotContain(t, rita.body(rita.get(refURL)), `id="pack"`)
	if resp := rita.post(refURL+"/pack", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("reviewer download: %d", resp.StatusCode)
	}
	adam := e.login("adam")
	mustContain(t, adam.body(adam.get(refURL)), `id="pack"`, "Download the export pack")
	resp = adam.post(refURL+"/pack", nil)
	zipBytes := []byte(adam.body(resp))
	id := strings.TrimPrefix(refURL, "/referrals/")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename=`+id+`.zip`) {
		t.Fatalf("download: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	verifyPack(t, zipBytes, ex.Key.Public().(ed25519.PublicKey))
	var got []string
	e.db.AuditLog(1, func(a store.AuditEntry) error {
		if a.Action == store.ActExport || a.Action == ActDownload {
			got = append(got, a.Action+" "+a.Actor+" "+a.Subject)
		}
		return nil
	})
	if strings.Join(got, ",") != "export adam "+id+",download adam "+id {
		t.Errorf("audit: %v", got)
	}
	// Without a key the page says how to get one.
	e2 := newEnv(t, Options{})
	a2 := e2.login("adam")
	if resp := a2.post("/referrals/REF-2026-00001/pack", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("download without a key: %d", resp.StatusCode)
	}
}

// verifyPack checks a downloaded zip as the receiving force would.
func verifyPack(t *testing.T, zipBytes []byte, pub ed25519.PublicKey) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pack.zip")
	if err := os.WriteFile(path, zipBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	fsys, closer, err := export.OpenPack(path)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if err := export.Verify(fsys, pub).Err(); err != nil {
		t.Fatalf("the downloaded pack does not verify: %v", err)
	}
}

// referAndCheck refers the Kent Police flags and records rechecks: one post
// removed after 40 days, one still visible at 200 days.
func referAndCheck(t *testing.T, e *env) string {
	t.Helper()
	for _, id := range []string{"100", "101"} {
		if _, err := e.db.Review(store.Review{Platform: "twitter", PostID: id, Reviewer: "t", Decision: store.Confirm}); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := e.db.CreateReferral(store.NewReferral{Force: "Kent Police", CreatedBy: "t",
		Posts: []store.PostKey{{Platform: "twitter", PostID: "100"}, {Platform: "twitter", PostID: "101"}}})
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	err = e.db.AddChecks("t", []store.NewCheck{
		{Check: store.Check{Platform: "twitter", PostID: "100", At: ref.Created.Add(10 * day), State: "visible"}},
		{Check: store.Check{Platform: "twitter", PostID: "100", At: ref.Created.Add(40 * day), State: "removed"}},
		{Check: store.Check{Platform: "twitter", PostID: "101", At: ref.Created.Add(100 * day), State: "visible"}},
		{Check: store.Check{Platform: "twitter", PostID: "101", At: ref.Created.Add(200 * day), State: "edited", Text: "<script>alert(9)</script>"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ref.ID
}

func TestReportPages(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	mustContain(t, c.body(c.get("/report")), "No post has been referred yet")
	mustContain(t, c.body(c.get("/")), "No referred post yet")
	referAndCheck(t, e)
	// Written behind the server's back: the cached report is used for up
	// to a minute.
	mustContain(t, c.body(c.get("/report")), "No post has been referred yet")
	e.clock.add(reportMaxAge + time.Second)
	body := c.body(c.get("/report"))
	mustContain(t, body, `<figure class="chart" id="survival"><svg`, `class="curve"`, "Visible at 12 mo", ">Kent Police</th><td>2</td><td>1</td>",
		"50.0%")
	body = c.body(c.get("/"))
	mustContain(t, body, `id="survival"><svg`, "after 1 month(s): <strong>100.0%</strong>")
	resp := c.get("/report/print")
	body = c.body(resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != printCSP {
		t.Fatalf("print: %d %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	mustContain(t, body, "<svg", "Kent Police")
	mustNotContain(t, body, "<script>alert(9)")
}

func TestPurgePage(t *testing.T) {
	e := newEnv(t, Options{Retention: Retention{Profiles: 30 * 24 * time.Hour, Referrals: 365 * 24 * time.Hour}})
	c := e.login("adam")
	mustContain(t, c.body(c.get("/purge")), "Nothing is past retention.", "<strong>30d</strong>", `id="purge-compact"`, "run <code>exposure purge</code>")
	c.body(c.post("/review", url.Values{"post": {"html/103"}, "decision": {"dismiss"}, "reason": {"not a breach"}}))
	e.clock.add(40 * 24 * time.Hour)
	c = e.login("adam") // the old session expired with the clock
	body := c.body(c.get("/purge"))
	mustContain(t, body, `id="purge-plan"`, "html/103", "and redact 1 audit entry.")
	// Not confirmed: nothing happens.
	c.body(c.post("/purge", url.Values{}))
	if _, err := e.db.Post("html", "103"); err != nil {
		t.Fatalf("purged without confirmation: %v", err)
	}
	c.body(c.post("/purge", url.Values{"confirm": {"yes"}}))
	if _, err := e.db.Post("html", "103"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("dismissed post still there after the purge: %v", err)
	}
	mustContain(t, c.body(c.get("/purge")), "Purged", "The file is not compacted", "Nothing is past retention.")
	var tomb []string
	e.db.AuditLog(1, func(a store.AuditEntry) error {
		if a.Action == store.ActPurge {
			tomb = append(tomb, a.Actor)
		}
		return nil
	})
	if strings.Join(tomb, ",") != "adam" {
		t.Errorf("purge tombstones by %v", tomb)
	}
	mustNotContain(t, c.body(c.get("/queue?state=all")), "html/103")
	// The dismissal is still in the audit log, without the post or reason.
	body = c.body(c.get("/audit?action=review"))
	mustContain(t, body, "Chain verified", `<em class="redacted">redacted</em>`, `reason=<em class="redacted">redacted</em>`, "decision=dismiss")
	mustNotContain(t, body, "not a breach", "html/103")
}

// TestQueuePatch checks that the reviewer's own decisions update the queue
// index in place of a rebuild, and that the patched index is right.
func TestQueuePatch(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	queue := func(q string) string { return strings.Join(queueIDs(c.body(c.get("/queue"+q))), " ") }
	if got := queue(""); got != "twitter/100 twitter/101 twitter/102 html/103" {
		t.Fatalf("queue: %s", got)
	}
	builds, _ := e.srv.queue.stats()
	c.body(c.post("/review", url.Values{"post": {"twitter/101"}, "decision": {"confirm"}}))
	if got := queue(""); got != "twitter/100 twitter/102 html/103" {
		t.Fatalf("after confirm: %s", got)
	}
	if got := queue("?state=confirmed"); got != "twitter/101" {
		t.Fatalf("confirmed: %s", got)
	}
	// Re-categorising changes the score order: the patch re-sorts.
	c.body(c.post("/review", url.Values{"post": {"twitter/102"}, "decision": {"recategorise"}, "categories": {"political"}}))
	if got := queue(""); got != "twitter/100 html/103 twitter/102" {
		t.Fatalf("after recategorise: %s", got)
	}
	mustContain(t, c.body(c.get("/queue?category=political")), "twitter/102", "political 0.00")
	c.body(c.post("/referrals", url.Values{"force": {"Kent Police"}, "post": {"twitter/101"}}))
	if got := queue("?state=referred"); got != "twitter/101" {
		t.Fatalf("referred: %s", got)
	}
	if b, p := e.srv.queue.stats(); b != builds || p != 3 {
		t.Errorf("%d rebuilds and %d patches after three decisions, want 0 and 3", b-builds, p)
	}
	// A write from elsewhere between two of ours forces a rebuild.
	seed(t, e.db, []seedPost{{id: "300", text: "from a sweep", cat: "offensive", force: "Kent Police", handle: "x", score: 0.5}})
	c.body(c.post("/review", url.Values{"post": {"twitter/100"}, "decision": {"confirm"}}))
	if got := queue(""); got != "html/103 twitter/300 twitter/102" {
		t.Fatalf("after an outside write: %s", got)
	}
	if b, _ := e.srv.queue.stats(); b != builds+1 {
		t.Errorf("%d rebuilds after an outside write, want 1", b-builds)
	}
}

func TestPostPageNext(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.login("rita")
	body := c.body(c.get("/post/twitter/100"))
	mustContain(t, body, `<a href="/post/twitter/101" rel="next">`, `name="return" value="/post/twitter/101"`)
	resp := c.post("/review", url.Values{"post": {"twitter/100"}, "decision": {"confirm"}, "return": {"/post/twitter/101"}})
	c.body(resp)
	if loc := resp.Header.Get("Location"); loc != "/post/twitter/101" {
		t.Errorf("after deciding on the post page: %s", loc)
	}
	// The last new flag has no next one.
	mustNotContain(t, c.body(c.get("/post/html/103")), `rel="next"`)
}
