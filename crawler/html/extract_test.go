package html

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/rules"
)

func loadFacebook(t testing.TB) *Site {
	t.Helper()
	s, err := LoadSite(rules.Embedded(), "facebook")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parsePage(t testing.TB, name string) *goquery.Selection {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "pages", name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Find("html")
}

var pageBase, _ = url.Parse("http://127.0.0.1:8080/alice.pc")

// TestClassifyPages reads the recorded pages of the fake site.
func TestClassifyPages(t *testing.T) {
	s := loadFacebook(t)
	for name, want := range map[string]struct {
		status int
		kind   pageKind
	}{
		"profile.html": {200, pageOK}, "profile_page3.html": {200, pageOK}, "permalink.html": {200, pageOK},
		"removed.html": {200, pageRemoved}, "login_wall.html": {200, pageLoginWall}, "suspended.html": {200, pageSuspended},
		"not_found.html": {404, pageGone}, "search.html": {200, pageOK}, "profile_layout2.html": {200, pageOK},
	} {
		if got := s.classify(want.status, parsePage(t, name)); got != want.kind {
			t.Errorf("%s: %v, want %v", name, got, want.kind)
		}
	}
	if got := s.classify(410, parsePage(t, "removed.html")); got != pageRemoved {
		t.Errorf("410 removed page: %v", got)
	}
	if got := s.classify(503, parsePage(t, "profile.html")); got != pageOther {
		t.Errorf("503 page: %v", got)
	}
}

func TestReadProfilePage(t *testing.T) {
	s := loadFacebook(t)
	doc := parsePage(t, "profile.html")
	p, ok := s.readProfile(doc, pageBase)
	if !ok || p.ID != "alice-1" || p.Name != "Alice <b>Smith</b>" || p.Location != "Birmingham" ||
		p.Next != "http://127.0.0.1:8080/alice.pc?before=a035" {
		t.Errorf("profile: %+v", p)
	}
	items, bad, _ := s.readPosts(doc, pageBase)
	if len(items) != 25 || bad != 0 {
		t.Fatalf("%d posts, %d unreadable", len(items), bad)
	}
	if it := items[0]; it.ID != "a060" || it.Permalink != "http://127.0.0.1:8080/alice.pc/posts/a060" ||
		it.Text != `Alice post 60 <script>alert(1)</script> & "more"` || it.Created.IsZero() {
		t.Errorf("first post: %+v", it)
	}
	// The redesign: the name and the posts' text and time are lost.
	doc2 := parsePage(t, "profile_layout2.html")
	if _, ok := s.readProfile(doc2, pageBase); ok {
		t.Error("layout 2 name read with layout 1 rules")
	}
	if items, bad, why := s.readPosts(doc2, pageBase); len(items) != 0 || bad != 25 || why == nil {
		t.Errorf("layout 2: %d read, %d unreadable, %v", len(items), bad, why)
	}
}

func TestHostilePage(t *testing.T) {
	s := loadFacebook(t)
	doc := parsePage(t, "hostile.html")
	items, bad, _ := s.readPosts(doc, pageBase)
	if len(items) != 0 || bad != 1 {
		t.Errorf("javascript: permalink and an impossible time: %d read, %d unreadable", len(items), bad)
	}
	big := "<html><body><div class='profile-name'>" + strings.Repeat("é", MaxFieldBytes) + "</div></body></html>"
	d, _ := goquery.NewDocumentFromReader(strings.NewReader(big))
	f := Field{Selector: mustSel(t, ".profile-name")}
	v, _ := f.value(d.Selection)
	if len(v) > MaxFieldBytes || !utf8.ValidString(v) {
		t.Errorf("capped field: %d bytes, valid %v", len(v), utf8.ValidString(v))
	}
}

func mustSel(t testing.TB, src string) Selector {
	var s Selector
	n := yamlScalar(src)
	if err := s.UnmarshalYAML(n); err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzExtract runs the whole extractor over arbitrary pages: it must not
// panic, and whatever it returns must be capped, valid UTF-8, with http(s)
// links only.
func FuzzExtract(f *testing.F) {
	ents, err := os.ReadDir(filepath.Join("testdata", "pages"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range ents {
		raw, err := os.ReadFile(filepath.Join("testdata", "pages", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, 200)
	}
	f.Add([]byte("<article class=post data-post-id=1><a class=post-permalink href=//x><time datetime=2024-01-01T00:00:00Z>"), 404)
	s := loadFacebook(f)
	f.Fuzz(func(t *testing.T, raw []byte, status int) {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
		if err != nil {
			return
		}
		root := doc.Find("html")
		_ = s.classify(status, root)
		if p, ok := s.readProfile(root, pageBase); ok {
			for _, v := range []string{p.ID, p.Name, p.Bio, p.Location} {
				if len(v) > MaxFieldBytes || !utf8.ValidString(v) {
					t.Fatalf("profile field %q", v)
				}
			}
			if p.Next != "" && !strings.HasPrefix(p.Next, "http") {
				t.Fatalf("next link %q", p.Next)
			}
		}
		items, _, _ := s.readPosts(root, pageBase)
		for _, it := range items {
			for _, v := range []string{it.ID, it.Text, it.Shared} {
				if len(v) > MaxFieldBytes || !utf8.ValidString(v) {
					t.Fatalf("post field %q", v)
				}
			}
			if !strings.HasPrefix(it.Permalink, "http://") && !strings.HasPrefix(it.Permalink, "https://") {
				t.Fatalf("permalink %q", it.Permalink)
			}
		}
	})
}

func yamlScalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: 1} }
