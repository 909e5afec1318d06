package web

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/psd-tools/exposure/store"
)

// Segment is a run of post text, either plain or marked as evidence.
type Segment struct {
	Mark       bool
	Categories []string
	Reasons    []string
	Pieces     []Piece
}

// Piece is printable text, or one invisible or direction-changing
// character shown as a labelled code (Code "U+202E") so that hidden
// content in a hostile post is visible to the reviewer and cannot reorder
// the page around it.
type Piece struct {
	Text string
	Code string
}

// Highlight splits text into segments with the evidence spans marked.
// Spans are byte offsets into text, and come from a classifier that may be
// wrong and from a file that may be corrupt, so: spans outside the text or
// empty are dropped, offsets that split a UTF-8 sequence are widened to the
// whole character, and overlapping spans are merged into one mark carrying
// both categories. Invalid UTF-8 is shown as U+FFFD. Concatenating the
// pieces' Text (with each Code piece standing for its character) gives the
// valid-UTF-8 form of text back.
func Highlight(text string, spans []store.Span) []Segment {
	type mark struct {
		start, end int
		cats       []string
		reasons    []string
	}
	var marks []mark
	for _, s := range spans {
		start, end := s.Start, s.End
		if start < 0 || end > len(text) || start >= end {
			continue
		}
		start, end = runeBounds(text, start, end)
		m := mark{start: start, end: end}
		if s.Category != "" {
			m.cats = []string{s.Category}
		}
		if s.Reason != "" {
			m.reasons = []string{s.Reason}
		}
		marks = append(marks, m)
	}
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].start < marks[j].start })
	var merged []mark
	for _, m := range marks {
		if n := len(merged); n > 0 && m.start < merged[n-1].end {
			last := &merged[n-1]
			last.end = max(last.end, m.end)
			last.cats = addUnique(last.cats, m.cats...)
			last.reasons = addUnique(last.reasons, m.reasons...)
			continue
		}
		merged = append(merged, m)
	}
	var out []Segment
	pos := 0
	for _, m := range merged {
		if m.start > pos {
			out = append(out, Segment{Pieces: pieces(text[pos:m.start])})
		}
		out = append(out, Segment{Mark: true, Categories: m.cats, Reasons: m.reasons, Pieces: pieces(text[m.start:m.end])})
		pos = m.end
	}
	if pos < len(text) {
		out = append(out, Segment{Pieces: pieces(text[pos:])})
	}
	return out
}

// runeBounds widens [start, end) to whole characters as the text decodes
// from its beginning, so that a stray continuation byte cannot pull a
// boundary into the middle of the character before it.
func runeBounds(text string, start, end int) (int, int) {
	s, e := 0, len(text)
	for i := 0; i < len(text); {
		if i <= start {
			s = i
		}
		if i >= end {
			e = i
			break
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return s, e
}

func addUnique(list []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, x := range list {
			if x == a {
				found = true
				break
			}
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

// pieces splits s into printable text and labelled invisible characters.
func pieces(s string) []Piece {
	var out []Piece
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, Piece{Text: b.String()})
			b.Reset()
		}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) || invisible(r):
			flush()
			out = append(out, Piece{Text: string(r), Code: fmt.Sprintf("U+%04X", r)})
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	flush()
	return out
}

// invisible reports characters that change text direction or take no
// space: they can hide or reorder words, so reviewers see them labelled.
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true // bidi embeddings, overrides, isolates and marks
	case r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x00AD:
		// Zero-width space, word joiner, BOM, soft hyphen. The zero-width
		// joiners (U+200C, U+200D) are left alone: emoji and several
		// scripts need them.
		return true
	}
	return false
}

// Plain is Highlight's output flattened back to a string, for tests and
// for places that show text without marks.
func Plain(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		for _, p := range s.Pieces {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// HTML renders segments as HTML: marks as <mark class="ev cat-…"> with the
// categories and reasons in a title, codes as <span class="cc">. It is
// written out here rather than with nested templates because the queue
// renders fifty of these per request and template calls per piece
// dominated its cost; every piece of text and every attribute value goes
// through template.HTMLEscapeString, which escapes all five of & < > " '
// (FuzzHTML checks the output).
func HTML(segs []Segment) template.HTML {
	var b strings.Builder
	for _, s := range segs {
		if s.Mark {
			b.WriteString(`<mark class="ev`)
			for _, c := range s.Categories {
				b.WriteString(" " + catClass(c))
			}
			title := strings.Join(s.Categories, ", ")
			if len(s.Reasons) > 0 {
				title += ": " + strings.Join(s.Reasons, "; ")
			}
			b.WriteString(`" title="`)
			b.WriteString(template.HTMLEscapeString(clean(title)))
			b.WriteString(`">`)
		}
		for _, p := range s.Pieces {
			if p.Code != "" {
				b.WriteString(`<span class="cc" title="invisible or direction-changing character">`)
				b.WriteString(template.HTMLEscapeString(p.Code))
				b.WriteString(`</span>`)
				continue
			}
			b.WriteString(template.HTMLEscapeString(p.Text))
		}
		if s.Mark {
			b.WriteString(`</mark>`)
		}
	}
	return template.HTML(b.String())
}
