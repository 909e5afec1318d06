package export

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"
)

var (
	//go:embed report.css
	reportCSS string
	//go:embed report.html.tmpl
	reportTmpl string
)

// csp forbids the report from loading or running anything: no scripts, no
// remote assets, only its own inline style (pinned by hash). Escaping
// already makes scraped text inert; this is the second lock.
var csp = func() string {
	sum := sha256.Sum256([]byte(reportCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src 'none'; base-uri 'none'; form-action 'none'"
}()

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"date":     func(t time.Time) string { return t.UTC().Format("2 January 2006") },
	"when":     when,
	"label":    label,
	"join":     func(s []string) string { return strings.Join(s, ", ") },
	"scores":   sortedScores,
	"segments": segments,
	"hidden":   hidden,
}).Parse(reportTmpl))

type keyCount struct {
	Key, Label string
	Count      int
}

type keyValue struct{ Key, Value string }

type reportData struct {
	Doc                           *Document
	CSS                           template.CSS
	CSP                           string
	Units, CreatedBy, Authorities []string
	CategoryRows, Platforms       []keyCount
}

// RenderHTML writes the printable report for doc.
func RenderHTML(w io.Writer, doc *Document) error {
	d := reportData{Doc: doc, CSS: template.CSS(reportCSS), CSP: csp}
	for _, r := range doc.Referrals {
		d.Units = appendNew(d.Units, r.Unit)
		d.CreatedBy = appendNew(d.CreatedBy, r.CreatedBy)
		d.Authorities = appendNew(d.Authorities, r.Authority)
	}
	for _, c := range categoryKeys(doc.Counts.ByCategory) {
		d.CategoryRows = append(d.CategoryRows, keyCount{Key: c, Label: label(c), Count: doc.Counts.ByCategory[c]})
	}
	for _, p := range sortedKeys(doc.Counts.ByPlatform) {
		d.Platforms = append(d.Platforms, keyCount{Key: p, Count: doc.Counts.ByPlatform[p]})
	}
	return reportTemplate.Execute(w, d)
}

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// categoryKeys lists the four study categories first, then any others.
func categoryKeys(m map[string]int) []string {
	out := append([]string{}, Categories...)
	for _, k := range sortedKeys(m) {
		if CategoryLabel[k] == "" {
			out = append(out, k)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func when(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func label(c string) string {
	if l := CategoryLabel[c]; l != "" {
		return l
	}
	return c
}

func sortedScores(s Scores) []keyValue {
	keys := make([]string, 0, len(s))
	for _, c := range Categories {
		if _, ok := s[c]; ok {
			keys = append(keys, c)
		}
	}
	for _, k := range sortedKeys(s) {
		if CategoryLabel[k] == "" {
			keys = append(keys, k)
		}
	}
	out := make([]keyValue, len(keys))
	for i, k := range keys {
		out[i] = keyValue{k, fmt.Sprintf("%.2f", s[k])}
	}
	return out
}

// segment is a run of post text covered by the same set of evidence spans.
type segment struct {
	Text string
	Cats []string
}

// Class is the CSS class of a highlighted segment: its category, or
// "multi" when spans of several categories overlap.
func (s segment) Class() string {
	c := "c-other"
	if CategoryLabel[s.Cats[0]] != "" {
		c = "c-" + s.Cats[0]
	}
	if len(s.Cats) > 1 {
		c += " multi"
	}
	return c
}

// Title names the segment's categories for the hover text.
func (s segment) Title() string { return strings.Join(s.Cats, ", ") }

// segments cuts text at every located span boundary; spans may overlap.
// Offsets were checked by locate to fall on rune boundaries inside text.
func segments(text string, spans []Span) []segment {
	if text == "" {
		return nil
	}
	cuts := []int{0, len(text)}
	for _, s := range spans {
		if s.Located {
			cuts = append(cuts, s.Start, s.End)
		}
	}
	sort.Ints(cuts)
	var out []segment
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if a == b {
			continue
		}
		var cats []string
		for _, s := range spans {
			if s.Located && s.Start <= a && b <= s.End {
				cats = appendNew(cats, s.Category)
			}
		}
		if n := len(out); n > 0 && strings.Join(out[n-1].Cats, ",") == strings.Join(cats, ",") {
			out[n-1].Text += text[a:b]
			continue
		}
		out = append(out, segment{Text: text[a:b], Cats: cats})
	}
	return out
}

// hidden lists characters that are invisible or change the direction of
// the text around them, which could make the printed text read
// differently from what was captured.
func hidden(text string) string {
	var found []string
	for i, r := range text {
		switch {
		case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x2069, r == 0xFEFF, r == 0x00AD:
			if len(found) == 10 {
				found = append(found, "...")
				return strings.Join(found, ", ")
			}
			found = append(found, fmt.Sprintf("U+%04X at byte %d", r, i))
		}
	}
	return strings.Join(found, ", ")
}
