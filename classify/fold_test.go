package classify

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestFoldsToASCII checks that foldsToASCII lists every rune outside ASCII
// that case-folds to an ASCII letter, which lowerASCII must refuse.
func TestFoldsToASCII(t *testing.T) {
	var got []string
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if isASCIILetter(f) {
				got = append(got, string(r))
				break
			}
		}
	}
	if !slices.Equal(got, foldsToASCII) {
		t.Fatalf("runes folding to ASCII letters: %q, foldsToASCII has %q", got, foldsToASCII)
	}
}

// TestLowerASCII compares lowerASCII with lower-casing byte by byte.
func TestLowerASCII(t *testing.T) {
	var all []byte
	for b := 0; b < 256; b++ {
		all = append(all, byte(b))
	}
	for _, s := range []string{string(all), "ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`{", "x\u212aK", "\u017fS long s", "Plain ASCII, No Folds!"} {
		for cut := 0; cut < len(s); cut++ {
			text := s[cut:]
			want := []byte("prefix")
			okWant := !strings.Contains(text, "\u212a") && !strings.Contains(text, "\u017f")
			for _, c := range []byte(text) {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				want = append(want, c)
			}
			got, ok := lowerASCII([]byte("prefix"), text)
			if string(got) != string(want) || ok != okWant {
				t.Fatalf("lowerASCII(%q) = %q, %v; want %q, %v", text, got, ok, want, okWant)
			}
		}
	}
}

// foldTexts are long posts as written, in mixed case, and cut anywhere
// (patterns see windows of a post).
func foldTexts(tb testing.TB) []string {
	rnd := rand.New(rand.NewSource(1))
	var out []string
	for i, s := range longCorpus(tb) {
		mixed := []byte(s)
		for i := range mixed {
			if rnd.Intn(2) == 0 && mixed[i] >= 'a' && mixed[i] <= 'z' {
				mixed[i] -= 'a' - 'A'
			}
		}
		out = append(out, s, string(mixed))
		if i%2 == 1 {
			continue
		}
		a := rnd.Intn(len(s) + 1)
		b := a + rnd.Intn(len(s)-a+1)
		out = append(out, string(mixed[a:b]))
	}
	return out
}

// TestLowerPatterns checks that every shipped pattern finds the same
// matches lowered on the lower-cased text, and anchored, and that its
// prefilter passes every text it matches in.
func TestLowerPatterns(t *testing.T) {
	c := mustLoad(t)
	texts := foldTexts(t)
	lowered := 0
	for _, p := range c.rules.patterns {
		if p.lower == nil {
			continue
		}
		lowered++
		for _, s := range texts {
			checkLowered(t, p.re, p.lower, p.pf, p.anc, s)
		}
	}
	if lowered == 0 {
		t.Fatal("no pattern is lowered")
	}
}

func checkLowered(t *testing.T, re, lower *regexp.Regexp, pf prefilter, anc *anchor, s string) {
	t.Helper()
	low, ok := lowerASCII(nil, s)
	if !ok {
		return
	}
	want := re.FindAllStringIndex(s, 8)
	if got := lower.FindAllIndex(low, 8); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("%s on %q: lowered %v, want %v", re, s, got, want)
	}
	if want != nil && !pf.pass(low) {
		t.Fatalf("%s matches %q but its prefilter %q refuses it", re, s, pf)
	}
	if anc == nil {
		return
	}
	var flat []int
	for _, loc := range want {
		flat = append(flat, loc...)
	}
	if got := anc.findAll(low, 8, nil); !slices.Equal(got, flat) {
		t.Fatalf("%s on %q: anchored %v, want %v", re, s, got, flat)
	}
}

// TestLowerPattern covers what must not be lowered, prefilters and
// anchors.
func TestLowerPattern(t *testing.T) {
	for _, tc := range []struct {
		src   string
		lower bool
		texts []string
	}{
		{`(?i)\bfoo(?:bar|baz)\b`, true, []string{"FOObaz", "a FooBar b", "foobazz"}},
		{`\b[Tt]he Traitors\b`, false, nil}, // case matters
		{`(?i)the (?-i:BBC)`, false, nil},   // case matters in part
		{`(?i)caf\x{e9}`, false, nil},       // a non-ASCII letter with cases
		{`(?i)don[\x27\x{2019}]?t\s+\w+`, true, []string{"DON’T care", "don't Know", "dont"}},
		{`(?i)[a-c]+x{2,}`, true, []string{"ABCXX", "abx", "\xffAXX\xff"}},
		{`(?i)\x{fffd}x`, true, []string{"\xffX", "\uFFFDx"}}, // U+FFFD also matches invalid bytes
		{`(?i)[^.!?\n]{0,5}?\bcps\b`, true, []string{"the CPS", "cpsx", "Cps!"}},
		{`(?i)\d+\s+(?:stops|searches)\s+a\s+day`, true, []string{"20 STOPS A DAY", "stops a day", "x20 stops a day 3 searches a day"}},
		{`(?i)\b(?:pc|ps)\s?\d{3,5}\b`, true, []string{"PC 1234 and ps12345", "upc 123", "pc 12 pc 1234", "pc1234pc 123"}},
		{`(?i)(?:foo|bar)+x`, true, []string{"foofoox barx foo", "xfoox", "foobarfoobarx fox"}},
		{`(?i)\bthe\s+\w+\s+(?:is|was)\b`, true, []string{"The man is. the the the dog was", "bathe the cat is", "bathe cat is", "\xffthe x is"}},
		{`(?i)a|\bb`, true, []string{"ab cb b", "aaa"}},
		// a lead of ^ or a byte before the starts
		{`(?i)(?:^|[\s(:])["\x27\x{2018}](?:lost|found it)[.!,]?["\x27\x{2019}]`, true,
			[]string{"'lost' it", "x 'LOST'", "don't 'lost' (\"found it!\" :'lost''", " 'lost'", "'lost'x'lost' 'lost'", "\u2018lost\u2019 \u2018Found it,\u2019"}},
		{`(?i)(?:^|x|y)ab+`, true, []string{"abxabb yab", "xab", "xxabb", "ab"}},
		{`(?i)(?:^|[ ])ab\b`, true, []string{"ab ab abc", " ab", "cab ab"}}, // no lead: \b after it
		// starts, a gap and what follows it
		{`(?i)\b(?:the|them)\s+(?:man|woman)\s+was`, true, []string{"the  man was them\twoman was", "the\tmanwas", "thewoman was", "them man was", "the\n\nwoman was", "the  xman was", "the woman"}},
		{`(?i)\bab\s+?\s*cd`, true, []string{"ab cd ab  cd", "abcd", "ab \tcd"}},
	} {
		re := regexp.MustCompile(tc.src)
		lower := lowerPattern(tc.src)
		if (lower != nil) != tc.lower {
			t.Errorf("%s: lowered %v, want %v", tc.src, lower, tc.lower)
			continue
		}
		if lower == nil {
			continue
		}
		pf, anc := newPrefilter(lower), newAnchor(lower)
		if wantGap := strings.Contains(tc.src, `)\s+(?:`); wantGap != (anc != nil && anc.then != nil) {
			t.Errorf("%s: gap %v, want %v", tc.src, !wantGap, wantGap)
		}
		if wantLead := strings.Contains(tc.src, "(?:^|") && !strings.HasSuffix(tc.src, `\b`); wantLead != (anc != nil && anc.lead != nil) {
			t.Errorf("%s: lead anchor %v, want %v", tc.src, !wantLead, wantLead)
		}
		for _, s := range tc.texts {
			checkLowered(t, re, lower, pf, anc, s)
		}
	}
}

// FuzzLowerPatterns checks lowered patterns, their prefilters and anchors
// against the originals on arbitrary text.
func FuzzLowerPatterns(f *testing.F) {
	for _, s := range []string{"The CPS bottled it", "PC 1234", "\xffDON’T care\xc3", "K\u212aſ", "12 Acacia Avenue"} {
		f.Add(s)
	}
	c, err := Load(embeddedRules())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range c.rules.patterns {
			if p.lower != nil {
				checkLowered(t, p.re, p.lower, p.pf, p.anc, s)
			}
		}
	})
}

// A strSet finds the first position where one of its strings begins, as
// trying every string at every position does, whatever its bytes (the
// pair filter folds bytes together).
func TestStrSetIndex(t *testing.T) {
	rng := rand.New(rand.NewSource(78))
	alphabet := []byte("ab A!`@ \x00\xe2\x80\x99z{")
	str := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	for k := 0; k < 2000; k++ {
		var strs []string
		short := 2
		if k%3 == 0 {
			short = 1 // no pair filter
		}
		for i := 0; i < 1+rng.Intn(6); i++ {
			strs = append(strs, str(short+rng.Intn(3)))
		}
		s := newStrSet(strs)
		text := []byte(str(rng.Intn(40)))
		from := rng.Intn(len(text) + 1)
		want := -1
	search:
		for p := from; p < len(text); p++ {
			for _, x := range strs {
				if strings.HasPrefix(string(text[p:]), x) {
					want = p
					break search
				}
			}
		}
		if got := s.index(text, from); got != want {
			t.Fatalf("strings %q in %q from %d: got %d, want %d", strs, text, from, got, want)
		}
	}
}
