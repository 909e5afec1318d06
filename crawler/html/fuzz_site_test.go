package html

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/psd-tools/exposure/rules"
)

// FuzzParseSite feeds arbitrary site files (analyst-editable rules) to the
// loader: it returns an error naming the file, or a site whose extractor
// runs over a real page without panicking.
func FuzzParseSite(f *testing.F) {
	ents, err := fs.ReadDir(rules.Embedded(), SitesDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range ents {
		raw, err := fs.ReadFile(rules.Embedded(), SitesDir+"/"+e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("name: x\nbase_url: http://a\n"))
	f.Add([]byte("name: x\nprofile:\n  name: {selector: 'h1[', attr: x}\n"))
	f.Add([]byte("name: x\nsearch: {url: '{base}/s?q={query}{query}{nope}'}\n"))
	page, err := os.ReadFile(filepath.Join("testdata", "pages", "profile.html"))
	if err != nil {
		f.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		f.Fatal(err)
	}
	root := doc.Find("html")
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := ParseSite("sites/fuzz.yaml", raw)
		if err != nil {
			if !strings.Contains(err.Error(), "sites/fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		_ = s.classify(200, root)
		s.readProfile(root, pageBase)
		s.readPosts(root, pageBase)
	})
}
