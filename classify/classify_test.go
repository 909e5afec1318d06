package classify

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func fixture(t *testing.T) *Classifier {
	t.Helper()
	c, err := Load(fstest.MapFS{"categories/offensive.yaml": {Data: []byte(goodRules)}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkResult verifies the invariants every result must keep.
func checkResult(t *testing.T, text string, r Result) {
	t.Helper()
	if len(r.Scores) != len(Categories) {
		t.Fatalf("%q: scores %v, want every category", text, r.Scores)
	}
	for cat, s := range r.Scores {
		if !cat.Valid() || s < 0 || s > 1 || s != s {
			t.Fatalf("%q: score %s = %v", text, cat, s)
		}
	}
	for _, sp := range r.Evidence {
		if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
			t.Fatalf("%q: span %+v out of range", text, sp)
		}
		if text[sp.Start:sp.End] != sp.Text {
			t.Fatalf("%q: span text %q, text at offsets %q", text, sp.Text, text[sp.Start:sp.End])
		}
		if !slices.Contains(r.Categories, sp.Category) {
			t.Fatalf("%q: evidence for unflagged %s", text, sp.Category)
		}
	}
	for _, cat := range r.Categories {
		found := false
		for _, sp := range r.Evidence {
			found = found || sp.Category == cat
		}
		if !found {
			t.Fatalf("%q: %s flagged without evidence", text, cat)
		}
	}
}

func TestObfuscatedProfanity(t *testing.T) {
	c := fixture(t)
	for _, text := range []string{
		"fuck this", "FUCKING hell", "f***ing hell", "f**k off", "fu*k", "fuuuuuck", "f u c k this", "F.U.C.K",
		"fu🤬ck you", "ｆｕｃｋ off", "𝐟𝐮𝐜𝐤𝐞𝐝 it", "fück", "what the f\u200buck",
	} {
		r := c.Classify(text)
		checkResult(t, text, r)
		if !slices.Contains(r.Categories, Offensive) {
			t.Errorf("%q not flagged (scores %v)", text, r.Scores)
			continue
		}
		if sp := r.Evidence[0]; !strings.ContainsAny(strings.ToLower(sp.Text), "fｆ𝐟") {
			t.Errorf("%q: evidence %q does not cover the word", text, sp.Text)
		}
	}
	for _, text := range []string{"fudge", "a fun cake", "Scunthorpe", "fork"} {
		if r := c.Classify(text); r.Flagged() {
			t.Errorf("%q flagged: %+v", text, r)
		}
	}
}

func TestContextRules(t *testing.T) {
	c := fixture(t)
	score := func(s string) float64 { return c.Classify(s).Scores[Offensive] }
	// aimed at a person raises an insult past the threshold
	if s := score("what an idiot"); s >= 0.5 {
		t.Errorf("insult alone scored %v", s)
	}
	if s := score("you idiot"); s < 0.5 {
		t.Errorf("insult aimed at you scored %v", s)
	}
	// the cue has to be within the window before the hit
	if s := score("you know, the man was acting like an idiot"); s >= 0.5 {
		t.Errorf("far cue raised: %v", s)
	}
	// condemning cancels
	if s := score("calling someone a fucking scrote is unacceptable"); s != 0 {
		t.Errorf("condemned use scored %v", s)
	}
	// quoting halves
	if s := score(`he shouted "scrote" at us`); s != 0.3 {
		t.Errorf("quoted scored %v, want 0.3", s)
	}
	// pattern with a required cue
	text := "then he kicked his head in, proper"
	r := c.Classify(text)
	checkResult(t, text, r)
	if !r.Flagged() || r.Evidence[0].Text != "kicked his head in" {
		t.Errorf("pattern: %+v", r)
	}
}

func TestExplainNamesRules(t *testing.T) {
	c := fixture(t)
	_, e := c.Explain("you idiot, it's unacceptable")
	var b strings.Builder
	e.Write(&b, `"1"`)
	out := b.String()
	for _, want := range []string{`term "idiot"`, `raised x2 by "aimed"`, `lowered x0 by "condemn"`, "categories/offensive.yaml:"} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
}

func TestEvidenceOffsets(t *testing.T) {
	c := mustLoad(t)
	for _, text := range []string{
		"You absolute f***ing scrote, PC 1234 nicked him at 3am",
		"caf\xe9 \xff f\xffuck you c**t \xc3",
		"🤬🤬 fuck 🤬🤬 you 🤬",
		"Tory scum. Hang the traitors in Westminster.",
		"Between you and me the CPS bottled it and the SLT are clueless",
		strings.Repeat("scrote ", 200),
		"",
	} {
		r := c.Classify(text)
		checkResult(t, text, r)
		if !utf8.ValidString(text) {
			continue
		}
		for _, sp := range r.Evidence {
			if !utf8.ValidString(sp.Text) {
				t.Errorf("%q: span %q cuts a rune", text, sp.Text)
			}
		}
	}
}

// The hard negatives of SPEC.md are left alone by the shipped rules and
// models.
func TestHardNegatives(t *testing.T) {
	c := mustLoad(t)
	for _, text := range []string{
		"Bloody freezing on nights this week.",
		"Appeal for witnesses: a man was assaulted on Mill Road at 10pm. Call 101 quoting log 1432.",
		"Lock your sheds, folks. Bike thefts are up on the estate.",
		"Huge thanks to the team on C relief tonight. Proud of you all.",
		"Calling someone a p*ki is racist abuse and it is unacceptable. Report it.",
		"Faggots, peas and gravy in the canteen today.",
		"Scunthorpe United won 3-0.",
	} {
		r := c.Classify(text)
		checkResult(t, text, r)
		if r.Flagged() {
			t.Errorf("%q flagged %v (scores %v)", text, r.Categories, r.Scores)
		}
	}
}

func TestModelOnlyEvidence(t *testing.T) {
	c := mustLoad(t)
	// no rule term here: if a model flags it, its evidence is n-grams
	text := "Our Superintendent has never done a day on response and every decision is for his promotion board"
	_, e := c.Explain(text)
	r := c.Classify(text)
	checkResult(t, text, r)
	for _, sp := range r.Evidence {
		if !strings.HasPrefix(sp.Reason, "model n-gram") && !strings.HasPrefix(sp.Reason, "term") && !strings.HasPrefix(sp.Reason, "pattern") {
			t.Errorf("span reason %q", sp.Reason)
		}
	}
	for _, ci := range e.Cats {
		if ci.HasModel && len(ci.TopNgrams) == 0 {
			t.Errorf("%s: no top n-grams", ci.Category)
		}
	}
}

func TestConcurrentClassify(t *testing.T) {
	c := mustLoad(t)
	texts := []string{"fuck off you scrote", "thanks team", "the CPS bottled it", "Tory scum", "f u c k"}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = c.Classify(s)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				i := (g + k) % len(texts)
				got := c.Classify(texts[i])
				if !slices.Equal(got.Categories, want[i].Categories) || len(got.Evidence) != len(want[i].Evidence) {
					t.Errorf("%q: concurrent result differs", texts[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// A hostile post repeating flagged words thousands of times keeps its
// matches capped (so it costs linear time) and still gets flagged.
func TestRepeatedWordsCapped(t *testing.T) {
	c := mustLoad(t)
	text := strings.Repeat("fuck you scrote, court ", 3000)
	w := new(work)
	c.run(w, text)
	if len(w.hits) > maxMatches || len(w.cues) > maxMatches {
		t.Errorf("hits %d cues %d, cap %d", len(w.hits), len(w.cues), maxMatches)
	}
	r := c.Classify(text)
	checkResult(t, text, r)
	if !slices.Contains(r.Categories, Offensive) {
		t.Errorf("not flagged: %v", r.Scores)
	}
}

// TestFlaggedIffScoreReachesThreshold: a score at or above the bar means
// flagged and nothing else does, including posts with no words at all,
// whose scores would otherwise be the models' biases.
func TestFlaggedIffScoreReachesThreshold(t *testing.T) {
	c := mustLoad(t)
	posts := append([]string{"", " ", "👀", "💙💙", "...", "@user", "URL", "\xff\xfe"}, benchCorpus(t)...)
	for _, text := range posts {
		r := c.Classify(text)
		checkResult(t, text, r)
		for ci, cat := range Categories {
			th := c.rules.cats[ci].threshold
			if got, want := slices.Contains(r.Categories, cat), r.Scores[cat] >= th; got != want {
				t.Errorf("%q: %s flagged %v with score %v (threshold %v)", text, cat, got, r.Scores[cat], th)
			}
		}
	}
	for _, text := range []string{"", "👀", "..."} {
		for cat, s := range c.Classify(text).Scores {
			if s > 0.1 {
				t.Errorf("%q: %s scores %v with no words", text, cat, s)
			}
		}
	}
}

// The reasons of context rules read as fmt wrote them.
func TestReasonFormat(t *testing.T) {
	for _, name := range []string{"condemning", `quoted "slur"`, "tab\there", "émoji 🤬", ""} {
		for _, f := range []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25, 1.0 / 3, 0.5, 0.95, 0.995, 1, 1.5, 2, 2.5, 10, 99.5, 123.456, 1e-7, 1e21} {
			for _, raise := range []bool{false, true} {
				op := "lowered"
				if raise {
					op = "raised"
				}
				want := fmt.Sprintf(", %s by %q x%.2g", op, name, f)
				if got := string(appendCtx(nil, raise, name, f)); got != want {
					t.Errorf("appendCtx(%v, %q, %v) = %q, want %q", raise, name, f, got, want)
				}
			}
			if got, want := string(appendTotal(nil, f)), fmt.Sprintf(" = %.2f", f); got != want {
				t.Errorf("appendTotal(%v) = %q, want %q", f, got, want)
			}
		}
	}
}
