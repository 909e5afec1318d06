package classify

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/rules"
)

// Place and force names. The models see every place name that the rules
// know (the towns, cities and areas of forces.yaml) as one shared place
// token, and every force name (names, aliases, handles) as one shared force
// token, so they learn "a place" and "a force" and never a particular town
// or force: a post must not score higher because of the town its writer
// drives home to or the force they serve in. Trained on word and
// character n-grams, the models had learned towns that happened to occur
// in breaches ("Barnsley" +1.2 procedure) and character n-grams that towns
// share with the vocabulary of a category ("Leominster" and "Warminster"
// +1.9 political, from "Westminster").
//
// The rules' own matching (rules/categories) still sees the words.

// placesFile is the rules file whose place names the models do not see.
const placesFile = "forces.yaml"

// placeTable finds place names in a normalised post, word by word: an
// open-addressed table from the hash of a name's first word (the word
// feature's hash, computed once per word) to the names that start with it,
// longest first. A word that is no place's first word costs one probe.
type placeTable struct {
	// first has bit firstBit(h) set for the hash h of every name's first
	// word: 4 kB, so most words leave after one read that stays in cache.
	first [1 << firstBits / 64]uint64
	mask  uint32
	// slots hold the high 16 bits of a first word's hash and its head
	// index + 1, so that a word that starts no name is told apart in one
	// read; 0 is empty.
	slots []uint32
	// keys are the heads' first-word hashes and next-word filters, apart
	// from the heads so that the common first words that start no name
	// here ("the", "west", "police") cost two small reads.
	keys  []placeKey
	heads []placeHead
	// words holds the normalised words of every name, end to end;
	// [2]int32 spans index it.
	words []byte
	// digest names the name list, for the rules version.
	digest string
}

// placeKey is a head's first-word hash and a filter of the words that
// follow it in its names: bit nextBit(h) for the hash h of each second
// word, every bit when a name is the first word alone.
type placeKey struct {
	hash, next uint32
}

// nextBit is the bit of a word's hash in a placeKey's next.
func nextBit(h uint32) uint32 { return 1 << (h >> 27) }

// placeHead is every name starting with one word.
type placeHead struct {
	first [2]int32
	names []placeName // longest first
}

// placeName is one name: the words after the first (and their hashes, to
// compare with the post's before any byte), the token it stands for
// (placeToken or forceToken) and its case rule.
type placeName struct {
	rest   [][2]int32
	hashes []uint32
	token  uint32
	// title: the name counts only when its first letter is a capital
	// ("Stone", "Rugby"): ambiguous_places, which identify reads the same
	// way. weak: moreover not as the first word of a sentence ("Reading
	// the file", "Bury it", "Met a lovely family"): weak_places and
	// weak_aliases, names that are ordinary words.
	// upper: a name written in capitals in the rules ("UK") needs them.
	title, weak, upper bool
}

// placeToken and forceToken are the word hashes of the shared tokens:
// seedWord's hashes of bytes no normalised word contains.
var (
	placeToken = hashBytes(seedWord, []byte{0})
	forceToken = hashBytes(seedWord, []byte{1})
)

// forcesPlaces is the part of forces.yaml that names places.
type forcesPlaces struct {
	Forces []struct {
		Name        string   `yaml:"name"`
		Aliases     []string `yaml:"aliases"`
		WeakAliases []string `yaml:"weak_aliases"`
		Handles     []string `yaml:"handles"`
		Places      []string `yaml:"places"`
		WeakPlaces  []string `yaml:"weak_places"`
	} `yaml:"forces"`
	Ambiguous []string `yaml:"ambiguous_places"`
}

// loadPlaces compiles the place names of fsys's forces.yaml; without the
// file the models see every word (nil, nil).
func loadPlaces(fsys fs.FS) (*placeTable, error) {
	b, err := fs.ReadFile(fsys, placesFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("places: %w", err)
	}
	var f forcesPlaces
	if err := yaml.Unmarshal(b, &f); err != nil {
		// identify reports where; here the file is only read for names
		return nil, &RuleError{File: placesFile, Msg: "cannot read place names: " + err.Error()}
	}
	return buildPlaces(func(add func(name string, token uint32, title, weak bool)) {
		for _, fc := range f.Forces {
			add(fc.Name, forceToken, false, false)
			for _, n := range append(fc.Aliases, fc.Handles...) {
				add(n, forceToken, false, false)
			}
			for _, n := range fc.WeakAliases {
				add(n, forceToken, true, true)
			}
			for _, n := range fc.Places {
				add(n, placeToken, false, false)
			}
			for _, n := range fc.WeakPlaces {
				add(n, placeToken, true, true)
			}
		}
		for _, n := range f.Ambiguous {
			add(n, placeToken, true, false)
		}
	}), nil
}

// buildPlaces compiles the names that each calls add for. A name given
// twice keeps its first token and the laxer case rule.
func buildPlaces(each func(add func(name string, token uint32, title, weak bool))) *placeTable {
	t := &placeTable{}
	byKey := map[string]int{} // normalised name -> index in list
	type entry struct {
		words       []string
		token       uint32
		upper       bool
		title, weak bool
	}
	var list []entry
	each(func(name string, token uint32, title, weak bool) {
		key := normPhrase(name)
		if key == "" {
			return
		}
		upper := title && rules.IsCapitals(name)
		if i, ok := byKey[key]; ok {
			e := &list[i]
			e.title, e.weak, e.upper = e.title && title, e.weak && weak, e.upper && upper
			return
		}
		byKey[key] = len(list)
		list = append(list, entry{words: strings.Split(key, " "), token: token, upper: upper, title: title, weak: weak})
	})
	span := func(w string) [2]int32 {
		s := int32(len(t.words))
		t.words = append(t.words, w...)
		return [2]int32{s, int32(len(t.words))}
	}
	headOf := map[string]int{}
	for _, e := range list {
		hi, ok := headOf[e.words[0]]
		if !ok {
			hi = len(t.heads)
			headOf[e.words[0]] = hi
			t.heads = append(t.heads, placeHead{first: span(e.words[0])})
			t.keys = append(t.keys, placeKey{hash: hashBytes(seedWord, []byte(e.words[0]))})
		}
		n := placeName{token: e.token, title: e.title, weak: e.weak, upper: e.upper}
		for _, w := range e.words[1:] {
			n.rest = append(n.rest, span(w))
			n.hashes = append(n.hashes, hashBytes(seedWord, []byte(w)))
		}
		t.heads[hi].names = append(t.heads[hi].names, n)
		if len(n.hashes) == 0 {
			t.keys[hi].next = ^uint32(0)
		} else {
			t.keys[hi].next |= nextBit(n.hashes[0])
		}
	}
	for i := range t.heads {
		// longest first, so "Newcastle upon Tyne" wins over "Newcastle"
		slices.SortStableFunc(t.heads[i].names, func(a, b placeName) int { return len(b.rest) - len(a.rest) })
	}
	size := 16
	for size < 3*len(t.heads) {
		size *= 2
	}
	t.mask = uint32(size - 1)
	t.slots = make([]uint32, size)
	for i, k := range t.keys {
		b := firstBit(k.hash)
		t.first[b/64] |= 1 << (b % 64)
		s := placeSlot(k.hash) & t.mask
		for t.slots[s] != 0 {
			s = (s + 1) & t.mask
		}
		t.slots[s] = k.hash&tagMask | uint32(i+1)
	}
	// the version: every name with its case rule, in file order
	var d []byte
	for _, e := range list {
		d = append(d, strings.Join(e.words, " ")...)
		d = append(d, ' ', '0'+b2u(e.token == forceToken), '0'+b2u(e.title), '0'+b2u(e.weak), '0'+b2u(e.upper), '\n')
	}
	t.digest = digest(d)
	return t
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// placeSlot spreads a word hash over the table.
func placeSlot(h uint32) uint32 { return h ^ h>>15 }

// tagMask is the part of a hash a slot keeps (the rest holds the head).
const tagMask = 0xffff0000

// firstBits is the size of placeTable.first, in bits of a hash.
const firstBits = 15

// firstBit is the bit of a word hash in placeTable.first.
func firstBit(h uint32) uint32 { return h >> (32 - firstBits) }

// markWords fills d.place with the places and forces of d (normalised,
// with d.hw): d.place[t] is the number of tokens of a name starting at
// token t, whose d.hw is then the name's shared token, -1 for the other
// tokens of a name, 0 for a word that is no name. t == nil marks no name.
func (t *placeTable) markWords(d *doc) {
	n := len(d.toks)
	if cap(d.place) < n {
		d.place = make([]int32, n, cap(d.toks))
	}
	d.place = d.place[:n]
	clear(d.place)
	if t == nil {
		return
	}
	for i := 0; i < n; i++ {
		h := d.hw[i]
		if b := firstBit(h); t.first[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		s := placeSlot(h) & t.mask
		for e := t.slots[s]; e != 0; e = t.slots[s] {
			if key := &t.keys[e&^tagMask-1]; e&tagMask == h&tagMask && key.hash == h {
				if key.next != ^uint32(0) && (i+1 == n || key.next&nextBit(d.hw[i+1]) == 0) {
					break // no name is this word alone, none goes on with the next
				}
				if k, tok := t.match(d, i, &t.heads[e&^tagMask-1]); k > 0 {
					d.place[i] = int32(k)
					d.hw[i] = tok
					for j := i + 1; j < i+k; j++ {
						d.place[j] = -1
					}
					i += k - 1
				}
				break
			}
			s = (s + 1) & t.mask
		}
	}
}

// match returns the number of tokens of the longest name of h that starts
// at token i, or 0, and the name's token.
func (t *placeTable) match(d *doc, i int, h *placeHead) (int, uint32) {
	toks := d.toks
names:
	for ni := range h.names {
		nm := &h.names[ni]
		if i+len(nm.rest) >= len(toks) {
			continue
		}
		for k, hk := range nm.hashes {
			if d.hw[i+1+k] != hk {
				continue names
			}
		}
		if nm.title && !d.titleCase(i, nm.upper) {
			continue
		}
		if nm.weak && (i == 0 || toks[i-1].sent != toks[i].sent) {
			continue // a capital that starts a sentence says nothing
		}
		// the hashes agree: make sure of the words
		if !bytes.Equal(d.norm[toks[i].ns:toks[i].ne], t.words[h.first[0]:h.first[1]]) {
			return 0, 0
		}
		for k, w := range nm.rest {
			tk := toks[i+1+k]
			if !bytes.Equal(d.norm[tk.ns:tk.ne], t.words[w[0]:w[1]]) {
				continue names
			}
		}
		return 1 + len(nm.rest), nm.token
	}
	return 0, 0
}

// titleCase reports whether token i starts with a capital letter in the
// original text or, when upper, is written all in capitals.
func (d *doc) titleCase(i int, upper bool) bool {
	tk := d.toks[i]
	src := d.src[tk.os:tk.oe]
	if src == "" || src[0] < 'A' || src[0] > 'Z' {
		return false
	}
	if upper {
		for k := 0; k < len(src); k++ {
			if src[k] >= 'a' && src[k] <= 'z' {
				return false
			}
		}
	}
	return true
}

// unitEnd is the last token of the word or place starting at token t.
func (d *doc) unitEnd(t int) int32 {
	if p := d.place[t]; p > 1 {
		return int32(t) + p - 1
	}
	return int32(t)
}

// The shared tokens, as the model's evidence names them.
const (
	placeLabel = "[place]"
	forceLabel = "[force]"
)

// unitLabel is the normalised word at token t, or the label of a name.
func (d *doc) unitLabel(t int) string {
	switch {
	case d.place[t] == 0:
		return string(d.text(d.toks[t]))
	case d.hw[t] == forceToken:
		return forceLabel
	}
	return placeLabel
}

// insideName reports whether tokens tf..tl are part of a place or force
// name and not all of it: "great" in "Great Barr", "court" in "Earls
// Court", "circus" in "Piccadilly Circus" are no use of the word, so the
// rules do not match there. A rule term that is a whole name
// ("Westminster") still matches.
func (d *doc) insideName(tf, tl int32) bool {
	if int(tf) >= len(d.place) || d.place[tf] == 0 {
		return false
	}
	s := tf
	for s > 0 && d.place[s] < 0 {
		s--
	}
	e := s + d.place[s] - 1
	return tl <= e && (tf > s || tl < e)
}
