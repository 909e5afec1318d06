package classify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func norm(s string) string {
	var d doc
	d.normalize(s)
	return strings.TrimSpace(d.String())
}

func TestNormalizeObfuscation(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"FUCK", "fuck"},
		{"F***ing hell", "f***ing hell"},
		{"f**k off", "f**k off"},
		{"sh1t", "shit"},
		{"$hit", "shit"},
		{"sh!t", "shit"},
		{"c@nt", "cant"},
		{"fuuuuuuck", "fuck"},
		{"bolllocks", "bolocks"},
		{"bollocks", "bollocks"},
		{"f u c k off", "fuck off"},
		{"F.U.C.K this", "fuck this"},
		{"f.u.c.k", "fuck"},
		{"f-u-c-k", "fuck"},
		{"fu🤬ck", "fuck"},
		{"fu\u200bck", "fuck"},
		{"f_u_c_k", "fuck"},
		{"ｆｕｃｋ", "fuck"},
		{"𝐟𝐮𝐜𝐤", "fuck"},
		{"fück", "fuck"},
		{"Ⓕⓤⓒⓚ", "fuck"},
		{"сunt", "cunt"}, // Cyrillic с
		{"#DefundThePolice", "defund the police"},
		{"#ACAB", "acab"},
		{"@user hello", "user hello"},
		{"PC 1234 at 3am", "pc 1234 at 3am"},
		{"u r a twat", "u r a twat"},
		{"**important** point", "important point"},
		{"don't", "dont"},
		{"colour", "colour"},
	} {
		if got := norm(tc.in); got != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Every token maps back to a valid range of the original text, whatever
// the input, and the word bytes come from inside that range.
func TestNormalizeOffsets(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "f u c k", "\xff\xfe\xfd", "fu\xffck you", "héllo wörld 🤬🤬", "a.b.c.d.e.f",
		"####", "@@@ $$$ !!!", "sh1t\x00c@nt", strings.Repeat("f ", 50), "\"quoted 'inner' text\" after",
	} {
		var d doc
		d.normalize(s)
		for _, tk := range d.toks {
			if tk.os < 0 || tk.oe > int32(len(s)) || tk.os >= tk.oe {
				t.Fatalf("%q: token %+v out of range", s, tk)
			}
			if tk.ns < 1 || tk.ne >= int32(len(d.norm)) || d.norm[tk.ns-1] != ' ' || d.norm[tk.ne] != ' ' {
				t.Fatalf("%q: token %+v not between spaces in %q", s, tk, d.norm)
			}
		}
		if !utf8.Valid(d.norm) && utf8.ValidString(s) {
			t.Errorf("%q: normalised text is not UTF-8", s)
		}
	}
}

func TestNormalizeQuotesAndSentences(t *testing.T) {
	var d doc
	d.normalize(`He said "you scrote" then left. Next one here`)
	var quoted []string
	sents := map[int32]bool{}
	for _, tk := range d.toks {
		if tk.quoted {
			quoted = append(quoted, string(d.text(tk)))
		}
		sents[tk.sent] = true
	}
	if strings.Join(quoted, " ") != "you scrote" {
		t.Errorf("quoted words = %q", quoted)
	}
	if len(sents) != 2 {
		t.Errorf("sentences = %d, want 2", len(sents))
	}
	// a possessive apostrophe does not open a quotation
	d.normalize("the officers' cars were scrote magnets")
	for _, tk := range d.toks {
		if tk.quoted {
			t.Errorf("%q marked quoted", d.text(tk))
		}
	}
}
