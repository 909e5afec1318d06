package identify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token flags.
const (
	fUpper uint8 = 1 << iota // every letter a capital, two or more letters ("PC", "MPS")
	fTitle                   // first letter a capital
	fNum                     // digits only
	fHard                    // a full stop, bar, emoji or field start comes before it
	fSoft                    // a comma, bracket or slash comes before it
	fJoin                    // a hyphen or camelCase joins it to the previous token
	fPoss                    // the previous word had a possessive 's ("copper's wife")
	fComma                   // a comma comes before it (with fSoft)
)

// word is one normalised word of a text: lowercase ASCII where the text
// allows (accents, fancy Unicode letters and fullwidth forms are folded),
// with the byte span of the original text it came from.
type word struct {
	start, end int32
	flags      uint8
}

// scanner splits text into words. It calls emit for each word with the
// normalised bytes (valid until the next call) and the word's flags. Callers
// keep one scanner per goroutine: it reuses its buffers.
type scanner struct {
	norm  []byte  // normalised letters of the current run
	kinds []uint8 // per normalised byte: kLower, kUpper, kDigit, kOther
	offs  []int32 // per normalised byte: offset of its rune in the text
	brk   uint8   // break flags waiting for the next word
}

const (
	kLower uint8 = iota
	kUpper
	kDigit
	kOther
)

// sink receives one alphanumeric run: normalised bytes, per-byte kinds and
// offsets, the end offset in the text, and the break flags before it. The
// slices are reused after run returns.
type sink interface {
	run(norm []byte, kinds []uint8, offs []int32, end int32, brk uint8)
}

// scan walks text and calls out.run for every alphanumeric run. Hyphens and
// underscores split runs without a break; "&" becomes the run "and"; an
// apostrophe inside a word is dropped, and a possessive "'s" with it.
func (s *scanner) scan(text string, out sink) {
	s.norm, s.kinds, s.offs = s.norm[:0], s.kinds[:0], s.offs[:0]
	s.brk = fHard
	flush := func(end int32) {
		if len(s.norm) > 0 {
			out.run(s.norm, s.kinds, s.offs, end, s.brk)
			s.brk = 0
			s.norm, s.kinds, s.offs = s.norm[:0], s.kinds[:0], s.offs[:0]
		}
	}
	n := len(text)
	for i := 0; i < n; {
		c := text[i]
		if c < utf8.RuneSelf {
			if k := asciiKind[c]; k != kOther {
				// Fast path: the rest of an ASCII word in one loop.
				j := i
				for ; j < n; j++ {
					c = text[j]
					if c >= utf8.RuneSelf {
						break
					}
					k = asciiKind[c]
					if k == kOther {
						break
					}
					if k == kUpper {
						c += 'a' - 'A'
					}
					s.norm = append(s.norm, c)
					s.kinds = append(s.kinds, k)
					s.offs = append(s.offs, int32(j))
				}
				i = j
				continue
			}
			switch {
			case c == '\'':
				i += s.apostrophe(text, i, 1, flush)
				continue
			case c == '-' || c == '_':
				flush(int32(i))
				s.brk |= fJoin
			case c == '&':
				flush(int32(i))
				s.norm = append(s.norm, 'a', 'n', 'd')
				s.kinds = append(s.kinds, kLower, kLower, kLower)
				s.offs = append(s.offs, int32(i), int32(i), int32(i))
				out.run(s.norm, s.kinds, s.offs, int32(i+1), s.brk)
				s.brk = 0
				s.norm, s.kinds, s.offs = s.norm[:0], s.kinds[:0], s.offs[:0]
			case c == ' ' || c == '@' || c == '#' || c == '%':
				// "10% for police": a percentage is one item with what
				// follows it.
				flush(int32(i))
			case c == '.' || c == '!' || c == '?' || c == ';' || c == '|' || c == '\n' || c == '\r' || c == '\t':
				flush(int32(i))
				s.brk |= fHard
			case c == ',':
				flush(int32(i))
				s.brk |= fSoft | fComma
			default:
				flush(int32(i))
				s.brk |= fSoft
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\u2019' || r == '\u02bc':
			i += s.apostrophe(text, i, size, flush)
			continue
		case r >= 0x1F1E6 && r <= 0x1F1FF:
			// A pair of regional indicators is a flag: the word "flag" and
			// the country code ("🇺🇸" is "flagus").
			r2, size2 := utf8.DecodeRuneInString(text[i+size:])
			flush(int32(i))
			if r2 >= 0x1F1E6 && r2 <= 0x1F1FF {
				s.flag(int32(i), byte('a'+r-0x1F1E6), byte('a'+r2-0x1F1E6))
				out.run(s.norm, s.kinds, s.offs, int32(i+size+size2), s.brk|fHard)
				s.norm, s.kinds, s.offs = s.norm[:0], s.kinds[:0], s.offs[:0]
				size += size2
			}
			s.brk = fHard
		case r == 0x1F3F4:
			// A black flag with tag letters is a subdivision flag
			// ("🏴󠁧󠁢󠁷󠁬󠁳󠁿" is "flaggbwls").
			flush(int32(i))
			j := i + size
			s.flag(int32(i))
			for j < n {
				t, ts := utf8.DecodeRuneInString(text[j:])
				if t >= 0xE0061 && t <= 0xE007A {
					s.add(byte('a'+t-0xE0061), kLower, int32(i))
				} else if t != 0xE007F {
					break
				}
				j += ts
			}
			if len(s.norm) > 4 {
				out.run(s.norm, s.kinds, s.offs, int32(j), s.brk|fHard)
			}
			s.norm, s.kinds, s.offs = s.norm[:0], s.kinds[:0], s.offs[:0]
			s.brk = fHard
			size = j - i
		case r == 0x1F46E:
			// The police officer emoji is the word "emojipolice", an item
			// of its own: rules can list it as a role ("👮‍♀️ Lancs Police").
			flush(int32(i))
			for _, b := range []byte("emojipolice") {
				s.add(b, kLower, int32(i))
			}
			out.run(s.norm, s.kinds, s.offs, int32(i+size), s.brk|fHard)
			s.norm, s.kinds, s.offs = s.norm[:0], s.kinds[:0], s.offs[:0]
			s.brk = fHard
		case r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) ||
			(r >= 0xE0000 && r <= 0xE007F) || unicode.Is(unicode.Mn, r):
			// Joiners, variation selectors, skin tones, tags and combining
			// marks belong to what they follow.
		default:
			if f, k, ok := fold(r); ok {
				for j := 0; j < len(f); j++ {
					s.add(f[j], k, int32(i))
				}
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				lr := unicode.ToLower(r)
				k := kOther
				if lr != r {
					k = kUpper
				}
				var buf [4]byte
				m := utf8.EncodeRune(buf[:], lr)
				for _, b := range buf[:m] {
					s.add(b, k, int32(i))
				}
			} else {
				flush(int32(i))
				switch {
				case r == '\u2014' || r == '\u2013' || r == '\u2010' || r == '\u2011':
					s.brk |= fSoft
				case r == '\u2022' || r == '\u00b7' || r == '\u2026' || r == '\u2028' || r == '\u2029' ||
					unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r >= 0x1F000:
					s.brk |= fHard
				case unicode.IsSpace(r):
				default:
					s.brk |= fSoft
				}
			}
		}
		i += size
	}
	flush(int32(n))
}

func (s *scanner) add(b byte, k uint8, off int32) {
	s.norm = append(s.norm, b)
	s.kinds = append(s.kinds, k)
	s.offs = append(s.offs, off)
}

func (s *scanner) flag(off int32, letters ...byte) {
	for _, b := range []byte("flag") {
		s.add(b, kLower, off)
	}
	for _, b := range letters {
		s.add(b, kLower, off)
	}
}

// apostrophe handles ' or ’ at text[i] (size bytes): inside a word it is
// dropped ("don't" is "dont"), and "'s" ending a word goes with it
// ("copper's" is "copper"). It returns how many bytes it consumed.
func (s *scanner) apostrophe(text string, i, size int, flush func(int32)) int {
	if len(s.norm) == 0 {
		s.brk |= fSoft
		return size
	}
	j := i + size
	if j < len(text) && (text[j] == 's' || text[j] == 'S') && (j+1 == len(text) || !isWordByte(text[j+1])) {
		flush(int32(i))
		// "My son's a PCSO": 's before an article is "is", not a possessive.
		if rest := text[j+1:]; strings.HasPrefix(rest, " a ") || strings.HasPrefix(rest, " an ") {
			s.add('i', kLower, int32(i))
			s.add('s', kLower, int32(j))
			flush(int32(j + 1))
			return size + 1
		}
		s.brk |= fPoss
		return size + 1
	}
	if j < len(text) && isWordByte(text[j]) {
		return size
	}
	flush(int32(i))
	s.brk |= fSoft
	return size
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// fold maps a non-ASCII letter or digit to ASCII: accented Latin letters,
// the mathematical alphanumerics people use for bold or script names
// ("𝐏𝐂"), fullwidth and circled forms. ok is false for anything else.
func fold(r rune) (out string, k uint8, ok bool) {
	switch {
	case r >= 0xC0 && r <= 0x17F:
		if f, found := latin[r]; found {
			if unicode.IsUpper(r) {
				return f, kUpper, true
			}
			return f, kLower, true
		}
	case r >= 0x1D400 && r <= 0x1D6A3:
		off := int(r - 0x1D400)
		idx := off % 52
		if idx < 26 {
			return asciiLower[idx : idx+1], kUpper, true
		}
		return asciiLower[idx-26 : idx-25], kLower, true
	case r >= 0x1D7CE && r <= 0x1D7FF:
		d := int(r-0x1D7CE) % 10
		return digits[d : d+1], kDigit, true
	case r >= 0xFF21 && r <= 0xFF3A:
		d := int(r - 0xFF21)
		return asciiLower[d : d+1], kUpper, true
	case r >= 0xFF41 && r <= 0xFF5A:
		d := int(r - 0xFF41)
		return asciiLower[d : d+1], kLower, true
	case r >= 0xFF10 && r <= 0xFF19:
		d := int(r - 0xFF10)
		return digits[d : d+1], kDigit, true
	case r >= 0x24B6 && r <= 0x24CF:
		d := int(r - 0x24B6)
		return asciiLower[d : d+1], kUpper, true
	case r >= 0x24D0 && r <= 0x24E9:
		d := int(r - 0x24D0)
		return asciiLower[d : d+1], kLower, true
	case r >= 0x1F130 && r <= 0x1F149:
		d := int(r - 0x1F130)
		return asciiLower[d : d+1], kUpper, true
	case r >= 0x1F170 && r <= 0x1F189:
		d := int(r - 0x1F170)
		return asciiLower[d : d+1], kUpper, true
	}
	if f, found := letterlike[r]; found {
		if f[0] >= 'A' && f[0] <= 'Z' {
			d := int(f[0] - 'A')
			return asciiLower[d : d+1], kUpper, true
		}
		return f, kLower, true
	}
	return "", 0, false
}

// asciiKind classifies ASCII bytes: kOther for anything not a letter or digit.
var asciiKind = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z':
			t[c] = kLower
		case c >= 'A' && c <= 'Z':
			t[c] = kUpper
		case c >= '0' && c <= '9':
			t[c] = kDigit
		default:
			t[c] = kOther
		}
	}
	return t
}()

const (
	asciiLower = "abcdefghijklmnopqrstuvwxyz"
	digits     = "0123456789"
)

// letterlike holds the mathematical letters that Unicode keeps outside the
// mathematical block (the "holes" in script, fraktur and double-struck).
var letterlike = map[rune]string{
	0x210E: "h", 0x212C: "B", 0x2130: "E", 0x2131: "F", 0x210B: "H", 0x2110: "I",
	0x2112: "L", 0x2133: "M", 0x211B: "R", 0x212F: "e", 0x210A: "g", 0x2134: "o",
	0x212D: "C", 0x210C: "H", 0x2111: "I", 0x211C: "R", 0x2128: "Z", 0x2102: "C",
	0x210D: "H", 0x2115: "N", 0x2119: "P", 0x211A: "Q", 0x211D: "R", 0x2124: "Z",
}

// latin folds Latin-1 and Latin Extended-A letters, Welsh circumflexes
// included, to ASCII.
var latin = func() map[rune]string {
	m := map[rune]string{}
	groups := []struct {
		to    string
		runes string
	}{
		{"a", "àáâãäåāăąÀÁÂÃÄÅĀĂĄ"}, {"ae", "æÆ"}, {"c", "çćĉċčÇĆĈĊČ"}, {"d", "ďđðĎĐÐ"},
		{"e", "èéêëēĕėęěÈÉÊËĒĔĖĘĚ"}, {"g", "ĝğġģĜĞĠĢ"}, {"h", "ĥħĤĦ"},
		{"i", "ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ"}, {"ij", "ĳĲ"}, {"j", "ĵĴ"}, {"k", "ķĸĶ"},
		{"l", "ĺļľŀłĹĻĽĿŁ"}, {"n", "ñńņňŉŋÑŃŅŇŊ"}, {"o", "òóôõöøōŏőÒÓÔÕÖØŌŎŐ"},
		{"oe", "œŒ"}, {"r", "ŕŗřŔŖŘ"}, {"s", "śŝşšſŚŜŞŠ"}, {"ss", "ß"}, {"t", "ţťŧŢŤŦ"},
		{"th", "þÞ"}, {"u", "ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ"}, {"w", "ŵŴ"}, {"y", "ýÿŷÝŶŸ"},
		{"z", "źżžŹŻŽ"},
	}
	for _, g := range groups {
		for _, r := range g.runes {
			m[r] = g.to
		}
	}
	return m
}()
