package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	stdhtml "html"

	"github.com/psd-tools/exposure/crawler/html"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/simnet"
	"github.com/psd-tools/exposure/store"
)

// hostileText is what a post may hold: terminal escapes (clear screen,
// colour, window title), bidi overrides and isolates, zero-width
// characters, a bell, NUL, CR and LF, markup and a spreadsheet formula.
const hostileText = "You fucking scum \x1b[2J\x1b[31mRED\x1b]0;pwned\x07 \u202eevil txet\u202c " +
	"zero\u200bwidth\u200djoin\ufeff \x00nul\ttab\rcr\nline2 \u2066isolate\u2069 " +
	"<script>alert(1)</script> &amp; \"quoted\" =cmd|' /C calc'!A0"

// bigLine is a one-megabyte line (under the pipeline's 1 MiB field cap),
// with multi-byte characters so that a cut would show.
func bigLine() string {
	var b strings.Builder
	b.WriteString("fucking scum, all of them. ")
	for b.Len() < 1_000_000-len("é—") {
		b.WriteString("é—abcdefgh ")
	}
	return b.String()
}

// hostileWorld has one officer on each platform with a hostile post, a
// one-megabyte post and an ordinary one.
func hostileWorld(now time.Time) (*sim.World, map[string]string) {
	big := bigLine()
	acc := func(platform, id, handle string) *sim.Account {
		return &sim.Account{Platform: platform, ID: id, Handle: handle, Name: "PC \u202eHostile\u202c Smith",
			Bio: "Response officer at West Midlands Police \u200b\x1b[31m views my own", Location: "Birmingham",
			Created: now.AddDate(-3, 0, 0), State: sim.Active}
	}
	post := func(platform, id, owner, text string, daysAgo int) *sim.Post {
		return &sim.Post{Platform: platform, ID: id, AccountID: owner, Text: text, State: sim.Live,
			Created: now.Add(-time.Duration(daysAgo) * 24 * time.Hour)}
	}
	posts := []*sim.Post{
		post(sim.Twitter, "1700000000000000001", "4242", hostileText, 3),
		post(sim.Twitter, "1700000000000000002", "4242", big, 2),
		post(sim.Twitter, "1700000000000000003", "4242", "Lovely day on patrol", 1),
		post(sim.Facebook, "2700000000000000001", "fb.hostile", hostileText, 3),
		post(sim.Facebook, "2700000000000000002", "fb.hostile", big, 2),
		post(sim.Facebook, "2700000000000000003", "fb.hostile", "Lovely day on patrol", 1),
	}
	texts := map[string]string{}
	for _, p := range posts {
		texts[p.Platform+"/"+p.ID] = p.Text
	}
	return sim.FromData(now, []*sim.Account{acc(sim.Twitter, "4242", "PC_Hostile"), acc(sim.Facebook, "fb.hostile", "fb.hostile")}, posts), texts
}

// TestHostileTextEndToEnd sends hostile text from the fakes through the
// sweep, review, referral and export, and checks it is stored and
// exported exactly (the HTML site's fields are capped at
// html.MaxFieldBytes by design) and shown safely on a terminal and in the
// pack's HTML.
func TestHostileTextEndToEnd(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	w, texts := hostileWorld(now)
	n, err := simnet.Start(w, simnet.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sweep.yaml")
	text := fmt.Sprintf(`operator: "Hostile Suite"
authority: "TEST-HOSTILE"
contact: "hostile@example.invalid"
twitter:
  base_url: %[1]s
  discover:
    user_search: {enabled: true, queries: ["response officer"]}
  timeline: {not_before: %[2]s}
sites:
  - site: facebook
    base_url: %[1]s
    allow_private_addresses: true
    delay: 0s
    random_delay: 0s
    queries: ["response officer"]
    not_before: %[2]s
`, n.URL, now.AddDate(-1, 0, 0).Format(time.RFC3339))
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cliEnv(t)
	db := filepath.Join(dir, "e.db")
	out := mustRun(t, "sweep", "--db", db, "sweep", "--config", cfg)
	if !strings.Contains(out, "in scope                  2") {
		t.Fatalf("both officers should be in scope:\n%s", out)
	}

	// Stored exactly: the API's text as sent; the site's text as a browser
	// reads the page (HTML parsing turns CR into LF and drops NUL; the
	// page as served is kept as the capture), capped at its field limit.
	for key, want := range texts {
		if strings.HasPrefix(key, sim.Facebook) {
			texts[key] = htmlText(want)
		}
	}
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for key, want := range texts {
		platform, id, _ := strings.Cut(key, "/")
		p, err := sdb.Post(platform, id)
		if err != nil {
			continue // not flagged: not kept
		}
		stored++
		if platform == sim.Facebook && len(want) > html.MaxFieldBytes {
			if len(p.Text) > html.MaxFieldBytes || !utf8.ValidString(p.Text) || !strings.HasPrefix(want, p.Text) || len(p.Text) < html.MaxFieldBytes-4 {
				t.Errorf("%s: a %d-byte post should be stored cut at %d bytes on a character boundary, got %d bytes", key, len(want), html.MaxFieldBytes, len(p.Text))
			}
			texts[key] = p.Text
			continue
		}
		if p.Text != want {
			t.Errorf("%s stored as %q…, want %q…", key, cut(p.Text), cut(want))
		}
		if platform == sim.Facebook && p.Payload != nil {
			page, err := sdb.Payload(p.Payload.SHA256)
			if err != nil || !strings.Contains(string(page), stdhtml.EscapeString(hostileText)) {
				t.Errorf("%s: the captured page does not hold the text as served (%v)", key, err)
			}
		}
	}
	sdb.Close()
	if stored != 4 {
		t.Fatalf("%d hostile posts stored, want 4 (two per platform)", stored)
	}

	// Shown safely on a terminal.
	for _, key := range []string{"twitter/1700000000000000001", "facebook/2700000000000000001"} {
		out := mustRun(t, "review show", "--db", db, "review", "show", key)
		for _, bad := range []string{"\x1b", "\x07", "\x00", "\r", "\u202e", "\u202c", "\u200b", "\u200d", "\ufeff", "\u2066", "\u2069"} {
			if strings.Contains(out, bad) {
				t.Errorf("review show %s printed a raw %q", key, bad)
			}
		}
		if !strings.Contains(out, `\u202e`) || !strings.Contains(out, `\u001b`) || !strings.Contains(out, "<script>") {
			t.Errorf("review show %s should show the hostile characters as escapes and the markup as text:\n%s", key, out)
		}
	}

	// Exported exactly, and the pack's HTML is inert.
	mustRun(t, "confirm", "--db", db, "review", "confirm", "--all", "--reviewer", "DS Hostile")
	mustRun(t, "refer", "--db", db, "refer", "--all-forces", "--by", "DS Hostile")
	mustRun(t, "keys", "--db", db, "keys", "init")
	pack := filepath.Join(dir, "pack")
	mustRun(t, "export", "--db", db, "export", "--force", "West Midlands Police", "--out", pack, "--operator", "op")
	mustRun(t, "verify", "verify", pack)

	raw, err := os.ReadFile(filepath.Join(pack, "referral.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Profiles []struct {
			Name  string `json:"name"`
			Posts []struct {
				Platform string `json:"platform"`
				ID       string `json:"id"`
				Text     string `json:"text"`
			} `json:"posts"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	exported := 0
	for _, p := range doc.Profiles {
		if p.Name != "PC \u202eHostile\u202c Smith" {
			t.Errorf("referral.json profile name %q", p.Name)
		}
		for _, post := range p.Posts {
			exported++
			if want := texts[post.Platform+"/"+post.ID]; post.Text != want {
				t.Errorf("referral.json %s/%s: text %q…, want %q…", post.Platform, post.ID, cut(post.Text), cut(want))
			}
		}
	}
	if exported != 4 {
		t.Errorf("referral.json holds %d posts, want 4", exported)
	}

	f, err := os.Open(filepath.Join(pack, "referral.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, r := range rows[1:] {
		want := texts[r[col["platform"]]+"/"+r[col["post_id"]]]
		// A known limit of the CSV (referral.json is exact): Go's RFC 4180
		// writer, with CRLF line ends, writes LF in a field as CRLF (read
		// back as LF) and drops a lone CR.
		want = strings.ReplaceAll(want, "\r", "")
		if got := r[col["text"]]; got != want {
			t.Errorf("referral.csv %s: text %q…, want %q…", r[col["post_id"]], cut(got), cut(want))
		}
	}

	page, err := os.ReadFile(filepath.Join(pack, "referral.html"))
	if err != nil {
		t.Fatal(err)
	}
	checkInertHTML(t, string(page))
}

// htmlText is what an HTML parser makes of text served in a page.
func htmlText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\x00", "")
}

// checkInertHTML checks the pack's HTML: no script can run (CSP, markup
// escaped), and the captured text, which it prints as captured, cannot
// reorder the page around it: every direction-changing character sits in
// an element that isolates it (class "u" or "text"), and the post carries
// a warning naming the hidden characters.
func checkInertHTML(t *testing.T, page string) {
	t.Helper()
	if !strings.Contains(page, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) {
		t.Error("referral.html has no restrictive Content-Security-Policy")
	}
	if strings.Contains(page, "<script>alert(1)</script>") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("referral.html should show the markup as text")
	}
	if !strings.Contains(page, "invisible or direction-changing characters: U&#43;202E at byte") {
		t.Error("referral.html does not warn of the hidden characters")
	}
	for _, ch := range []string{"\u202e", "\u2066"} {
		for i := strings.Index(page, ch); i >= 0; {
			before := page[:i]
			open := max(strings.LastIndex(before, `<div class="text">`), strings.LastIndex(before, `class="u"`))
			if open < 0 || strings.Contains(before[open:], "</div>") || strings.Contains(before[open:], "</span>") || strings.Contains(before[open:], "</td>") {
				t.Errorf("a raw %q at byte %d is outside an isolating element: …%s", ch, i, before[max(0, len(before)-120):])
			}
			next := strings.Index(page[i+len(ch):], ch)
			if next < 0 {
				break
			}
			i += len(ch) + next
		}
	}
}
