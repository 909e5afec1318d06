package identify

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/psd-tools/exposure/rules"
)

// rulesWith returns the embedded rules with forces.yaml and identity.yaml
// passed through the edit functions (nil keeps a file as it is).
func rulesWith(t testing.TB, forces, identity func(string) string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for name, edit := range map[string]func(string) string{ForcesFile: forces, IdentityFile: identity} {
		b, err := fs.ReadFile(rules.Embedded(), name)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if edit != nil {
			s = edit(s)
		}
		m[name] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}

const (
	miniForces = `forces:
  - name: Test Police
    aliases: [TP]
    handles: [testpolice]
    places: [Testtown]
`
	miniIdentity = `roles:
  officer:
    strong: [police officer]
`
)

func TestLoadMinimal(t *testing.T) {
	d, err := Parse([]byte(miniForces), []byte(miniIdentity))
	if err != nil {
		t.Fatal(err)
	}
	check(t, d, "minimal", Profile{Bio: "Police officer, Testtown"}, serving("Test Police", Officer))
	if got, ok := d.Force("tp"); !ok || got != "Test Police" {
		t.Errorf("Force(tp) = %q, %v", got, ok)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name             string
		forces, identity string
		file             string
		line             int
		msg              string
	}{
		{"yaml syntax", miniForces + "  - name: [broken\n", miniIdentity, ForcesFile, 6, ""},
		{"identity syntax", miniForces, "roles:\n  officer:\n    strong: [police officer\n", IdentityFile, 3, ""},
		{"tab", miniForces, "context:\n\t- police\n", IdentityFile, 2, "cannot start any token"},
		{"bad indentation", miniForces, "roles:\n  officer: x\n   strong: [a]\n", IdentityFile, 3, "not allowed"},
		{"unknown top key", miniForces + "extra: 1\n", miniIdentity, ForcesFile, 6, `unknown key "extra"`},
		{"unknown force key", miniForces + "    colour: blue\n", miniIdentity, ForcesFile, 6, `unknown key "colour"`},
		{"force without name", miniForces + "  - aliases: [X]\n", miniIdentity, ForcesFile, 6, "without a name"},
		{"repeated force", miniForces + "  - name: test police\n", miniIdentity, ForcesFile, 6, "repeated (first at line 2)"},
		{"duplicate alias across forces", miniForces + "  - name: Other Police\n    aliases: [TP]\n", miniIdentity, ForcesFile, 7, `"TP" is already defined at forces.yaml:3`},
		{"duplicate after folding", miniForces + "  - name: Other Police\n    places: [testtown]\n", miniIdentity, ForcesFile, 7, "already defined at forces.yaml:5 (place of Test Police)"},
		{"duplicate across files", miniForces, miniIdentity + "context: [Testtown]\n", IdentityFile, 4, "already defined at forces.yaml:5"},
		{"duplicate in one list", miniForces, "roles:\n  officer:\n    strong: [police officer, Police Officer]\n", IdentityFile, 3, "already defined at identity.yaml:3"},
		{"conflicting sections", miniForces, miniIdentity + "context: [police officer]\n", IdentityFile, 4, "(role)"},
		{"ambiguous place as force place", "ambiguous_places: [Testtown]\n" + miniForces, miniIdentity, ForcesFile, 6, "ambiguous place"},
		{"bad handle", miniForces + "  - name: Other\n    handles: [\"not a handle\"]\n", miniIdentity, ForcesFile, 7, "want letters, digits and underscores"},
		{"handle of two forces", miniForces + "  - name: Other\n    handles: [TestPolice]\n", miniIdentity, ForcesFile, 7, "already Test Police's"},
		{"bad bool", miniForces + "    in_scope: maybe\n", miniIdentity, ForcesFile, 6, "want true or false"},
		{"empty phrase", miniForces, "context: [\"  \"]\n", IdentityFile, 1, "empty phrase"},
		{"phrase of punctuation", miniForces, "context: [\"!!\"]\n", IdentityFile, 1, "has no words"},
		{"only a number", miniForces, "context: [\"<n>\"]\n", IdentityFile, 1, "needs a word"},
		{"unknown role", miniForces, "roles:\n  sheriff:\n    strong: [sheriff]\n", IdentityFile, 2, `unknown key "sheriff"`},
		{"list wanted", miniForces, "context: police\n", IdentityFile, 1, "want a list"},
		{"nested list", miniForces, "context: [[police]]\n", IdentityFile, 1, "nested"},
		{"location code", miniForces, "abroad:\n  location_codes: [Texas]\n", IdentityFile, 2, "2 or 3 capital letters"},
		{"lookalike without reason", miniForces, "lookalikes:\n  - class: fan\n    phrases: [police fan]\n", IdentityFile, 2, "needs class, reason and phrases"},
		{"repeated lookalike", miniForces, "lookalikes:\n  - {class: fan, reason: fan, phrases: [a fan]}\n  - {class: fan, reason: fan, phrases: [b fan]}\n", IdentityFile, 3, "repeated"},
		{"repeated search phrase", miniForces, "discovery: [PCSO, pcso]\n", IdentityFile, 1, "repeated"},
		{"no forces", "forces: []\n", miniIdentity, ForcesFile, 1, "no forces"},
		{"empty file", "", miniIdentity, ForcesFile, 0, "empty"},
		{"not a mapping", "- a\n- b\n", miniIdentity, ForcesFile, 1, "mapping"},
		{"misspelling used in a phrase", miniForces, miniIdentity + "spellings:\n  police: [polise]\ncontext: [polise]\n", IdentityFile, 6, "a misspelling of"},
		{"misspelling of two words", miniForces, miniIdentity + "spellings:\n  police: [polise]\n  polish: [polise]\n", IdentityFile, 6, "already a spelling"},
		{"misspelling is the word", miniForces, miniIdentity + "spellings:\n  police: [Police]\n", IdentityFile, 5, "the word itself"},
		{"misspelling of a misspelling", miniForces, miniIdentity + "spellings:\n  police: [polise]\n  polise: [polis]\n", IdentityFile, 6, "itself a misspelling"},
		{"misspelling of two words at once", miniForces, miniIdentity + "spellings:\n  police: [\"pol ice\"]\n", IdentityFile, 5, "want one word"},
		{"spellings not a mapping", miniForces, miniIdentity + "spellings: [polise]\n", IdentityFile, 4, "want a mapping"},
		{"modifier in both lists of one class", miniForces, "modifiers:\n  former:\n    before: [retired]\n    after: [retired, retired]\n", IdentityFile, 4, "already defined"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.forces), []byte(c.identity))
		var re *RuleError
		if !errors.As(err, &re) {
			t.Errorf("%s: err = %v, want a RuleError", c.name, err)
			continue
		}
		if re.File != c.file || (c.line != 0 && re.Line != c.line) || !strings.Contains(re.Msg, c.msg) {
			t.Errorf("%s: got %q, want %s:%d ... %q", c.name, err, c.file, c.line, c.msg)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, err)
		}
		if c.line > 0 && !strings.HasPrefix(err.Error(), c.file+":") {
			t.Errorf("%s: error %q does not start with the file and line", c.name, err)
		}
	}
}

// A misspelt word reads as the word in every phrase, in either file.
func TestSpellings(t *testing.T) {
	d, err := Parse([]byte(miniForces), []byte(miniIdentity+"spellings:\n  police: [polise, pollice]\n  testtown: [testtwon]\n"))
	if err != nil {
		t.Fatal(err)
	}
	check(t, d, "misspelt phrase", Profile{Bio: "Polise officer, Testtwon"}, serving("Test Police", Officer))
	check(t, d, "joined", Profile{Bio: "#PolliceOfficer"}, serving("unknown", Officer))
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(fstest.MapFS{ForcesFile: {Data: []byte(miniForces)}})
	if err == nil || !strings.Contains(err.Error(), IdentityFile) {
		t.Fatalf("err = %v, want one naming %s", err, IdentityFile)
	}
}

// A modifier may be listed before and after: "retired DS" and "DS retired".
func TestModifierBothWays(t *testing.T) {
	d, err := Parse([]byte(miniForces), []byte(miniIdentity+"modifiers:\n  former:\n    before: [retired]\n    after: [retired]\n"))
	if err != nil {
		t.Fatal(err)
	}
	check(t, d, "before", Profile{Bio: "Retired police officer"}, want{false, Former, "", Officer, ""})
	check(t, d, "after", Profile{Bio: "Police officer, retired"}, want{false, Former, "", Officer, ""})
}

func TestVersionFollowsRules(t *testing.T) {
	a, err := Parse([]byte(miniForces), []byte(miniIdentity))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(miniForces), []byte(miniIdentity+"context: [police]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Version() == b.Version() {
		t.Error("Version is the same for different rules")
	}
	c, _ := Parse([]byte(miniForces), []byte(miniIdentity))
	if a.Version() != c.Version() {
		t.Error("Version differs for the same rules")
	}
}
