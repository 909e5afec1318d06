package classify

import (
	"math"
	"slices"
	"testing"
	"testing/fstest"
)

func TestStretch(t *testing.T) {
	for _, tc := range []struct{ x, from, to, want float64 }{
		{0, 0.9, 0.5, 0},
		{0.45, 0.9, 0.5, 0.25},
		{0.9, 0.9, 0.5, 0.5},
		{0.95, 0.9, 0.5, 0.75},
		{1, 0.9, 0.5, 1},
		{0.3, 0.5, 0.5, 0.3},
		{0.7, 1, 0.5, 0.35},
		{1, 1, 0.5, 1},
	} {
		if got := stretch(tc.x, tc.from, tc.to); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("stretch(%v, %v, %v) = %v, want %v", tc.x, tc.from, tc.to, got, tc.want)
		}
	}
}

// The model alone must reach model_alone; with a rule hit of weakHit or
// more it needs only threshold. Flagging is always score >= threshold.
func TestCombine(t *testing.T) {
	cr := &catRules{threshold: 0.4, modelAlone: 0.8, rulesAlone: 0.9}
	for _, tc := range []struct {
		name                      string
		p, rule, support, mfactor float64
		cancelled, wantFlag       bool
	}{
		{"model alone below its bar", 0.7, 0, 0, 1, false, false},
		{"model alone above its bar", 0.85, 0, 0, 1, false, true},
		{"background vocabulary is not support", 0.7, 0.2, 0.2, 1, false, false},
		{"model and a rule hit agree", 0.45, 0.35, 0.35, 1, false, true},
		{"a rule hit but the model disagrees", 0.3, 0.5, 0.5, 1, false, false},
		{"lowered by a model context rule", 0.9, 0, 0, 0.5, false, false},
		{"model factor ignored with support", 0.5, 0.4, 0.4, 0.05, false, true},
		{"rules alone", 0.1, 0.95, 0.95, 1, false, true},
		{"cancelled: rules only", 0.99, 0.1, 0.1, 1, true, false},
	} {
		s := combine(cr, tc.p, tc.rule, tc.support, tc.mfactor, tc.cancelled)
		if s < 0 || s > 1 {
			t.Errorf("%s: score %v outside [0,1]", tc.name, s)
		}
		if got := s >= cr.threshold; got != tc.wantFlag {
			t.Errorf("%s: score %v, flagged %v, want %v", tc.name, s, got, tc.wantFlag)
		}
	}
}

// A lowering context rule marked model: true lowers a category's model
// factor when a cue is anywhere in the post and no rule hit supports the
// category; with a supporting hit it does not.
func TestModelContext(t *testing.T) {
	src := `category: offensive
threshold: 0.5
model_alone: 0.8
terms:
  - group: insults
    weight: 0.6
    words: [scrote]
  - group: background
    weight: 0.05
    words: [abuse]
context:
  - name: condemn
    effect: lower
    factor: 0.1
    window: 3
    model: true
    cues: [report it]
`
	c, err := Load(fstest.MapFS{"categories/offensive.yaml": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	w := new(work)
	c.run(w, "Homophobic abuse is a hate crime. Please report it.")
	if w.mfactor[0] != 0.1 || w.support[0] != 0.05 {
		t.Errorf("unsupported post with a cue: mfactor %v support %v, want 0.1 and 0.05", w.mfactor[0], w.support[0])
	}
	c.run(w, "You scrote. I am not going to report it, mate, but you are one.")
	if w.mfactor[0] != 1 || w.support[0] != 0.6 {
		t.Errorf("supported post: mfactor %v support %v, want 1 and 0.6", w.mfactor[0], w.support[0])
	}
	c.run(w, "Homophobic abuse, every day.")
	if w.mfactor[0] != 1 {
		t.Errorf("no cue: mfactor %v, want 1", w.mfactor[0])
	}
}

// Failure classes seen on posts written by another author: each line is
// an ordinary post the shipped rules and models must leave alone. They are
// written for this test, not taken from the training data.
func TestOrdinaryPostsNotFlagged(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the shipped models")
	}
	c := mustLoad(t)
	for _, text := range []string{
		// TV and sport chatter that reads as offensive to an OLID model
		"Who else is gutted about the darts? Robbed in the final leg lol",
		"That Strictly result was an absolute shocker lmao",
		"Brutal defeat for the lads today. Next week, boys.",
		// community appeals that condemn abuse
		"Homophobic abuse is a hate crime. If it happens to you, please report it to us.",
		"Racist abuse of shop workers is never acceptable. We've made an arrest and the man is in custody.",
		// neutral police vocabulary
		"Suspect interviewed, charged and remanded. Paperwork finished just before midnight.",
		"Court all morning, custody all afternoon. Home for tea.",
		// shifts, colleagues, crime prevention
		"Earlies tomorrow, then a rest day with my colleague's new puppy.",
		"Counting down the days to my holiday in Crete!",
		"Never pay upfront for driveway work from a cold caller.",
		// television titles and literal animals
		"Anyone watching The Traitors tonight? I trust nobody.",
		"Escaped cow on the bypass again. She was very confused.",
		// phone driving, graffiti reported in quotes
		"Driver on his phone at 50mph. Six points. Put it away.",
		"'All coppers are b*stards' sprayed on the wall of our station overnight. Cleaned up now.",
		// a report that someone was called names
		"A boy at the youth club said another lad called him a racist name. We spoke to both families.",
	} {
		r := c.Classify(text)
		checkResult(t, text, r)
		if r.Flagged() {
			t.Errorf("%q flagged %v (scores %v, evidence %v)", text, r.Categories, r.Scores, r.Evidence)
		}
	}
}

// Breaches phrased indirectly, without a swear word or a stock phrase.
func TestIndirectBreachesFlagged(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the shipped models")
	}
	c := mustLoad(t)
	for _, tc := range []struct {
		text string
		want Category
	}{
		{"Half the parents on that estate should be sterilised, honestly.", Offensive},
		{"Told to screen out every burglary call that hasn't got CCTV. Nobody's coming, lads.", Procedure},
		{"Management don't care about us. Looking for other jobs now.", Negativity},
		{"The cabinet are traitors and should hang for treason.", Political},
		// the writer's own insult, not a report of one
		{"I called him a useless prick to his face.", Offensive},
	} {
		r := c.Classify(tc.text)
		checkResult(t, tc.text, r)
		if !slices.Contains(r.Categories, tc.want) {
			t.Errorf("%q: %v, want %s (scores %v)", tc.text, r.Categories, tc.want, r.Scores)
		}
	}
}
