package export

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/psd-tools/exposure/export/exporttest"
)

// The report of scraped content full of markup and script is checked
// byte for byte against a golden file (go test ./export -update rewrites
// it), and parsed as a browser would to prove the content stayed text.
func TestHTMLGolden(t *testing.T) {
	fx := exporttest.Build(t)
	doc, err := Load(context.Background(), fx.DB, Request{Referral: fx.RefA.ID})
	if err != nil {
		t.Fatal(err)
	}
	doc.GeneratedAt, doc.GeneratedBy, doc.ToolVersion = genAt, "op-dave <script>", "0.1.0-test"
	doc.KeyFingerprint = Fingerprint(testKey(t).Public().(ed25519.PublicKey))
	var b bytes.Buffer
	if err := RenderHTML(&b, &doc); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report", "hostile.html")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./export -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("report differs from %s; if the change is intended, run go test ./export -update and review the diff", golden)
	}
	checkInert(t, b.Bytes())
}

// checkInert parses the report and fails on anything that could run or
// load: script, media or frame elements, event-handler attributes, links
// that are not plain web addresses or in-page anchors.
func checkInert(t *testing.T, page []byte) {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	marks := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "img", "iframe", "object", "embed", "link", "base", "form", "svg", "video", "audio", "b", "i", "u":
				t.Errorf("report contains a <%s> element", n.Data)
			case "mark":
				marks++
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "src" {
					t.Errorf("<%s> has attribute %s=%q", n.Data, a.Key, a.Val)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "#profile-") {
					t.Errorf("<%s> links to %q", n.Data, a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	s := text.String()
	for _, want := range []string{
		`<script>alert("x")</script>`, "<b>bold</b>", `Bob "Robert" <i>Smith</i>`, "PC @WMPolice <script>x()</script>",
		"clear breach <u>really</u>", "PSD Social Media Unit <HQ>", "op-dave <script>",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report text lacks %q as plain text", want)
		}
	}
	// The key shows four; t-10's two offensive spans join into one run
	// and its procedure span is another; t-11 and f-20 have one each.
	if marks != 8 {
		t.Errorf("%d highlighted segments, want 8", marks)
	}
	if !strings.Contains(s, "U+202E at byte") {
		t.Error("bidi override in the post text is not pointed out")
	}
}
