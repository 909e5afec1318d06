package web

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/psd-tools/exposure/store"
)

// render draws segments as text with [marks] and <U+XXXX> codes.
func render(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Mark {
			b.WriteString("[" + strings.Join(s.Categories, ",") + ":")
		}
		for _, p := range s.Pieces {
			if p.Code != "" {
				b.WriteString("<" + p.Code + ">")
			} else {
				b.WriteString(p.Text)
			}
		}
		if s.Mark {
			b.WriteString("]")
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	sp := func(cat string, start, end int) store.Span { return store.Span{Category: cat, Start: start, End: end} }
	for _, tc := range []struct {
		name  string
		text  string
		spans []store.Span
		want  string
	}{
		{"none", "hello world", nil, "hello world"},
		{"one", "you absolute scrote", []store.Span{sp("offensive", 13, 19)}, "you absolute [offensive:scrote]"},
		{"unsorted", "aa bb cc", []store.Span{sp("b", 6, 8), sp("a", 0, 2)}, "[a:aa] bb [b:cc]"},
		{"overlap merges", "abcdefgh", []store.Span{sp("x", 1, 4), sp("y", 3, 6)}, "a[x,y:bcdef]gh"},
		{"nested", "abcdefgh", []store.Span{sp("x", 1, 7), sp("x", 2, 3)}, "a[x:bcdefg]h"},
		{"adjacent stay apart", "abcd", []store.Span{sp("x", 0, 2), sp("y", 2, 4)}, "[x:ab][y:cd]"},
		{"out of range dropped", "abc", []store.Span{sp("x", 2, 10), sp("x", -1, 1), sp("x", 2, 2), sp("x", 3, 1)}, "abc"},
		// "é" is 2 bytes, "€" 3: offsets inside them widen to the whole character.
		{"split start", "café time", []store.Span{sp("x", 4, 10)}, "caf[x:é time]"},
		{"split end", "a€b", []store.Span{sp("x", 0, 2)}, "[x:a€]b"},
		{"inside one char", "€", []store.Span{sp("x", 1, 2)}, "[x:€]"},
		{"invalid utf8", "a\xffb", []store.Span{sp("x", 1, 2)}, "a[x:\ufffd]b"},
		{"bidi and zero width", "a\u202eb\u200bc", nil, "a<U+202E>b<U+200B>c"},
		{"controls", "a\x1b[31mb\x00", nil, "a<U+001B>[31mb<U+0000>"},
		{"newlines kept", "line1\nline2\tx", nil, "line1\nline2\tx"},
		{"emoji joiner kept", "👩\u200d👩", nil, "👩\u200d👩"},
		{"hostile markup is text", hostile, []store.Span{sp("offensive", 0, 4)}, "[offensive:<img] src=x onerror=alert(1)><script>alert(2)</script>"},
	} {
		if got := render(Highlight(tc.text, tc.spans)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// FuzzHighlight checks that any text and spans give valid UTF-8 pieces
// that put together give the text back (with invalid bytes replaced), and
// that marks never overlap or go out of order.
func FuzzHighlight(f *testing.F) {
	f.Add("you absolute scrote", 13, 19, 0, 3)
	f.Add("café€\xff\u202e", 4, 6, 5, 9)
	f.Add(hostile, 0, 4, 30, 1000)
	f.Add("", 0, 0, -5, 5)
	f.Fuzz(func(t *testing.T, text string, s1, e1, s2, e2 int) {
		segs := Highlight(text, []store.Span{{Category: "a", Start: s1, End: e1}, {Category: "b", Start: s2, End: e2}})
		var b strings.Builder
		for _, s := range segs {
			if s.Mark && len(s.Categories) == 0 {
				t.Fatal("mark without a category")
			}
			if len(s.Pieces) == 0 {
				t.Fatalf("empty segment in %q", text)
			}
			for _, p := range s.Pieces {
				if !utf8.ValidString(p.Text) {
					t.Fatalf("invalid UTF-8 piece %q", p.Text)
				}
				if p.Code != "" && utf8.RuneCountInString(p.Text) != 1 {
					t.Fatalf("code piece %q holds %q", p.Code, p.Text)
				}
				b.WriteString(p.Text)
			}
		}
		if want := perByte(text); b.String() != want {
			t.Fatalf("pieces give %q, want %q", b.String(), want)
		}
	})
}

// perByte is text with each invalid byte replaced by U+FFFD (unlike
// strings.ToValidUTF8, which folds a run of them into one).
func perByte(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(text[i : i+n])
		}
		i += n
	}
	return b.String()
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":             "plain",
		"a\u202eb":          "a⟨U+202E⟩b",
		"two\nlines\tx":     "two lines x",
		"bad\xffbyte":       "bad\ufffdbyte",
		"esc\x1b[0m":        "esc⟨U+001B⟩[0m",
		"<b>markup</b> ok.": "<b>markup</b> ok.", // html/template escapes it
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEvidenceRows(t *testing.T) {
	rows := evidenceRows("abc def", []store.Span{
		{Category: "x", Start: 4, End: 7, Text: "def"},
		{Category: "x", Start: 0, End: 3, Text: "xyz"},
		{Category: "x", Start: 5, End: 99},
	})
	if !rows[0].Valid || rows[0].Differs || rows[0].Text[0].Text != "def" {
		t.Errorf("row 0: %+v", rows[0])
	}
	if !rows[1].Differs {
		t.Errorf("row 1 should differ from its recorded text: %+v", rows[1])
	}
	if rows[2].Valid {
		t.Errorf("row 2 is out of range: %+v", rows[2])
	}
}

// ourTags are the only tags HTML may write.
var ourTags = regexp.MustCompile(`<mark class="ev( cat-[a-z]+)*" title="[^"<>]*">|</mark>|<span class="cc" title="invisible or direction-changing character">|</span>`)

// FuzzHTML checks that rendered evidence holds no markup but its own: with
// our tags removed, no <, > or quote is left unescaped, and unescaping
// gives the text back.
func FuzzHTML(f *testing.F) {
	f.Add(hostile, 0, 4, "offensive", "term: <b>")
	f.Add("a\u202e\"b'c&d", 1, 3, `"><script>`, "x")
	f.Add("caf\xc3\xa9 \xff", 2, 5, "procedure", "")
	f.Fuzz(func(t *testing.T, text string, start, end int, cat, reason string) {
		segs := Highlight(text, []store.Span{{Category: cat, Start: start, End: end, Reason: reason}})
		out := string(HTML(segs))
		rest := ourTags.ReplaceAllString(out, "")
		if strings.ContainsAny(rest, "<>\"'") {
			t.Fatalf("unescaped markup in %q (from %q)", rest, out)
		}
		var want strings.Builder
		for _, s := range segs {
			for _, p := range s.Pieces {
				if p.Code != "" {
					want.WriteString(p.Code)
				} else {
					want.WriteString(p.Text)
				}
			}
		}
		if got := html.UnescapeString(rest); got != want.String() {
			t.Fatalf("unescaped %q, want %q", got, want.String())
		}
	})
}
