package fakesite

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/sim"
)

var now = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func world() *sim.World {
	hostile := `<script>alert("x")</script>' onmouseover="steal()`
	accounts := []*sim.Account{
		{Platform: sim.Facebook, ID: "a1", Handle: "al\"ice<", Name: hostile, Bio: hostile, Location: hostile, State: sim.Active},
		{Platform: sim.Facebook, ID: "b2", Handle: "bob", Name: "Bob", State: sim.Protected},
		{Platform: sim.Facebook, ID: "c3", Handle: "carl", Name: "Carl", State: sim.Suspended},
		{Platform: sim.Facebook, ID: "d4", Handle: "dave", Name: "Dave", State: sim.Deleted},
	}
	posts := []*sim.Post{
		{Platform: sim.Facebook, ID: "p1", AccountID: "a1", Created: now.Add(-time.Hour), Text: "</div>" + hostile + "\u202e\u200b", State: sim.Live},
		{Platform: sim.Facebook, ID: "p2", AccountID: "a1", Created: now.Add(-2 * time.Hour), Text: "gone", State: sim.Removed},
		{Platform: sim.Facebook, ID: "p3", AccountID: "b2", Created: now.Add(-2 * time.Hour), Text: "hidden", State: sim.Live},
	}
	return sim.FromData(now, accounts, posts)
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHostileTextEscaped(t *testing.T) {
	s := New(world(), Options{})
	for _, path := range []string{"/al%22ice%3C", "/al%22ice%3C/posts/p1", "/search/people/?q=alert"} {
		code, body := get(t, s, path)
		if code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, `onmouseover="`) || strings.Contains(body, `al"ice<`) {
			t.Errorf("%s: world text not escaped:\n%s", path, body)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s: escaped text missing", path)
		}
	}
}

func TestStates(t *testing.T) {
	for _, tc := range []struct {
		removed int
		path    string
		code    int
		body    string
	}{
		{0, "/bob", 200, `id="login_form"`},
		{0, "/bob/posts/p3", 200, `id="login_form"`},
		{0, "/carl", 200, `id="suspended"`},
		{0, "/dave", 404, `id="not-found"`},
		{0, "/nobody", 404, `id="not-found"`},
		{0, "/al%22ice%3C/posts/p2", 200, "content isn't available"},
		{404, "/al%22ice%3C/posts/p2", 404, "content isn't available"},
		{410, "/al%22ice%3C/posts/p2", 410, "content isn't available"},
		{0, "/bob/posts/p1", 200, "content isn't available"}, // wrong handle
		{0, "/" + TestHandle, 200, "see-more"},
		{0, "/robots.txt", 200, "Disallow: /login"},
	} {
		code, body := get(t, New(world(), Options{RemovedStatus: tc.removed}), tc.path)
		if code != tc.code || !strings.Contains(body, tc.body) {
			t.Errorf("%s (removed %d): %d, want %d with %q", tc.path, tc.removed, code, tc.code, tc.body)
		}
	}
	// Removed posts are not listed; search skips suspended and deleted.
	if _, body := get(t, New(world(), Options{}), "/al%22ice%3C"); strings.Contains(body, "p2") {
		t.Error("removed post listed")
	}
	_, body := get(t, New(world(), Options{}), "/search/people/?q=o")
	if strings.Contains(body, "/carl") || strings.Contains(body, "/dave") || !strings.Contains(body, "/bob") {
		t.Errorf("search results:\n%s", body)
	}
}

func TestFaultRules(t *testing.T) {
	s := New(world(), Options{Faults: Faults{Rules: []Rule{
		{Path: "/bob", Skip: 1, Times: 2, Fault: Fault{Kind: ServerError}},
		{Path: "/robots.txt", Fault: Fault{Kind: RobotsDisallow}},
		{Path: "/carl", Fault: Fault{Kind: WrongType}},
	}}})
	var codes []int
	for range 4 {
		c, _ := get(t, s, "/bob")
		codes = append(codes, c)
	}
	if codes[0] != 200 || codes[1] != 500 || codes[2] != 500 || codes[3] != 200 {
		t.Errorf("skip 1, times 2: %v", codes)
	}
	if _, body := get(t, s, "/robots.txt"); !strings.Contains(body, "Disallow: /\n") {
		t.Errorf("robots: %q", body)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/carl")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("wrong type: %q", ct)
	}
	if got := s.Injected(); got[ServerError] != 2 || got[RobotsDisallow] != 1 || got[WrongType] != 1 {
		t.Errorf("injected: %v", got)
	}
}

func TestRandomFaultsSeeded(t *testing.T) {
	run := func() []int {
		s := New(world(), Options{Faults: Faults{Seed: 3, Rate: 0.5, Mix: []Fault{{Kind: ServerError}, {Kind: Unavailable}}}})
		var codes []int
		for range 20 {
			c, _ := get(t, s, "/carl")
			codes = append(codes, c)
		}
		return codes
	}
	a, b := run(), run()
	faulty := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different faults: %v / %v", a, b)
		}
		if a[i] >= 500 {
			faulty++
		}
	}
	if faulty == 0 || faulty == len(a) {
		t.Errorf("rate 0.5 gave %d of %d faults", faulty, len(a))
	}
}
