package classify

import (
	"unicode"
	"unicode/utf8"
)

// The normaliser turns a post into a canonical stream of words that the rule
// automaton and the model both read, so that obfuscation is undone once and
// in one place:
//
//   - case and compatibility forms fold to lower-case Latin (fullwidth,
//     mathematical bold/italic, circled and regional-indicator letters,
//     accented letters, common Cyrillic and Greek look-alikes);
//   - digits and symbols standing for letters inside a word become letters
//     (sh1t, $hit, c@nt), but numbers stay numbers (PC 1234);
//   - mask characters inside a word become '*' (f***, f##k);
//   - emoji, zero-width characters and '_' '~' between letters vanish
//     (fu🤬ck, f_u_c_k), as does '.' followed by a lower-case letter (f.u.c.k);
//   - three or more of a letter in a row collapse to one (fuuuuck); a
//     doubled letter stays (bollocks), and terms match with or without it;
//   - three or more single letters in a row join (f u c k, F.U.C.K);
//   - hashtags lose '#' and split at case changes (#DefundThePolice).
//
// The result is " w1 w2 w3 " (a space before, between and after the words)
// with, for every byte, the byte range of the original text it came from, so
// that evidence spans are offsets into the text as given, even when that
// text is not valid UTF-8.

// char classes of the first pass.
const (
	cSpace  = iota // whitespace or punctuation: a word boundary
	cLetter        // a letter (folded)
	cDigit         // 0-9
	cMask          // '*'
	cHash          // '#': hashtag marker at a word's start, mask inside
	cAt            // '@': mention marker at a word's start, 'a' inside
	cLeet          // '$' '!' '|' '€': letters only when inside a word
	cApos          // apostrophe: dropped inside a word
	cDot           // '.': joins f.u.c.k, else ends a sentence
	cJoin          // emoji, '_', '~': dropped between letters
	cQuote         // a double quotation mark
	cEnd           // '?' and newlines: sentence end
)

// char is one rune of the post after folding.
type char struct {
	folding
	os, oe int32
}

// folding is what a rune folds to: 8 bytes, copied in one move.
type folding struct {
	r     rune // folded rune (lower case)
	class uint8
	upper bool // the original was upper case
}

// wpos is where a byte of a word being built came from.
type wpos struct {
	os, oe int32
	upper  bool
}

// token is one word of the normalised stream.
type token struct {
	ns, ne int32 // bytes of norm, without the surrounding spaces
	os, oe int32 // bytes of the original text
	sent   int32 // sentence number
	quoted bool  // inside quotation marks
}

// doc is a normalised post. Buffers are reused through a pool.
type doc struct {
	src   string
	norm  []byte
	toks  []token
	chars []char
	// hw is the word hash of each token (seedWord, as extract takes it),
	// made as the words are written; placeTable.markWords turns the first
	// of a place's or force's name into the shared token's and fills place,
	// which marks the names. Both are per token.
	hw    []uint32
	place []int32
	// scratch for a word being built
	word []byte
	wpos []wpos // per byte of word: where it came from
	run  int    // length of the run of the word's last letter
	// general turns off the plain-word fast path, for tests.
	general bool
}

func (d *doc) reset(src string) {
	d.src = src
	d.norm = d.norm[:0]
	d.toks = d.toks[:0]
	d.chars = d.chars[:0]
	d.hw = d.hw[:0]
	d.place = d.place[:0]
}

// asciiFold caches foldRune for ASCII.
var asciiFold = func() (t [128]folding) {
	for b := 0; b < 128; b++ {
		t[b].r, t[b].class, t[b].upper = foldASCII(rune(b))
	}
	return t
}()

// foldRune maps r to its canonical lower-case form and class.
func foldRune(r rune) (rune, uint8, bool) {
	if r < utf8.RuneSelf {
		f := asciiFold[r]
		return f.r, f.class, f.upper
	}
	return foldOther(r)
}

func foldASCII(r rune) (rune, uint8, bool) {
	{
		switch {
		case r >= 'a' && r <= 'z':
			return r, cLetter, false
		case r >= 'A' && r <= 'Z':
			return r + 32, cLetter, true
		case r >= '0' && r <= '9':
			return r, cDigit, false
		}
		switch r {
		case '*':
			return r, cMask, false
		case '#':
			return r, cHash, false
		case '@':
			return r, cAt, false
		case '$', '!', '|':
			return r, cLeet, false
		case '\'':
			return r, cApos, false
		case '.':
			return r, cDot, false
		case '_', '~':
			return r, cJoin, false
		case '"':
			return r, cQuote, false
		case '?', '\n', '\r':
			return r, cEnd, false
		}
		return r, cSpace, false
	}
}

func foldOther(r rune) (rune, uint8, bool) {
	switch {
	case r == utf8.RuneError:
		return r, cSpace, false
	case r == 0x2018 || r == 0x2019 || r == 0x02BC:
		return '\'', cApos, false
	case r == 0x201C || r == 0x201D || r == 0x00AB || r == 0x00BB:
		return '"', cQuote, false
	case r == 0x20AC:
		return '€', cLeet, false
	case r == 0x2026:
		return '.', cEnd, false
	case r >= 0xFF21 && r <= 0xFF3A: // fullwidth A-Z
		return r - 0xFF21 + 'a', cLetter, true
	case r >= 0xFF41 && r <= 0xFF5A:
		return r - 0xFF41 + 'a', cLetter, false
	case r >= 0xFF10 && r <= 0xFF19:
		return r - 0xFF10 + '0', cDigit, false
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical alphanumeric letters
		i := (r - 0x1D400) % 52
		if i < 26 {
			return 'a' + i, cLetter, true
		}
		return 'a' + i - 26, cLetter, false
	case r >= 0x1D7CE && r <= 0x1D7FF:
		return '0' + (r-0x1D7CE)%10, cDigit, false
	case r >= 0x24B6 && r <= 0x24CF: // circled capitals
		return 'a' + r - 0x24B6, cLetter, true
	case r >= 0x24D0 && r <= 0x24E9:
		return 'a' + r - 0x24D0, cLetter, false
	case r >= 0x1F1E6 && r <= 0x1F1FF: // regional indicators
		return 'a' + r - 0x1F1E6, cLetter, true
	case r >= 0x1F130 && r <= 0x1F149: // squared capitals
		return 'a' + r - 0x1F130, cLetter, true
	case r >= 0x1F170 && r <= 0x1F189: // negative squared capitals
		return 'a' + r - 0x1F170, cLetter, true
	}
	if r <= 0x024F {
		if m, ok := latinFold[r]; ok {
			return m.r, cLetter, m.upper
		}
	}
	if m, ok := lookalikes[r]; ok {
		return m.r, cLetter, m.upper
	}
	switch {
	case r == 0x00AD, r >= 0x200B && r <= 0x200F, r == 0x2060, r == 0xFEFF,
		r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F:
		return 0, cJoin, false // invisible: always dropped
	case unicode.IsLetter(r):
		l := unicode.ToLower(r)
		return l, cLetter, l != r
	case unicode.IsDigit(r):
		return r, cDigit, false
	case unicode.IsSpace(r):
		if r == 0x2028 || r == 0x2029 {
			return r, cEnd, false
		}
		return r, cSpace, false
	case unicode.Is(unicode.So, r), unicode.Is(unicode.Sk, r), r >= 0x1F000:
		return r, cJoin, false
	}
	return r, cSpace, false
}

type folded struct {
	r     rune
	upper bool
}

// latinFold strips diacritics from the Latin-1 and Latin Extended letters.
var latinFold = func() map[rune]folded {
	m := map[rune]folded{}
	add := func(base rune, upper bool, rs string) {
		for _, r := range rs {
			m[r] = folded{base, upper}
		}
	}
	add('a', true, "ÀÁÂÃÄÅĀĂĄ")
	add('a', false, "àáâãäåāăąª")
	add('c', true, "ÇĆĈĊČ")
	add('c', false, "çćĉċč")
	add('d', true, "ĎĐÐ")
	add('d', false, "ďđ")
	add('e', true, "ÈÉÊËĒĔĖĘĚ")
	add('e', false, "èéêëēĕėęě")
	add('g', true, "ĜĞĠĢ")
	add('g', false, "ĝğġģ")
	add('h', true, "ĤĦ")
	add('h', false, "ĥħ")
	add('i', true, "ÌÍÎÏĨĪĬĮİ")
	add('i', false, "ìíîïĩīĭįı")
	add('j', true, "Ĵ")
	add('j', false, "ĵ")
	add('k', true, "Ķ")
	add('k', false, "ķ")
	add('l', true, "ĹĻĽĿŁ")
	add('l', false, "ĺļľŀł")
	add('n', true, "ÑŃŅŇ")
	add('n', false, "ñńņňŉ")
	add('o', true, "ÒÓÔÕÖØŌŎŐ")
	add('o', false, "òóôõöøōŏőº")
	add('r', true, "ŔŖŘ")
	add('r', false, "ŕŗř")
	add('s', true, "ŚŜŞŠ")
	add('s', false, "śŝşšß")
	add('t', true, "ŢŤŦ")
	add('t', false, "ţťŧ")
	add('u', true, "ÙÚÛÜŨŪŬŮŰŲ")
	add('u', false, "ùúûüũūŭůűų")
	add('w', true, "Ŵ")
	add('w', false, "ŵ")
	add('y', true, "ÝŶŸ")
	add('y', false, "ýÿŷ")
	add('z', true, "ŹŻŽ")
	add('z', false, "źżž")
	return m
}()

// lookalikes maps Cyrillic and Greek letters that pass for Latin ones.
var lookalikes = func() map[rune]folded {
	m := map[rune]folded{}
	pairs := []struct {
		base rune
		up   string
		low  string
	}{
		{'a', "АΑ", "аα"}, {'b', "ВΒ", "вβ"}, {'c', "С", "сς"}, {'e', "ЕΕ", "еε"},
		{'h', "НΗ", "һ"}, {'i', "ІΙ", "іι"}, {'j', "Ј", "ј"}, {'k', "КΚ", "κ"},
		{'m', "МΜ", ""}, {'n', "Ν", "ո"}, {'o', "ОΟ", "оο"}, {'p', "РΡ", "рρ"},
		{'s', "Ѕ", "ѕ"}, {'t', "ТΤ", "τ"}, {'u', "", "υ"}, {'v', "", "ν"},
		{'x', "ХΧ", "хχ"}, {'y', "УΥ", "у"}, {'z', "Ζ", ""},
	}
	for _, p := range pairs {
		for _, r := range p.up {
			m[r] = folded{p.base, true}
		}
		for _, r := range p.low {
			m[r] = folded{p.base, false}
		}
	}
	return m
}()

// leetLetter maps a digit or symbol inside a word to the letter it stands for.
func leetLetter(r rune) (rune, bool) {
	switch r {
	case '0':
		return 'o', true
	case '1', '!', '|':
		return 'i', true
	case '3', '€':
		return 'e', true
	case '4', '@':
		return 'a', true
	case '5', '$':
		return 's', true
	case '7':
		return 't', true
	}
	return 0, false
}

// joinRun is how many single letters in a row are joined into one word:
// four, so that text-speak like "u r a" keeps its words.
const joinRun = 4

// normalize fills d from src.
func (d *doc) normalize(src string) {
	d.reset(src)
	// Pass 1: fold every rune.
	if cap(d.chars) < len(src) {
		d.chars = make([]char, len(src)+16)
	}
	chars := d.chars[:len(src)] // a rune takes at least a byte
	// ASCII, one char per byte, in a loop of its own
	i := 0
	for ; i < len(src) && i < len(chars); i++ {
		b := src[i]
		if b >= utf8.RuneSelf {
			break
		}
		chars[i] = char{folding: asciiFold[b], os: int32(i), oe: int32(i + 1)}
	}
	n := i
	for i < len(src) {
		c := &chars[n]
		n++
		if b := src[i]; b < utf8.RuneSelf {
			c.folding, c.os, c.oe = asciiFold[b], int32(i), int32(i+1)
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(src[i:])
		c.r, c.class, c.upper = foldOther(r)
		c.os, c.oe = int32(i), int32(i+w)
		i += w
	}
	d.chars = chars[:n]
	// Pass 2: cut words, decide what each in-word character means, and
	// write words out, joining runs of single letters.
	cs := d.chars
	var sent int32
	quoted := false
	d.norm = append(d.norm, ' ')
	singles := 0 // single-letter words written in a row
	for i := 0; i < len(cs); {
		c := &cs[i]
		if !startsWord(cs, i) {
			switch c.class {
			case cQuote:
				quoted = !quoted
			case cEnd:
				sent++
				quoted = false
				singles = 0
			case cDot, cLeet:
				if (c.r == '.' || c.r == '!') && (i+1 == len(cs) || cs[i+1].class == cSpace || cs[i+1].class == cEnd || cs[i+1].upper) &&
					(c.r == '!' || !isSingleLetterBefore(cs, i)) {
					sent++
					singles = 0
				}
			case cApos:
				prevSpace := i == 0 || cs[i-1].class == cSpace || cs[i-1].class == cEnd
				nextWord := i+1 < len(cs) && startsWord(cs, i+1)
				if !quoted && prevSpace && nextWord {
					quoted = true
				} else if quoted && !prevSpace {
					quoted = false
				}
			}
			i++
			continue
		}
		if !d.general {
			if j, ok := d.writePlain(cs, i, sent, quoted); ok {
				if j-i == 1 {
					singles++
				} else {
					singles = 0
				}
				if singles >= joinRun {
					d.joinSingles(singles)
				}
				i = j
				continue
			}
		}
		j := i
		hashtag := false
		if c.class == cHash || c.class == cAt {
			hashtag = c.class == cHash
			j++
		}
		d.word = d.word[:0]
		d.wpos = d.wpos[:0]
		d.run = 0
		letters, digits := 0, 0
		lateDigit := false // a digit after a letter: sh1t, not 3am
		wstart := j
	scan:
		for ; j < len(cs); j++ {
			switch cs[j].class {
			case cLetter:
				letters++
			case cDigit:
				digits++
				lateDigit = lateDigit || letters > 0
			case cMask, cHash, cAt, cLeet:
				if !inWord(cs, wstart, j) {
					break scan
				}
			case cApos, cJoin:
				if !between(cs, wstart, j) {
					break scan
				}
			case cDot:
				if !between(cs, wstart, j) || !dotJoins(cs, j) {
					break scan
				}
			default:
				break scan
			}
		}
		// Trailing masks after a long word are emphasis ("really**"), not
		// masked letters.
		wend := j
		if letters >= 5 {
			for wend > wstart && (cs[wend-1].class == cMask || cs[wend-1].class == cHash) {
				wend--
			}
		}
		leet := letters >= digits && lateDigit
		for k := wstart; k < wend; k++ {
			cc := cs[k]
			var r rune
			switch cc.class {
			case cLetter:
				r = cc.r
			case cDigit:
				r = cc.r
				if leet {
					if l, ok := leetLetter(cc.r); ok {
						r = l
					}
				}
			case cMask, cHash:
				r = '*'
			case cAt, cLeet:
				r, _ = leetLetter(cc.r)
			default:
				continue // apostrophes, joiners, joining dots
			}
			d.appendWordRune(r, cc)
		}
		if j == i {
			j++
		}
		if len(d.word) == 0 {
			i = j
			continue
		}
		if letters == 1 && j-wstart == 1 && len(d.word) == 1 && d.word[0] >= 'a' && d.word[0] <= 'z' && !hashtag {
			singles++
		} else {
			singles = 0
		}
		if hashtag {
			d.writeHashtag(sent, quoted)
		} else {
			d.writeWord(sent, quoted)
		}
		if singles >= joinRun {
			d.joinSingles(singles)
		}
		i = j
	}
}

// writePlain writes the word starting at cs[i] as one token when it is
// plain letters a-z ended where nothing can carry it on (a space, a
// quotation mark, a sentence end), as the general path would: three or
// more of a letter in a row collapse to one. Most words are plain. It
// returns where the word ends, and false (writing nothing) when the word
// is not plain.
func (d *doc) writePlain(cs []char, i int, sent int32, quoted bool) (int, bool) {
	norm := d.norm // a local, so appends need not write d back
	ns := len(norm)
	run := 0
	j := i
	// the word's hash as extract takes it, while the bytes go by; a
	// collapsed elongation drops a byte already hashed: hash again then
	h := uint32(seedWord ^ 2166136261)
	rehash := false
	for ; j < len(cs); j++ {
		c := &cs[j]
		if c.class != cLetter || uint32(c.r-'a') > 'z'-'a' {
			break
		}
		b := byte(c.r)
		if n := len(norm); n > ns && norm[n-1] == b {
			run++
			switch run {
			case 2:
				norm = append(norm, b)
				h = (h ^ uint32(b)) * 16777619
			case 3:
				norm = norm[:n-1]
				rehash = true
			}
			continue
		}
		run = 1
		norm = append(norm, b)
		h = (h ^ uint32(b)) * 16777619
	}
	if j == i {
		return j, false
	}
	if j < len(cs) {
		switch cs[j].class {
		case cSpace, cQuote, cEnd:
		default:
			return j, false
		}
	}
	d.toks = append(d.toks, token{ns: int32(ns), ne: int32(len(norm)), os: cs[i].os, oe: cs[j-1].oe, sent: sent, quoted: quoted})
	if rehash {
		h = hashBytes(seedWord, norm[ns:])
	}
	d.hw = append(d.hw, h)
	d.norm = append(norm, ' ')
	return j, true
}

// startsWord reports whether a word starts at cs[i].
func startsWord(cs []char, i int) bool {
	switch cs[i].class {
	case cLetter, cDigit:
		return true
	case cHash, cAt, cLeet:
		// '#tag', '#999', '@user', '$hit'
		if i+1 >= len(cs) {
			return false
		}
		n := cs[i+1].class
		return n == cLetter || n == cDigit && cs[i].class == cHash
	}
	return false
}

// inWord reports whether the mask or symbol at cs[j] belongs to the word
// that started at cs[ws].
func inWord(cs []char, ws, j int) bool {
	prevWord := false
	if j > ws {
		switch cs[j-1].class {
		case cLetter, cMask, cHash, cDigit, cLeet, cAt:
			prevWord = true
		}
	}
	nextLetter := j+1 < len(cs) && (cs[j+1].class == cLetter || cs[j+1].class == cMask)
	switch cs[j].class {
	case cMask, cHash:
		return prevWord // f***, f##k
	case cLeet:
		return nextLetter && (prevWord || j == ws) // sh!t, $hit
	case cAt:
		return nextLetter && prevWord // c@nt
	}
	return false
}

// between reports whether cs[j] has a word character on both sides.
func between(cs []char, ws, j int) bool {
	if j == ws || j+1 >= len(cs) {
		return false
	}
	p, n := cs[j-1].class, cs[j+1].class
	return (p == cLetter || p == cDigit || p == cMask || p == cJoin || p == cApos) &&
		(n == cLetter || n == cMask || n == cJoin && cs[j].class == cJoin)
}

// dotJoins reports whether the dot at cs[j] joins letters: the next letter is
// lower case ("f.u.c.k", "sh.it"), so it is not a sentence end.
func dotJoins(cs []char, j int) bool {
	return cs[j+1].class == cLetter && !cs[j+1].upper && cs[j-1].class == cLetter
}

// isSingleLetterBefore reports whether a single letter precedes the dot at i
// ("F.U.C.K", "e.g."): such dots do not end a sentence.
func isSingleLetterBefore(cs []char, i int) bool {
	if i == 0 || cs[i-1].class != cLetter {
		return false
	}
	return i == 1 || cs[i-2].class != cLetter
}

// appendWordRune adds r to the word being built, collapsing repeated letters.
func (d *doc) appendWordRune(r rune, c char) {
	if r < utf8.RuneSelf {
		b := byte(r)
		if n := len(d.word); n > 0 && b >= 'a' && b <= 'z' && d.word[n-1] == b {
			// A letter may be doubled (bollocks); three or more in a row
			// are elongation (fuuuck) and collapse to one.
			d.run++
			switch {
			case d.run == 2:
				// keep the double for now
			case d.run == 3:
				d.word = d.word[:n-1]
				d.wpos = d.wpos[:n-1]
				d.wpos[n-2].oe = c.oe
				return
			default:
				d.wpos[n-1].oe = c.oe
				return
			}
		} else {
			d.run = 1
		}
		d.word = append(d.word, b)
		d.wpos = append(d.wpos, wpos{c.os, c.oe, c.upper})
		return
	}
	n := len(d.word)
	d.run = 0
	d.word = utf8.AppendRune(d.word, r)
	for k := n; k < len(d.word); k++ {
		d.wpos = append(d.wpos, wpos{c.os, c.oe, c.upper && k == n})
	}
}

// writeWord appends the built word as one token.
func (d *doc) writeWord(sent int32, quoted bool) {
	d.writePart(0, len(d.word), sent, quoted)
}

// writeHashtag appends a hashtag, split where a lower-case letter is
// followed by a capital (#DefundThePolice).
func (d *doc) writeHashtag(sent int32, quoted bool) {
	from := 0
	for k := 1; k < len(d.word); k++ {
		if d.wpos[k].upper && !d.wpos[k-1].upper && d.word[k-1] >= 'a' && d.word[k-1] <= 'z' {
			d.writePart(from, k, sent, quoted)
			from = k
		}
	}
	d.writePart(from, len(d.word), sent, quoted)
}

func (d *doc) writePart(from, to int, sent int32, quoted bool) {
	ns := int32(len(d.norm))
	d.norm = append(d.norm, d.word[from:to]...)
	t := token{ns: ns, ne: int32(len(d.norm)), os: d.wpos[from].os, oe: d.wpos[to-1].oe, sent: sent, quoted: quoted}
	d.toks = append(d.toks, t)
	d.hw = append(d.hw, hashBytes(seedWord, d.norm[ns:]))
	d.norm = append(d.norm, ' ')
}

// joinSingles merges the last joinRun single-letter tokens into one word
// or, when the run has grown past that, adds the newest letter to the word
// already joined.
func (d *doc) joinSingles(n int) {
	nt := len(d.toks)
	k := joinRun
	if n > joinRun {
		k = 2 // the joined word and the new letter
	}
	first := d.toks[nt-k]
	var letters [joinRun]byte
	m := 0
	for _, t := range d.toks[nt-k:] {
		if t.ne-t.ns == 1 {
			letters[m] = d.norm[t.ns]
			m++
		}
	}
	if n > joinRun {
		// keep the joined word, add the new letter
		d.norm = d.norm[:first.ne]
		if d.norm[len(d.norm)-1] != letters[0] {
			d.norm = append(d.norm, letters[0])
		}
	} else {
		d.norm = d.norm[:first.ns]
		for x := 0; x < m; x++ {
			if x > 0 && d.norm[len(d.norm)-1] == letters[x] {
				continue
			}
			d.norm = append(d.norm, letters[x])
		}
	}
	j := token{ns: first.ns, ne: int32(len(d.norm)), os: first.os, oe: d.toks[nt-1].oe, sent: first.sent, quoted: first.quoted}
	d.toks = append(d.toks[:nt-k], j)
	d.hw = append(d.hw[:nt-k], hashBytes(seedWord, d.norm[j.ns:j.ne]))
	d.norm = append(d.norm, ' ')
}

// tokenAt returns the token that norm byte i belongs to, or -1 for a space.
func (d *doc) tokenAt(i int32) int32 {
	lo, hi := 0, len(d.toks)
	for lo < hi {
		m := (lo + hi) / 2
		if d.toks[m].ne <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(d.toks) && d.toks[lo].ns <= i {
		return int32(lo)
	}
	return -1
}

// tokenNear is tokenAt(i), searched from token k rather than by halves,
// and the index of the first token that ends after i, to search from next.
func (d *doc) tokenNear(i int32, k int) (int32, int) {
	for k > 0 && d.toks[k-1].ne > i {
		k--
	}
	for k < len(d.toks) && d.toks[k].ne <= i {
		k++
	}
	if k < len(d.toks) && d.toks[k].ns <= i {
		return int32(k), k
	}
	return -1, k
}

// text returns the normalised text of token t.
func (d *doc) text(t token) []byte { return d.norm[t.ns:t.ne] }

// String renders the normalised words, for tests and --explain.
func (d *doc) String() string { return string(d.norm) }
