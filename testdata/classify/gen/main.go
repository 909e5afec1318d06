// Command gen writes the generated labelled posts of testdata/classify:
// generated_train.jsonl and generated_test.jsonl. Run it from the module
// root:
//
//	go run ./testdata/classify/gen
//
// Every template of negatives.go and positives.go is expanded several times
// with slot fillers from slots.go (seeded: the same source gives the same
// files). The stance frames of stance.go follow with their own seed and are
// written in many voices (voice.go). The split is by template, not by post: a template whose name
// hashes to 0 mod 4 goes wholly to the test file, so the test figures
// measure posts whose wording the model never saw, not new slot fillers in
// a familiar sentence.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"sort"
	"strings"
)

const (
	negPerTemplate = 14
	posPerTemplate = 6
	// the stance frames: fewer variants of more frames
	stanceNegPerTemplate = 10
	stancePosPerTemplate = 5
)

type example struct {
	ID     string   `json:"id"`
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
}

var slotRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func main() {
	rng := rand.New(rand.NewPCG(2025, 3))
	var train, test []example
	add := func(key string, ex []example) {
		h := sha256.Sum256([]byte(key))
		if binary.BigEndian.Uint32(h[:4])%4 == 0 {
			test = append(test, ex...)
		} else {
			train = append(train, ex...)
		}
	}
	kinds := make([]string, 0, len(negatives))
	for k := range negatives {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		slug := strings.ReplaceAll(kind, " ", "-")
		for ti, tpl := range negatives[kind] {
			id := fmt.Sprintf("gen-neg-%s-%03d", slug, ti)
			add(tpl, expand(rng, id, tpl, nil, negPerTemplate))
		}
	}
	for gi, g := range positives {
		for ti, tpl := range g.texts {
			id := fmt.Sprintf("gen-pos-%s-%d-%03d", strings.Join(g.labels, "+"), gi, ti)
			add(tpl, expand(rng, id, tpl, g.labels, posPerTemplate))
		}
	}
	// The stance frames (stance.go) come last with their own seeded
	// generator, so that adding them left the posts above unchanged.
	for k, v := range stanceSlots {
		if _, ok := slots[k]; ok {
			fmt.Fprintf(os.Stderr, "stance slot %s already in slots\n", k)
			os.Exit(1)
		}
		slots[k] = v
	}
	srng := rand.New(rand.NewPCG(2026, 7))
	skinds := make([]string, 0, len(stanceNegatives))
	for k := range stanceNegatives {
		skinds = append(skinds, k)
	}
	sort.Strings(skinds)
	for _, kind := range skinds {
		slug := strings.ReplaceAll(kind, " ", "-")
		for ti, tpl := range stanceNegatives[kind] {
			id := fmt.Sprintf("gen-sneg-%s-%03d", slug, ti)
			add(tpl, expandVoiced(srng, id, tpl, nil, stanceNegPerTemplate))
		}
	}
	for ti, tpl := range stanceReleased {
		id := fmt.Sprintf("gen-sneg-released-%03d", ti)
		add(tpl, expandVoiced(srng, id, tpl, nil, stanceNegPerTemplate))
	}
	for gi, g := range stancePositives {
		for ti, tpl := range g.texts {
			id := fmt.Sprintf("gen-spos-%s-%d-%03d", strings.Join(g.labels, "+"), gi, ti)
			add(tpl, expandVoiced(srng, id, tpl, g.labels, stancePosPerTemplate))
		}
	}
	for ti, tpl := range stanceVocabulary {
		id := fmt.Sprintf("gen-sneg-vocabulary-%03d", ti)
		add(tpl, expandVoiced(srng, id, tpl, nil, stanceNegPerTemplate))
	}
	for gi, g := range stanceMore {
		for ti, tpl := range g.texts {
			id := fmt.Sprintf("gen-spos2-%s-%d-%03d", strings.Join(g.labels, "+"), gi, ti)
			add(tpl, expandVoiced(srng, id, tpl, g.labels, stancePosPerTemplate))
		}
	}
	write("testdata/classify/generated_train.jsonl", train)
	write("testdata/classify/generated_test.jsonl", test)
	fmt.Printf("train %d, test %d\n", len(train), len(test))
}

// expand fills tpl's slots n times, dropping repeats.
func expand(rng *rand.Rand, id, tpl string, labels []string, n int) []example {
	if labels == nil {
		labels = []string{}
	}
	seen := map[string]bool{}
	var out []example
	for try := 0; len(out) < n && try < n*4; try++ {
		text := slotRE.ReplaceAllStringFunc(tpl, func(m string) string {
			fill, ok := slots[m[1:len(m)-1]]
			if !ok {
				fmt.Fprintf(os.Stderr, "%s: unknown slot %s\n", id, m)
				os.Exit(1)
			}
			return fill[rng.IntN(len(fill))]
		})
		// people type in many ways: some all lower case, some without the
		// final full stop
		switch r := rng.IntN(20); {
		case r < 3:
			text = strings.ToLower(text)
		case r < 5:
			text = strings.TrimSuffix(text, ".")
		}
		text = strings.Join(strings.Fields(text), " ")
		if seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, example{ID: fmt.Sprintf("%s-%02d", id, len(out)), Text: text, Labels: labels})
	}
	return out
}

// expandVoiced fills tpl's slots n times, slots inside fillers too, and
// writes each in a voice (voice.go), dropping repeats.
func expandVoiced(rng *rand.Rand, id, tpl string, labels []string, n int) []example {
	if labels == nil {
		labels = []string{}
	}
	seen := map[string]bool{}
	var out []example
	for try := 0; len(out) < n && try < n*4; try++ {
		text := tpl
		for pass := 0; pass < 3 && strings.Contains(text, "{"); pass++ {
			text = slotRE.ReplaceAllStringFunc(text, func(m string) string {
				fill, ok := slots[m[1:len(m)-1]]
				if !ok {
					fmt.Fprintf(os.Stderr, "%s: unknown slot %s\n", id, m)
					os.Exit(1)
				}
				return fill[rng.IntN(len(fill))]
			})
		}
		text = voice(rng, text)
		if seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, example{ID: fmt.Sprintf("%s-%02d", id, len(out)), Text: text, Labels: labels})
	}
	return out
}

func write(path string, ex []example) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range ex {
		if err := enc.Encode(e); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
