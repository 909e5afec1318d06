package classify

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Most patterns are written (?i), and case folding is the costly part of
// matching them: every literal rune goes through unicode.SimpleFold. On a
// copy of the post with ASCII letters lower-cased, a pattern with its
// literals lower-cased and no folding finds exactly the same matches, as
// long as every piece of the pattern treats a letter and its ASCII case
// partner alike and the post holds none of the two non-ASCII runes that
// fold to an ASCII letter. Lower-casing ASCII keeps every byte offset, and
// invalid UTF-8 decodes the same.

// foldsToASCII are the runes outside ASCII whose case folding orbit holds
// an ASCII letter: the Kelvin sign (k) and the long s (s). A post holding
// one is matched with the original patterns.
var foldsToASCII = []string{"\u017f", "\u212a"}

// lowerPattern returns re rewritten to match the ASCII-lower-cased text
// with no case folding, or nil when that would not match the same.
func lowerPattern(src string) *regexp.Regexp {
	t, err := syntax.Parse(src, syntax.Perl)
	if err != nil || !lowerTree(t) {
		return nil
	}
	re, err := regexp.Compile(t.String())
	if err != nil {
		return nil
	}
	return re
}

// lowerTree rewrites t in place; false means t cannot be rewritten.
func lowerTree(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpLiteral:
		fold := t.Flags&syntax.FoldCase != 0
		for i, r := range t.Rune {
			switch {
			case isASCIILetter(r):
				if !fold {
					// case-sensitive: the lowered text would let the
					// other case match too
					return false
				}
				t.Rune[i] = r | 0x20
			case fold && unicode.SimpleFold(r) != r:
				return false // a non-ASCII letter that has cases
			}
		}
		t.Flags &^= syntax.FoldCase
	case syntax.OpCharClass:
		// a class must hold a letter and its other case alike (the parser
		// adds the other case under (?i)); the lowered text only holds the
		// lower one
		for r := 'a'; r <= 'z'; r++ {
			if inClass(t.Rune, r) != inClass(t.Rune, r-0x20) {
				return false
			}
		}
	}
	for _, s := range t.Sub {
		if !lowerTree(s) {
			return false
		}
	}
	return true
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// inClass reports whether r is in the ranges of a char class.
func inClass(ranges []rune, r rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] <= r && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// lowerASCII appends text with A-Z lower-cased to b. ok is false when text
// holds a rune that folds to an ASCII letter, where the lowered patterns do
// not apply.
func lowerASCII(b []byte, text string) (_ []byte, ok bool) {
	n := len(b)
	b = append(b, text...)
	low := b[n:]
	var high uint64 // the high bits of the bytes: some are not ASCII
	i := 0
	for ; i+8 <= len(low); i += 8 {
		// eight bytes at a time: set 0x20 in the bytes from 'A' to 'Z'
		x := binary.LittleEndian.Uint64(low[i:])
		h := x & 0x7f7f7f7f7f7f7f7f
		ge := h + 0x3f3f3f3f3f3f3f3f // high bit: at least 'A'
		gt := h + 0x2525252525252525 // high bit: past 'Z'
		upper := (ge &^ gt &^ x) & 0x8080808080808080
		binary.LittleEndian.PutUint64(low[i:], x|upper>>2)
		high |= x
	}
	for ; i < len(low); i++ {
		c := low[i]
		if c-'A' < 26 {
			low[i] = c | 0x20
		}
		high |= uint64(c)
	}
	if high&0x8080808080808080 != 0 {
		for _, s := range foldsToASCII {
			if strings.Contains(text, s) {
				return b, false
			}
		}
	}
	return b, true
}

// A prefilter is a condition a text must meet for a lowered pattern to
// match in it: for every clause, the text holds one of its strings. It
// spares running a pattern whose cue is present (a common word such as
// "court") when the rest of what the pattern needs is not. It is derived
// from the pattern itself, so it can only rule out texts the pattern does
// not match.
type prefilter []*strSet

// maxClauses bounds the work of checking a prefilter.
const maxClauses = 3

// newPrefilter derives the prefilter of a lowered pattern's source.
func newPrefilter(re *regexp.Regexp) prefilter {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	var cs [][]string
	for _, c := range clauses(t) {
		if minLen(c) >= 3 {
			cs = append(cs, c)
		}
	}
	// the most selective (longest shortest string) first
	slices.SortStableFunc(cs, func(a, b []string) int { return minLen(b) - minLen(a) })
	var pf prefilter
	for _, c := range cs[:min(len(cs), maxClauses)] {
		pf = append(pf, newStrSet(c))
	}
	return pf
}

// clauses returns conditions every match of t meets: each clause lists
// strings one of which is in the match.
func clauses(t *syntax.Regexp) [][]string {
	if e := exact(t); e != nil {
		return [][]string{e}
	}
	switch t.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return clauses(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return clauses(t.Sub[0])
		}
	case syntax.OpConcat:
		// every part is in the match; runs of parts with few spellings
		// join into one clause of their concatenations
		var out [][]string
		var run []string
		flush := func() {
			if run != nil {
				out = append(out, run)
				run = nil
			}
		}
		for _, s := range t.Sub {
			e := exact(s)
			switch {
			case e == nil:
				flush()
				out = append(out, clauses(s)...)
			case run == nil:
				run = e
			case len(run)*len(e) <= maxExact:
				run = cross(run, e)
			default:
				flush()
				run = e
			}
		}
		flush()
		return out
	case syntax.OpAlternate:
		// one alternative is in the match: the union of the best clause
		// of each
		var union []string
		for _, s := range t.Sub {
			cs := clauses(s)
			if len(cs) == 0 {
				return nil
			}
			best := cs[0]
			for _, c := range cs[1:] {
				if minLen(c) > minLen(best) {
					best = c
				}
			}
			union = append(union, best...)
		}
		return [][]string{union}
	}
	return nil
}

// maxExact bounds the spellings exact lists.
const maxExact = 64

// exact returns every text t matches in lower-cased text when they are
// few, or nil. Empty-width assertions match "": dropping them only widens
// the set. The upper-case letters and the runes of foldsToASCII that (?i)
// added to classes are left out, as a lower-cased text never holds them.
func exact(t *syntax.Regexp) []string {
	switch t.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 || slices.Contains(t.Rune, utf8.RuneError) {
			return nil // U+FFFD also matches a byte of invalid UTF-8
		}
		return []string{string(t.Rune)}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(t.Rune); i += 2 {
			for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
				if r >= 'A' && r <= 'Z' || r == 0x17f || r == 0x212a {
					continue
				}
				if len(out) == 4 || r == utf8.RuneError {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpCapture:
		return exact(t.Sub[0])
	case syntax.OpQuest:
		if e := exact(t.Sub[0]); e != nil && len(e) < maxExact {
			return append([]string{""}, e...)
		}
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range t.Sub {
			e := exact(s)
			if e == nil || len(out)*len(e) > maxExact {
				return nil
			}
			out = cross(out, e)
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, s := range t.Sub {
			e := exact(s)
			if e == nil || len(out)+len(e) > maxExact {
				return nil
			}
			out = append(out, e...)
		}
		return out
	}
	return nil
}

func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

func minLen(c []string) int {
	n := -1
	for _, s := range c {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return max(n, 0)
}

// pass reports whether text may hold a match.
func (pf prefilter) pass(text []byte) bool {
	for _, c := range pf {
		if c.index(text, 0) < 0 {
			return false
		}
	}
	return true
}

// strSet is a set of strings to look for in a text, by first byte: a
// search is one pass over the text, not one per string.
type strSet struct {
	first [256]uint8 // 1 + the index in lists of the strings starting with the byte; 0: none
	// pairs has bit pairBit(a, b) set for the first two bytes a, b of
	// every string, when every string has two (long2): most bytes of a
	// text begin a string's first byte ("t" of "the") but not its first
	// two, and a bit test is cheaper than comparing strings.
	pairs [1024 / 64]uint64
	long2 bool
	lists [][][]byte
	strs  []string // for messages
}

// pairBit folds two bytes to 10 bits: distinct for two lower-case letters
// or a space and a letter.
func pairBit(a, b byte) uint {
	return uint(a&31)<<5 | uint(b&31)
}

func newStrSet(strs []string) *strSet {
	s := &strSet{strs: strs, long2: true}
	for _, str := range strs {
		b := str[0]
		if s.first[b] == 0 {
			s.lists = append(s.lists, nil)
			s.first[b] = uint8(len(s.lists))
		}
		i := s.first[b] - 1
		s.lists[i] = append(s.lists[i], []byte(str))
		if len(str) < 2 {
			s.long2 = false
			continue
		}
		k := pairBit(str[0], str[1])
		s.pairs[k/64] |= 1 << (k % 64)
	}
	return s
}

// may reports whether a string of s may begin at text[p]: false only when
// none does.
func (s *strSet) may(text []byte, p int) bool {
	if s.first[text[p]] == 0 {
		return false
	}
	if s.long2 {
		if p+1 >= len(text) {
			return false
		}
		k := pairBit(text[p], text[p+1])
		return s.pairs[k/64]&(1<<(k%64)) != 0
	}
	return true
}

// at reports whether a string of s begins at text[p].
func (s *strSet) at(text []byte, p int) bool {
	i := s.first[text[p]]
	if i == 0 {
		return false
	}
	for _, str := range s.lists[i-1] {
		if bytes.HasPrefix(text[p:], str) {
			return true
		}
	}
	return false
}

// index returns the first position from p where a string of s begins, or
// -1.
func (s *strSet) index(text []byte, p int) int {
	for ; p < len(text); p++ {
		if s.may(text, p) && s.at(text, p) {
			return p
		}
	}
	return -1
}

func (s *strSet) String() string { return fmt.Sprintf("%q", s.strs) }
