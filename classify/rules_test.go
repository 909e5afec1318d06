package classify

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const goodRules = `category: offensive
threshold: 0.5
rules_alone: 0.8
terms:
  - group: strong
    weight: 0.9
    mask: true
    words:
      - fuck*
      - scrote: 0.6
  - group: insults
    weight: 0.4
    words: [idiot]
patterns:
  - name: boast
    weight: 0.7
    regexp: '(?i)\bkicked his head in\b'
    requires: [kicked]
context:
  - name: condemn
    effect: lower
    factor: 0
    cues: [unacceptable]
  - name: aimed
    effect: raise
    factor: 2
    window: 2
    side: before
    groups: [insults]
    cues: [you]
  - name: quoted
    effect: lower
    factor: 0.5
    when: quoted
`

func TestLoaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, src, want string
	}{
		{"syntax", "offensive.yaml", "category: offensive\nterms: [\n  - a: b: c\n", "categories/offensive.yaml:2: syntax error"},
		{"unknown category file", "rude.yaml", "category: rude\n", `categories/rude.yaml:1: unknown category "rude"`},
		{"category mismatch", "offensive.yaml", "category: political\n", `categories/offensive.yaml:1: category "political" in a file named offensive.yaml`},
		{"unknown category value", "offensive.yaml", "threshold: 0.5\ncategory: rude\n", `categories/offensive.yaml:2: unknown category "rude"`},
		{"duplicate term", "offensive.yaml", "category: offensive\nterms:\n  - group: a\n    weight: 0.5\n    words:\n      - scrote\n      - idiot\n      - SCROTE\n",
			`categories/offensive.yaml:8: duplicate term "SCROTE" (first at line 6)`},
		{"duplicate after normalising", "offensive.yaml", "category: offensive\nterms:\n  - group: a\n    weight: 0.5\n    words: [scrote]\n  - group: b\n    weight: 0.5\n    words: [scr0te]\n",
			`categories/offensive.yaml:8: duplicate term "scr0te" (first at line 5)`},
		{"bad pattern", "procedure.yaml", "category: procedure\npatterns:\n  - name: p\n    weight: 0.5\n    regexp: '(unclosed'\n",
			`categories/procedure.yaml:5: pattern "p": bad regexp`},
		{"empty pattern", "procedure.yaml", "category: procedure\npatterns:\n  - name: p\n    weight: 0.5\n    regexp: 'a*'\n",
			`categories/procedure.yaml:5: pattern "p" matches empty text`},
		{"unknown key", "negativity.yaml", "category: negativity\nthreshhold: 0.5\n", `categories/negativity.yaml:2: unknown key "threshhold"`},
		{"weight range", "negativity.yaml", "category: negativity\nterms:\n  - group: a\n    weight: 3\n    words: [x]\n", `categories/negativity.yaml:4: weight: 3 is outside [0,1]`},
		{"unknown group", "political.yaml", "category: political\ncontext:\n  - name: c\n    effect: lower\n    factor: 0.5\n    groups: [nope]\n    cues: [x]\n",
			`categories/political.yaml:6: unknown group "nope"`},
		{"no cues", "political.yaml", "category: political\ncontext:\n  - name: c\n    effect: lower\n    factor: 0.5\n", `categories/political.yaml:3: context rule "c" has no cues`},
		{"raise below one", "political.yaml", "category: political\ncontext:\n  - name: c\n    effect: raise\n    factor: 0.5\n    cues: [x]\n", `categories/political.yaml:3: context rule "c" raises by a factor below 1`},
		{"model_alone below threshold", "procedure.yaml", "category: procedure\nthreshold: 0.5\nmodel_alone: 0.4\n",
			`categories/procedure.yaml:3: model_alone 0.40 is below threshold 0.50`},
		{"model on a raising rule", "political.yaml", "category: political\ncontext:\n  - name: c\n    effect: raise\n    factor: 2\n    model: true\n    cues: [x]\n",
			`categories/political.yaml:3: context rule "c": model: true needs a lowering rule with cues`},
		{"model not a bool", "political.yaml", "category: political\ncontext:\n  - name: c\n    effect: lower\n    factor: 0.5\n    model: maybe\n    cues: [x]\n",
			`categories/political.yaml:6: model: want true or false, not "maybe"`},
		{"empty term", "political.yaml", "category: political\nterms:\n  - group: a\n    weight: 0.5\n    words: ['***']\n", `categories/political.yaml:5: term "***" has no letters or digits`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"categories/" + tc.file: {Data: []byte(tc.src)}}
			_, err := Load(fsys)
			if err == nil {
				t.Fatalf("loaded without error")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q\nwant prefix %q", err, tc.want)
			}
			var re *RuleError
			if !errors.As(err, &re) || re.Line == 0 {
				t.Errorf("error %v is not a RuleError with a line", err)
			}
		})
	}
}

func TestLoaderNoRules(t *testing.T) {
	if _, err := Load(fstest.MapFS{}); !errors.Is(err, ErrNoRules) {
		t.Errorf("err = %v, want ErrNoRules", err)
	}
}

func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"syntax", "{\n\"format\": \n}", "models/offensive.json:3: bad model"},
		{"format", `{"format":"x","category":"offensive","features":"` + FeatureSpec + `"}`, `models/offensive.json: format "x"`},
		{"features", `{"format":"` + ModelFormat + `","category":"offensive","features":"old"}`, `models/offensive.json: features "old"`},
		{"weight slot", `{"format":"` + ModelFormat + `","category":"offensive","features":"` + FeatureSpec + `","weights":[[999999999,1]]}`, "models/offensive.json: bad weight"},
		{"file name", `{"format":"` + ModelFormat + `","category":"political","features":"` + FeatureSpec + `"}`, `models/offensive.json: model for "political"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"categories/offensive.yaml": {Data: []byte(goodRules)},
				"models/offensive.json":     {Data: []byte(tc.data)},
			}
			_, err := Load(fsys)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestEmbeddedRulesLoad(t *testing.T) {
	c := mustLoad(t)
	for _, cat := range Categories {
		if c.Model(cat) == nil {
			t.Errorf("no model for %s", cat)
		}
		if th := c.Threshold(cat); th <= 0 || th >= 1 {
			t.Errorf("threshold of %s = %v", cat, th)
		}
	}
	v := c.Version()
	if !strings.HasPrefix(v, "rules-") || !strings.Contains(v, "offensive-") || !strings.Contains(v, "political-") {
		t.Errorf("version %q does not name rules and models", v)
	}
}
