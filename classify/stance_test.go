package classify

import (
	"testing"

	"github.com/psd-tools/exposure/rules"
)

// TestStanceSupport checks that the shipped rules read the constructions of
// stance (a judgement passed on work, a case told from the inside, a rule
// bent) as support for their category, and leave the same words alone in
// ordinary posts. Support only hands the decision to the model at the
// category's threshold; the figures are in rules/models/README.md.
func TestStanceSupport(t *testing.T) {
	c, err := LoadRules(rules.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cat     Category
		text    string
		support bool
	}{
		{Negativity, "The SLT couldn't organise a raffle. Every one of them is clueless", true},
		{Negativity, "Morale on our relief is through the floor", true},
		{Negativity, "Our bosses are more interested in their image than in us", true},
		{Negativity, "Fed up with the roadworks on the way to Hull", false},
		{Negativity, "Can't wait to leave for Spain on Friday", false},
		{Negativity, "Couldn't find my car keys in a house this size", false},
		{Procedure, "Nicked the lad for the post office job, he's in cell 4", true},
		{Procedure, "The search wasn't lawful but he had a knife so who cares", true},
		{Procedure, "Our inspector wants 20 stops a week each", true},
		{Procedure, "Body worn camera was off for that one", true},
		{Procedure, "Gave him a couple back when the camera was off", true},
		{Procedure, "Camera 'malfunctioned' again during the arrest", true},
		{Procedure, "My camera ran out of battery on the school trip", false},
		{Procedure, "The camera wasn't working at the wedding so no photos", false},
		{Procedure, "Busy night, 8 in the cells by midnight", false},
		{Offensive, "He tried to run. Met the floor soon enough", true},
		{Offensive, "Some of the families round here should be sterilised", true},
		{Offensive, "Dropped him home after the match", false},
		{Political, "Hope the Home Secretary gets what's coming", true},
	}
	w := new(work)
	for _, tc := range cases {
		c.run(w, tc.text)
		got := w.support[catIndex(tc.cat)] >= weakHit
		if got != tc.support {
			t.Errorf("%s %q: support %.2f, want support %v", tc.cat, tc.text, w.support[catIndex(tc.cat)], tc.support)
		}
	}
}

// TestContextRuleFeature checks that a context rule that changed a hit is
// a model feature of its own, so the model can learn how far it is trusted.
func TestContextRuleFeature(t *testing.T) {
	c, err := LoadRules(rules.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ci := catIndex(Negativity)
	var slot uint32
	for _, ri := range c.rules.cats[ci].ctx {
		if c.rules.ctx[ri].name == "judged with contempt" {
			slot = c.rules.ctx[ri].slot
		}
	}
	if slot == 0 {
		t.Fatal("no context rule named \"judged with contempt\" in negativity")
	}
	has := func(text string) bool {
		w := new(work)
		c.run(w, text)
		for _, f := range w.fs {
			if f.tok < 0 && f.idx == slot {
				return true
			}
		}
		return false
	}
	if !has("the bosses are useless") {
		t.Error("a raised work word left no context feature")
	}
	if has("the bosses came out on patrol") {
		t.Error("a context feature without its cue")
	}
}
