package classify

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// An unanchored regexp search tries every position of a window, and for a
// pattern starting \b(?:word|word|...) each try walks the alternatives:
// most of the cost of a pattern. When every match must begin with one of a
// few strings, an anchor finds the positions where they begin and runs the
// pattern anchored there, which finds the same matches: the matches of
// FindAllIndex are, from the left, the first positions where an anchored
// match succeeds, and nothing of the text before a position changes what
// an anchored match there does, except a \b at that position, which is
// checked here.

// anchor finds the matches of a lowered pattern from the strings every
// match begins with.
type anchor struct {
	re        *regexp.Regexp // ^(?:pattern)
	starts    *strSet        // the strings every match begins with
	wordStart bool           // the pattern starts \b and every string with a word byte
	// lead, when not nil, says that the pattern begins with a part that
	// is ^ or one of these ASCII bytes ("(?:^|[\s(:])"), and starts are
	// the strings that follow it: past the text's first byte, a match
	// begins a byte before a start. There, reMid, where the pattern's ^
	// never matches, runs anchored.
	lead  *[256]bool
	reMid *regexp.Regexp
	// gap and then, when not nil, say that the starts are followed by one
	// or more bytes of gap ("\s+") and then one of the strings then, none
	// of which begins with a gap byte: a start that is not is passed over
	// without running the pattern.
	gap  *[256]bool
	then *strSet
}

// maxStarts bounds the strings of an anchor.
const maxStarts = 64

// newAnchor returns the anchor of a lowered pattern, or nil.
func newAnchor(lower *regexp.Regexp) *anchor {
	t, err := syntax.Parse(lower.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	subs := []*syntax.Regexp{t}
	if t.Op == syntax.OpConcat {
		subs = t.Sub
	}
	a := &anchor{}
	if len(subs) > 0 && subs[0].Op == syntax.OpWordBoundary {
		a.wordStart = true
		subs = subs[1:]
	}
	if lead := leadBytes(subs); lead != nil && !a.wordStart {
		return newLeadAnchor(lower, t, lead, subs[1:])
	}
	// the leading parts with few spellings and no assertion (which would
	// look at the text before the start) spell the starts
	starts := []string{""}
	k := 0 // the parts the starts spell
	for _, s := range subs {
		e := exact(s)
		if e == nil || hasAssertion(s) || len(starts)*len(e) > maxStarts {
			break
		}
		starts = cross(starts, e)
		k++
	}
	if minLen(starts) == 0 {
		// the first part has many spellings; a class of ASCII bytes, or a
		// repeat of one, still gives the first byte
		if len(subs) == 0 {
			return nil
		}
		starts = firstBytes(subs[0])
		if starts == nil {
			return nil
		}
	} else if k+1 < len(subs) {
		a.gap, a.then = gapThen(subs[k], subs[k+1])
	}
	for _, s := range starts {
		if a.wordStart && !isWordByte(s[0]) {
			return nil
		}
	}
	a.starts = newStrSet(starts)
	re, err := regexp.Compile(`^(?:` + lower.String() + `)`)
	if err != nil {
		return nil
	}
	a.re = re
	return a
}

// firstBytes returns the bytes a match of t begins with, when t is a
// class of ASCII bytes or a repeat of one that cannot match empty.
func firstBytes(t *syntax.Regexp) []string {
	switch t.Op {
	case syntax.OpPlus:
		return firstBytes(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return firstBytes(t.Sub[0])
		}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(t.Rune); i += 2 {
			if t.Rune[i+1] >= 0x80 || len(out)+int(t.Rune[i+1]-t.Rune[i]) >= maxStarts {
				return nil
			}
			for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out
	}
	return nil
}

func hasAssertion(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range t.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
}

// isWordByte is syntax.IsWordChar for a byte: a byte of a rune outside
// ASCII belongs to no word.
func isWordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
}

// leadBytes returns the bytes of a leading part of subs that is an
// alternation of ^ and ASCII bytes, or nil.
func leadBytes(subs []*syntax.Regexp) *[256]bool {
	if len(subs) < 2 || subs[0].Op != syntax.OpAlternate {
		return nil
	}
	var lead [256]bool
	for _, b := range subs[0].Sub {
		switch b.Op {
		case syntax.OpBeginText:
		case syntax.OpCharClass:
			if !addASCIIClass(&lead, b) {
				return nil
			}
		case syntax.OpLiteral:
			if len(b.Rune) != 1 || b.Rune[0] >= utf8.RuneSelf || b.Flags&syntax.FoldCase != 0 {
				return nil
			}
			lead[b.Rune[0]] = true
		default:
			return nil
		}
	}
	return &lead
}

// addASCIIClass adds the bytes of the character class c to set, and
// reports false, leaving set partly filled, when c holds a rune beyond
// ASCII.
func addASCIIClass(set *[256]bool, c *syntax.Regexp) bool {
	for i := 0; i+1 < len(c.Rune); i += 2 {
		if c.Rune[i+1] >= utf8.RuneSelf {
			return false
		}
		for r := c.Rune[i]; r <= c.Rune[i+1]; r++ {
			set[r] = true
		}
	}
	return true
}

// newLeadAnchor returns the anchor of a lowered pattern t whose first part
// has the bytes lead, followed by rest, or nil.
func newLeadAnchor(lower *regexp.Regexp, t *syntax.Regexp, lead *[256]bool, rest []*syntax.Regexp) *anchor {
	if hasAssertion(&syntax.Regexp{Op: syntax.OpConcat, Sub: rest}) || hasBeginLine(t) {
		return nil // kept simple: nothing but the lead's ^ looks around
	}
	starts := []string{""}
	for _, s := range rest {
		e := exact(s)
		if e == nil || len(starts)*len(e) > maxStarts {
			break
		}
		starts = cross(starts, e)
	}
	if minLen(starts) == 0 {
		return nil
	}
	re, err := regexp.Compile(`^(?:` + lower.String() + `)`)
	if err != nil {
		return nil
	}
	mid, err := regexp.Compile(`^(?:` + noBegin(t).String() + `)`)
	if err != nil {
		return nil
	}
	return &anchor{re: re, reMid: mid, starts: newStrSet(starts), lead: lead}
}

// hasBeginLine reports whether t holds a ^ of multi-line mode, which
// matches after a newline.
func hasBeginLine(t *syntax.Regexp) bool {
	if t.Op == syntax.OpBeginLine {
		return true
	}
	for _, s := range t.Sub {
		if hasBeginLine(s) {
			return true
		}
	}
	return false
}

// noBegin returns a copy of t in which ^ never matches.
func noBegin(t *syntax.Regexp) *syntax.Regexp {
	if t.Op == syntax.OpBeginText {
		return &syntax.Regexp{Op: syntax.OpNoMatch}
	}
	c := *t
	c.Sub = make([]*syntax.Regexp, len(t.Sub))
	for i, s := range t.Sub {
		c.Sub[i] = noBegin(s)
	}
	return &c
}

// findAll is re.FindAllIndex(text, n) for the pattern of the anchor,
// appended to locs as start, end pairs.
func (a *anchor) findAll(text []byte, n int, locs []int) []int {
	if a.lead != nil {
		return a.findAllLead(text, n, locs)
	}
	for pos, found := 0, 0; pos < len(text) && found < n; {
		p := a.next(text, pos)
		if p < 0 {
			break
		}
		loc := a.re.FindIndex(text[p:])
		if loc == nil {
			pos = p + 1
			continue
		}
		locs = append(locs, p, p+loc[1])
		found++
		pos = p + loc[1]
		if loc[1] == 0 {
			pos++ // cannot happen: lowered patterns do not match ""
		}
	}
	return locs
}

// next returns the first position from pos where a start string begins
// (at a word start, for wordStart), or -1.
func (a *anchor) next(text []byte, pos int) int {
	for p := pos; p < len(text); p++ {
		if !a.starts.may(text, p) || a.wordStart && p > 0 && isWordByte(text[p-1]) {
			continue
		}
		if a.then == nil {
			if a.starts.at(text, p) {
				return p
			}
			continue
		}
		for _, str := range a.starts.lists[a.starts.first[text[p]]-1] {
			if a.follows(text, p, str) {
				return p
			}
		}
	}
	return -1
}

// follows reports whether str begins at text[p], followed by gap bytes
// and one of the strings then.
func (a *anchor) follows(text []byte, p int, str []byte) bool {
	if !bytes.HasPrefix(text[p:], str) {
		return false
	}
	j := p + len(str)
	if j >= len(text) || !a.gap[text[j]] {
		return false
	}
	for j < len(text) && a.gap[text[j]] {
		j++
	}
	return j < len(text) && a.then.at(text, j)
}

// gapThen returns, when gap is a repeat of at least one of a class of
// ASCII bytes and then is spelled by a few strings, none empty or
// beginning with a byte of the class, the bytes and the strings; else
// nils.
func gapThen(gap, then *syntax.Regexp) (*[256]bool, *strSet) {
	switch {
	case gap.Op == syntax.OpPlus, gap.Op == syntax.OpRepeat && gap.Min >= 1:
	default:
		return nil, nil
	}
	class := gap.Sub[0]
	if class.Op != syntax.OpCharClass {
		return nil, nil
	}
	var set [256]bool
	if !addASCIIClass(&set, class) {
		return nil, nil
	}
	strs := exact(then)
	if strs == nil || len(strs) > maxStarts || minLen(strs) == 0 {
		return nil, nil
	}
	for _, s := range strs {
		if set[s[0]] {
			return nil, nil
		}
	}
	return &set, newStrSet(strs)
}

// findAllLead is findAll for an anchor with a lead: the first byte may
// begin a match on ^; past it, a match begins with a lead byte before a
// start string.
func (a *anchor) findAllLead(text []byte, n int, locs []int) []int {
	found, pos := 0, 0
	if len(text) > 0 && n > 0 {
		if loc := a.re.FindIndex(text); loc != nil {
			locs = append(locs, 0, loc[1])
			found++
			pos = max(loc[1], 1)
		} else {
			pos = 1
		}
	}
	for found < n && pos < len(text) {
		q := a.starts.index(text, pos+1) // a start after a lead byte at pos or later
		if q < 0 {
			break
		}
		p := q - 1
		if !a.lead[text[p]] {
			pos = p + 1
			continue
		}
		loc := a.reMid.FindIndex(text[p:])
		if loc == nil {
			pos = p + 1
			continue
		}
		locs = append(locs, p, p+loc[1])
		found++
		pos = p + max(loc[1], 1)
	}
	return locs
}
