package classify

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
)

// The hot path has fast paths that must decide exactly what the general
// code decides. These tests run both on the same posts, so they hold
// whatever the rules and models say after retraining.

// fastPathTexts are posts as written, long, in mixed case, cut anywhere,
// and obfuscated.
func fastPathTexts(tb testing.TB) []string {
	out := append(benchCorpus(tb), foldTexts(tb)...)
	return append(out,
		"You absolute f***ing scrote", "f u c k", "F.U.C.K", "fu🤬ck", "\xff\xfe", "#DefundThePolice", "@user c@nt",
		`he said "you scrote" and left`, "PC 1234 nicked him on 12 Acacia Avenue", "a b c d e f g h",
		"fuuuuuck off, bolllocks, aaa bb c", "ｆｕｃｋ 𝐟𝐮𝐜𝐤", "sh1t $hit", "****", "'''\"\"\"", "Sgt\u212aelvin ſcrote",
		"what the f\u200buck", "don't “quote” me… ok?", "really** good", "x", "",
		// place and force names: one token each, whatever the masking
		"Three hours to get back to Weston-super-Mare", "Reading the news in Reading, then #WestYorkshirePolice",
		"Great Barr, the Met and NEWCASTLE UPON TYNE", "bloody Barnsley", "Newcastle upon")
}

func checkNormalize(t *testing.T, s string) {
	t.Helper()
	var fast, general doc
	general.general = true
	fast.normalize(s)
	general.normalize(s)
	if string(fast.norm) != string(general.norm) || !slices.Equal(fast.toks, general.toks) {
		t.Fatalf("normalize(%q):\nfast    %q %v\ngeneral %q %v", s, fast.norm, fast.toks, general.norm, general.toks)
	}
	// the word hashes made as the words are written are the words' hashes
	for i, tk := range fast.toks {
		if want := hashBytes(seedWord, fast.norm[tk.ns:tk.ne]); len(fast.hw) != len(fast.toks) || fast.hw[i] != want || general.hw[i] != want {
			t.Fatalf("normalize(%q): word %d %q: hashes %v and %v, want %v", s, i, fast.norm[tk.ns:tk.ne], fast.hw, general.hw, want)
		}
	}
}

func TestNormalizePlainWords(t *testing.T) {
	for _, s := range fastPathTexts(t) {
		checkNormalize(t, s)
	}
}

// checkModelSums compares the model's sums without features with the sums
// over extract's features, to the bit, and the result of a lazy run with
// that of a full one.
func checkModelSums(t *testing.T, c *Classifier, s string) {
	t.Helper()
	full, lazy := new(work), &work{lazy: true}
	c.run(full, s)
	c.run(lazy, s)
	want := c.dot(full.fs)
	got, n := c.modelSums(&full.d, full.fsMasked, &full.rule, full.groups)
	if n != len(full.fs) {
		t.Fatalf("%q: modelSums counts %d features, extract built %d", s, n, len(full.fs))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%q: modelSums %v, dot over extract %v", s, got, want)
		}
	}
	if full.z != lazy.z {
		t.Fatalf("%q: lazy z %v, full %v", s, lazy.z, full.z)
	}
	rf, rl := c.result(full, s), c.result(lazy, s)
	if !slices.Equal(rf.Evidence, rl.Evidence) {
		t.Fatalf("%q: lazy evidence %v, full %v", s, rl.Evidence, rf.Evidence)
	}
}

func TestModelSums(t *testing.T) {
	c := mustLoad(t)
	masked := false
	for _, s := range fastPathTexts(t) {
		checkModelSums(t, c, s)
		w := new(work)
		c.run(w, s)
		masked = masked || w.fsMasked != nil
	}
	if !masked {
		t.Error("no text has masked words")
	}
}

// TestTokenNear checks tokenNear against tokenAt from every start.
func TestTokenNear(t *testing.T) {
	for _, s := range fastPathTexts(t)[:400] {
		var d doc
		d.normalize(s)
		for i := int32(0); i <= int32(len(d.norm)); i++ {
			for k := 0; k <= len(d.toks); k++ {
				if got, _ := d.tokenNear(i, k); got != d.tokenAt(i) {
					t.Fatalf("%q: tokenNear(%d, %d) = %d, tokenAt %d", d.norm, i, k, got, d.tokenAt(i))
				}
			}
		}
	}
}

// TestSortByStart checks that sortByStart orders spans of equal start as
// sort.Slice does.
func TestSortByStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 2000; k++ {
		ev := make([]Span, 2+rng.IntN(16))
		for i := range ev {
			ev[i] = Span{Start: rng.IntN(4), End: i}
		}
		want := slices.Clone(ev)
		sort.Slice(want, func(i, j int) bool { return want[i].Start < want[j].Start })
		if sortByStart(ev); !slices.Equal(ev, want) {
			t.Fatalf("sortByStart: %v, sort.Slice: %v", ev, want)
		}
	}
}

// TestFastPaths compares Classify, with every fast path, with a run that
// takes none: categories, scores, evidence and reasons must be the same.
func TestFastPaths(t *testing.T) {
	c := mustLoad(t)
	for _, s := range fastPathTexts(t) {
		checkReference(t, c, s)
	}
}

func checkReference(t *testing.T, c *Classifier, s string) {
	t.Helper()
	ref := &work{reference: true}
	c.run(ref, s)
	want := c.result(ref, s)
	if got := c.Classify(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nClassify  %+v\nreference %+v", s, got, want)
	}
}

// FuzzFastPaths compares the fast paths with the general code on
// arbitrary text.
func FuzzFastPaths(f *testing.F) {
	for _, s := range fastPathTexts(f)[:40] {
		f.Add(s)
	}
	c := mustLoad(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalize(t, s)
		checkModelSums(t, c, s)
		checkReference(t, c, s)
	})
}
