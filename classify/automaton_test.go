package classify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// naive finds every occurrence of every pattern by brute force.
func naive(pats [][]byte, text []byte) []match {
	var out []match
	for end := 1; end <= len(text); end++ {
		for id, p := range pats {
			if end >= len(p) && bytes.Equal(text[end-len(p):end], p) {
				out = append(out, match{id: int32(id), start: int32(end - len(p)), end: int32(end)})
			}
		}
	}
	return out
}

func sortMatches(ms []match) {
	slices.SortFunc(ms, func(a, b match) int {
		if a.end != b.end {
			return int(a.end - b.end)
		}
		return int(a.id - b.id)
	})
}

// randWord returns n bytes drawn from alphabet.
func randWord(rng *rand.Rand, alphabet string, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}

// Every table width (uint16 below 32768 states, uint16 up to 65536, int32
// past that) finds exactly what brute force finds.
func TestAutomatonMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "abc d"
	word := func(n int) []byte { return randWord(rng, alphabet, n) }
	for _, npat := range []int{5, 300, 6000, 12000} {
		if npat >= 6000 {
			alphabet = "abcdefghijklmnopqrstuvwxyz " // enough states for the wide tables
		}
		var pats [][]byte
		for i := 0; i < npat; i++ {
			if npat >= 6000 && i%2 == 0 {
				pats = append(pats, word(8+rng.IntN(12))) // long, to pass 32768 states
				continue
			}
			pats = append(pats, word(1+rng.IntN(12)))
		}
		a := buildAutomaton(pats)
		states := len(a.outStart) - 1
		wide := a.next != nil
		switch {
		case npat == 5 && (wide || states >= 1<<15),
			npat == 6000 && (wide || states <= 1<<15 || states > 1<<16),
			npat == 12000 && (!wide || states <= 1<<16):
			t.Fatalf("%d patterns: %d states, wide table %v", npat, states, wide)
		}
		texts := 20
		if npat >= 6000 {
			texts = 5 // brute force over thousands of patterns is slow under -race
		}
		for k := 0; k < texts; k++ {
			text := word(rng.IntN(200))
			got := a.find(text, nil)
			want := naive(pats, text)
			sortMatches(got)
			sortMatches(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%d patterns, text %q:\n got %v\nwant %v", npat, text, got, want)
			}
		}
	}
}

// The 32-column table with digits aside finds what the plain table finds,
// in the same order.
func TestAutomatonCompact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, alphabet := range []string{"ab1 9", "0123456789 x*", "abcdefghijklmnopqrstuvwxyz*0 1"} {
		word := func(n int) []byte { return randWord(rng, alphabet, n) }
		var pats [][]byte
		for i := 0; i < 400; i++ {
			pats = append(pats, word(1+rng.IntN(10)))
		}
		plain, compact := buildTable(pats), buildAutomaton(pats)
		if compact.rows == nil {
			t.Fatalf("alphabet %q: no compact table", alphabet)
		}
		for k := 0; k < 50; k++ {
			text := append(word(rng.IntN(300)), "\x00\xff7"[rng.IntN(3)])
			got, want := compact.find(text, nil), plain.find(text, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("alphabet %q, text %q:\n got %v\nwant %v", alphabet, text, got, want)
			}
		}
	}
}

// Scanning a long text as two halves finds what one scan finds, in the
// same order, at every split.
func TestAutomatonSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := "ab1 9xy"
	word := func(n int) []byte { return randWord(rng, alphabet, n) }
	var pats [][]byte
	for i := 0; i < 300; i++ {
		pats = append(pats, word(1+rng.IntN(12)))
	}
	pats = append(pats, []byte("ab ab ab ab ab ab ab ab ab ab"))
	a := buildAutomaton(pats)
	if a.rows == nil {
		t.Fatal("no compact table")
	}
	var tail []match
	for n := 0; n < 400; n++ {
		text := word(n)
		if n%3 == 0 {
			text = bytes.Repeat([]byte("ab "), n/3) // the long pattern across the split
		}
		var got []match
		got, tail = a.findSplit(text, nil, tail)
		if want := a.find(text, nil); !slices.Equal(got, want) {
			t.Fatalf("text %q:\n got %v\nwant %v", text, got, want)
		}
	}
}
