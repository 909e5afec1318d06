package classify

import (
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// Two posts that differ only in the town, or only in the force, must get
// the same model scores: the models see a place, never a particular one.
func TestPlaceNamesScoreAlike(t *testing.T) {
	c := mustLoad(t)
	for _, tc := range []struct {
		tmpl  string
		names []string
	}{
		{"WTF is going on with the M1 earlier? Three hours to get back to %s.",
			[]string{"Barnsley", "Truro", "Weston-super-Mare", "Newcastle upon Tyne", "NEWCASTLE UPON TYNE", "#Leominster", "Reading"}},
		{"Lovely sunny walk round %s on my rest day, then a brew.",
			[]string{"Barnsley", "Truro", "Great Barr", "Milton Keynes", "Rugby"}},
		{"Twenty years in %s and still love the job",
			[]string{"West Yorkshire Police", "GMP", "BTP", "@WMPolice", "Police Scotland", "Heddlu Gwent"}},
	} {
		var want Result
		var wantZ, wantRule [4]float64
		for i, name := range tc.names {
			text := strings.Replace(tc.tmpl, "%s", name, 1)
			w := new(work)
			c.run(w, text)
			named := false
			for _, p := range w.d.place {
				named = named || p > 0
			}
			if !named {
				t.Errorf("%q: no place or force found", text)
			}
			r := c.Classify(text)
			checkResult(t, text, r)
			if i == 0 {
				want, wantZ, wantRule = r, w.z, w.rule
				continue
			}
			// the rules still read the words (a term may name a place):
			// compare where they score both posts alike
			for ci, cat := range Categories {
				if w.rule[ci] != wantRule[ci] {
					continue
				}
				if math.Abs(w.z[ci]-wantZ[ci]) > 1e-9 {
					t.Errorf("%q: %s model logit %v, with %q %v", text, cat, w.z[ci], tc.names[0], wantZ[ci])
				}
				if r.Scores[cat] != want.Scores[cat] {
					t.Errorf("%q: %s score %v, with %q %v", text, cat, r.Scores[cat], tc.names[0], want.Scores[cat])
				}
			}
		}
	}
}

// Names that are ordinary words are places only as names: with a capital,
// and for weak places not where any word would have one.
func TestPlaceCase(t *testing.T) {
	c := mustLoad(t)
	for _, tc := range []struct {
		text  string
		place string // the words marked, "" for none
	}{
		{"Nicked a lad in Reading today", "Reading"},
		{"Reading the new policy now", ""},
		{"reading the new policy now", ""},
		{"Custody had no beds again", ""},
		{"Back to Beds for the weekend", "Beds"},
		{"Rugby on the telly", "Rugby"},
		{"watching the rugby", ""},
		{"Back in the UK", "UK"},
		{"back in the uk", ""},
		{"Met a lovely family today", ""},
		{"Proud to serve in the Met", "the Met"},
		{"He met the Met in Newcastle upon Tyne", "the Met|Newcastle upon Tyne"},
		{"Met lads in Newcastle", "Newcastle"},
	} {
		w := new(work)
		c.run(w, tc.text)
		var got []string
		for i, p := range w.d.place {
			if p > 0 {
				got = append(got, tc.text[w.d.toks[i].os:w.d.toks[i+int(p)-1].oe])
			}
		}
		if strings.Join(got, "|") != tc.place {
			t.Errorf("%q: places %q, want %q", tc.text, got, tc.place)
		}
	}
}

// A classifier whose offensive model weighs only the place token and the
// pair "to [place]": what it flags it can only explain by the place.
func placeFixture(t *testing.T) *Classifier {
	t.Helper()
	forces := `forces:
  - name: Northumbria Police
    aliases: [Northumbria]
    places: [Newcastle upon Tyne, Newcastle, Sunderland, Great Ayton]
    weak_places: [Jarrow]
ambiguous_places: [Rugby]
`
	rules := `category: offensive
threshold: 0.5
terms:
  - group: mild
    weight: 0.06
    model: hide
    words: [great]
`
	c, err := Load(fstest.MapFS{
		"categories/offensive.yaml": {Data: []byte(rules)},
		"forces.yaml":               {Data: []byte(forces)},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{Format: ModelFormat, Category: Offensive, Features: FeatureSpec, Bias: -3, Weights: [][2]float64{
		{float64(mix(placeToken) & dimMask), 60},
		{float64(mix(hashBytes(seedWord, []byte("to"))*31+placeToken^seedBigram) & dimMask), 20},
	}}
	return c.WithModel(m)
}

// Evidence of a flag the model made because of a place covers the whole
// name, at valid byte offsets into the text as written.
func TestPlaceEvidenceOffsets(t *testing.T) {
	c := placeFixture(t)
	for _, tc := range []struct{ text, want string }{
		{"Three hours to get back to Newcastle upon Tyne", "to Newcastle upon Tyne"},
		{"Three hours to get back to NÉWCASTLE\u00a0upon   Tyne!!", "to NÉWCASTLE\u00a0upon   Tyne"},
		{"🤬 back to #Sunderland 🤬", "to #Sunderland"},
		{"off to Newcastle", "to Newcastle"},
		{"Jarrow then Sunderland", "Sunderland"},
		{"Great Sunderland", "Sunderland"}, // "great" is hidden, the place is not
		{"Walk round Great Ayton", "Great Ayton"},
	} {
		r := c.Classify(tc.text)
		checkResult(t, tc.text, r)
		if !r.Flagged() {
			t.Errorf("%q not flagged (scores %v)", tc.text, r.Scores)
			continue
		}
		var spans []string
		for _, sp := range r.Evidence {
			if sp.Start < 0 || sp.End > len(tc.text) || sp.Start >= sp.End || tc.text[sp.Start:sp.End] != sp.Text {
				t.Errorf("%q: span %d-%d %q is not the text at its offsets", tc.text, sp.Start, sp.End, sp.Text)
			}
			if !strings.Contains(sp.Reason, placeLabel) {
				t.Errorf("%q: span %q reason %q does not name the place token", tc.text, sp.Text, sp.Reason)
			}
			spans = append(spans, sp.Text)
		}
		if !strings.HasSuffix(strings.Join(spans, "|"), tc.want) {
			t.Errorf("%q: evidence %q, want it to end with %q", tc.text, spans, tc.want)
		}
	}
	// a weak place at the start of a sentence is a word: nothing to flag
	if r := c.Classify("Jarrow"); r.Flagged() {
		t.Errorf("sentence-initial weak place flagged: %+v", r)
	}
}

// The place list is part of the rules version: a model's features depend
// on it.
func TestPlacesInVersion(t *testing.T) {
	rules := fstest.MapFS{"categories/offensive.yaml": {Data: []byte(goodRules)}}
	a, err := Load(rules)
	if err != nil {
		t.Fatal(err)
	}
	rules["forces.yaml"] = &fstest.MapFile{Data: []byte("forces:\n  - name: Kent Police\n    places: [Maidstone]\n")}
	b, err := Load(rules)
	if err != nil {
		t.Fatal(err)
	}
	rules["forces.yaml"] = &fstest.MapFile{Data: []byte("forces:\n  - name: Kent Police\n    places: [Maidstone, Dover]\n")}
	c, err := Load(rules)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version() == b.Version() || b.Version() == c.Version() {
		t.Errorf("versions %q, %q, %q: the place list must change it", a.Version(), b.Version(), c.Version())
	}
}

func TestExplainNames(t *testing.T) {
	c := placeFixture(t)
	text := "Back to Newcastle upon Tyne with Northumbria"
	_, e := c.Explain(text)
	want := []NameInfo{{8, 27, "Newcastle upon Tyne", "place"}, {33, 44, "Northumbria", "force"}}
	if !slices.Equal(e.Names, want) {
		t.Errorf("names %+v, want %+v", e.Names, want)
	}
	var b strings.Builder
	e.Write(&b, "1")
	if !strings.Contains(b.String(), `one token: "Newcastle upon Tyne" (place), "Northumbria" (force)`) {
		t.Errorf("explanation lacks the names:\n%s", b.String())
	}
}
