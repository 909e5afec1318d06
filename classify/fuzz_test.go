package classify

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// FuzzRules feeds arbitrary category files to the loader: it must either
// load them or return a RuleError naming the file, never panic, and a
// loaded rule set must classify without panicking.
func FuzzRules(f *testing.F) {
	f.Add(goodRules)
	f.Add("category: offensive\nterms:\n  - group: a\n    weight: 0.5\n    mask: true\n    words: [fuck*, '*wit', f**k, 'a b c']\n")
	f.Add("category: offensive\npatterns:\n  - name: p\n    weight: 1\n    regexp: '\\d+'\n    requires: [x]\n")
	f.Add("category: offensive\ncontext:\n  - {name: q, effect: lower, factor: 0, when: quoted}\n")
	f.Add("- not a mapping")
	f.Add("category: offensive\nterms: {group: x}\n")
	f.Fuzz(func(t *testing.T, src string) {
		c, err := Load(fstest.MapFS{"categories/offensive.yaml": {Data: []byte(src)}})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "categories/offensive.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, text := range []string{"you fucking idiot", "f u c k", src} {
			c.Classify(text)
		}
	})
}

// FuzzClassify runs arbitrary text through the shipped rules and models:
// no panic, every score in [0,1], every span inside the text and equal to
// the bytes at its offsets.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"You absolute f***ing scrote", "f u c k", "F.U.C.K", "fu🤬ck", "\xff\xfe", "#DefundThePolice", "@user c@nt",
		`he said "you scrote" and left`, "PC 1234 nicked him on 12 Acacia Avenue", "a b c d e f g h",
		"calling someone a p*ki is unacceptable", "", "ｆｕｃｋ 𝐟𝐮𝐜𝐤", "sh1t $hit", "****", "'''\"\"\"",
	} {
		f.Add(s)
	}
	c, err := Load(embeddedRules())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := c.Classify(text)
		if len(r.Scores) != 4 {
			t.Fatalf("scores %v", r.Scores)
		}
		for _, s := range r.Scores {
			if !(s >= 0 && s <= 1) {
				t.Fatalf("score %v", s)
			}
		}
		for _, sp := range r.Evidence {
			if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End || text[sp.Start:sp.End] != sp.Text {
				t.Fatalf("bad span %+v in %q", sp, text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(sp.Text) {
				t.Fatalf("span %q cuts a rune of %q", sp.Text, text)
			}
		}
	})
}
