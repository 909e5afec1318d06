package identify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/rules"
)

// The rule files the detector reads from the rules FS.
const (
	ForcesFile   = "forces.yaml"
	IdentityFile = "identity.yaml"
)

// RuleError is a problem in a rule file, with the file and line it is on.
type RuleError = rules.FileError

// ForceInfo describes one force of the rules.
type ForceInfo struct {
	Name        string   `json:"name"`
	Aliases     []string `json:"aliases,omitempty"`
	WeakAliases []string `json:"weak_aliases,omitempty"`
	Handles     []string `json:"handles,omitempty"`
	Places      []string `json:"places,omitempty"`
	WeakPlaces  []string `json:"weak_places,omitempty"`
	InScope     bool     `json:"in_scope"`
	Abroad      bool     `json:"abroad,omitempty"`
}

// Load reads forces.yaml and identity.yaml from fsys (see rules.Open) and
// compiles them into a Detector. Errors name the file and line.
func Load(fsys fs.FS) (*Detector, error) {
	fb, err := fs.ReadFile(fsys, ForcesFile)
	if err != nil {
		return nil, fmt.Errorf("identity rules: %w", err)
	}
	ib, err := fs.ReadFile(fsys, IdentityFile)
	if err != nil {
		return nil, fmt.Errorf("identity rules: %w", err)
	}
	return compile(fb, ib)
}

// Parse compiles rules given as bytes; Load is the usual way in.
func Parse(forces, identity []byte) (*Detector, error) { return compile(forces, identity) }

func compile(fb, ib []byte) (*Detector, error) {
	b := newBuilder()
	fdoc, err := parseYAML(ForcesFile, fb)
	if err != nil {
		return nil, err
	}
	idoc, err := parseYAML(IdentityFile, ib)
	if err != nil {
		return nil, err
	}
	// Misspellings first: every phrase of both files is read through them.
	if err := b.spellings(idoc); err != nil {
		return nil, err
	}
	if err := b.forces(fdoc); err != nil {
		return nil, err
	}
	if err := b.identity(idoc); err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(fb)
	h.Write([]byte{0})
	h.Write(ib)
	return b.finish("identify-" + hex.EncodeToString(h.Sum(nil))[:12]), nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

var parserErrors = []string{
	"did not find expected key", "did not find expected '-' indicator",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected node content", "did not find expected <document start>",
}

func parseYAML(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			// yaml.v3 gives parser errors at the 0-based line where the
			// unfinished list or mapping starts; scanner errors are 1-based.
			for _, p := range parserErrors {
				if strings.HasPrefix(m[2], p) {
					n++
					break
				}
			}
			return nil, &RuleError{File: file, Line: n, Msg: m[2]}
		}
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
		}
		return nil, &RuleError{File: file, Line: 0, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil, &RuleError{File: file, Line: 0, Msg: "file is empty"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &RuleError{File: file, Line: root.Line, Msg: "want a mapping of sections at the top"}
	}
	return root, nil
}

// fields walks a mapping node, calling fn per key; keys not in allowed are
// errors, as are repeated keys.
func fields(file string, n *yaml.Node, allowed []string, fn func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return &RuleError{File: file, Line: n.Line, Msg: "want a mapping with keys " + strings.Join(allowed, ", ")}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := allowed == nil // nil: any key
		for _, a := range allowed {
			if k.Value == a {
				ok = true
			}
		}
		if !ok {
			return &RuleError{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %q (want one of %s)", k.Value, strings.Join(allowed, ", "))}
		}
		if l, dup := seen[k.Value]; dup {
			return &RuleError{File: file, Line: k.Line, Msg: fmt.Sprintf("key %q repeated (first at line %d)", k.Value, l)}
		}
		seen[k.Value] = k.Line
		if err := fn(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

type posString struct {
	s    string
	line int
}

func strList(file string, n *yaml.Node) ([]posString, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &RuleError{File: file, Line: n.Line, Msg: "want a list of phrases"}
	}
	out := make([]posString, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return nil, &RuleError{File: file, Line: c.Line, Msg: "want a phrase, got a nested list or mapping"}
		}
		s := strings.TrimSpace(c.Value)
		if s == "" {
			return nil, &RuleError{File: file, Line: c.Line, Msg: "empty phrase"}
		}
		out = append(out, posString{s, c.Line})
	}
	return out, nil
}

func scalar(file string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
		return "", &RuleError{File: file, Line: n.Line, Msg: "want a non-empty value"}
	}
	return strings.TrimSpace(n.Value), nil
}

func boolean(file string, n *yaml.Node) (bool, error) {
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case "true", "yes":
			return true, nil
		case "false", "no":
			return false, nil
		}
	}
	return false, &RuleError{File: file, Line: n.Line, Msg: fmt.Sprintf("want true or false, got %q", n.Value)}
}

var handleRE = regexp.MustCompile(`^@?[A-Za-z0-9_]{1,30}$`)
var codeRE = regexp.MustCompile(`^[A-Z]{2,3}$`)

func (b *builder) forces(root *yaml.Node) error {
	const file = ForcesFile
	var list, amb, notPlaces, clubs, tails *yaml.Node
	err := fields(file, root, []string{"forces", "ambiguous_places", "not_places", "club_words", "place_words"}, func(k string, v *yaml.Node) error {
		switch k {
		case "forces":
			list = v
		case "ambiguous_places":
			amb = v
		case "not_places":
			notPlaces = v
		case "club_words":
			clubs = v
		default:
			tails = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	if list == nil {
		return &RuleError{File: file, Line: root.Line, Msg: `missing "forces"`}
	}
	if list.Kind != yaml.SequenceNode {
		return &RuleError{File: file, Line: list.Line, Msg: "forces: want a list of forces"}
	}
	// Ambiguous places first, so that a force's place clashing with one
	// is reported at the force.
	if amb != nil {
		places, err := strList(file, amb)
		if err != nil {
			return err
		}
		for _, p := range places {
			if err := b.phrase(file, p, entry{kind: kAmbiguous, force: -1, weak: p.s}); err != nil {
				return err
			}
		}
	}
	if notPlaces != nil {
		if err := b.list(file, notPlaces, entry{kind: kNotPlace, force: -1}); err != nil {
			return err
		}
	}
	if clubs != nil {
		if err := b.words(file, clubs, wClub); err != nil {
			return err
		}
	}
	if tails != nil {
		if err := b.words(file, tails, wPlaceTail); err != nil {
			return err
		}
	}
	names := map[string]int{}
	for _, fn := range list.Content {
		f := forceDef{inScope: true}
		var line = fn.Line
		err := fields(file, fn, []string{"name", "aliases", "weak_aliases", "handles", "places", "weak_places", "in_scope", "abroad"},
			func(k string, v *yaml.Node) error {
				var err error
				switch k {
				case "name":
					f.name, err = scalar(file, v)
					line = v.Line
				case "aliases":
					f.aliases, err = strList(file, v)
				case "weak_aliases":
					f.weakAliases, err = strList(file, v)
				case "handles":
					f.handles, err = strList(file, v)
				case "places":
					f.places, err = strList(file, v)
				case "weak_places":
					f.weakPlaces, err = strList(file, v)
				case "in_scope":
					f.inScope, err = boolean(file, v)
				case "abroad":
					f.abroad, err = boolean(file, v)
				}
				return err
			})
		if err != nil {
			return err
		}
		if f.name == "" {
			return &RuleError{File: file, Line: fn.Line, Msg: "force without a name"}
		}
		if l, dup := names[strings.ToLower(f.name)]; dup {
			return &RuleError{File: file, Line: line, Msg: fmt.Sprintf("force %q repeated (first at line %d)", f.name, l)}
		}
		names[strings.ToLower(f.name)] = line
		idx := int32(len(b.forceList))
		info := ForceInfo{Name: f.name, InScope: f.inScope, Abroad: f.abroad}
		b.forceList = append(b.forceList, info)
		b.forceNames = append(b.forceNames, posString{f.name, line})
		add := func(ps []posString, e entry, dst *[]string) error {
			for _, p := range ps {
				e.weak = ""
				if e.kind == kWeakAlias || e.kind == kWeakPlace {
					e.weak = p.s
				}
				if err := b.phrase(file, p, e); err != nil {
					return err
				}
				*dst = append(*dst, p.s)
			}
			return nil
		}
		if err := b.phrase(file, posString{f.name, line}, entry{kind: kAlias, force: idx}); err != nil {
			return err
		}
		fi := &b.forceList[idx]
		if err := add(f.aliases, entry{kind: kAlias, force: idx}, &fi.Aliases); err != nil {
			return err
		}
		if err := add(f.weakAliases, entry{kind: kWeakAlias, force: idx}, &fi.WeakAliases); err != nil {
			return err
		}
		for _, h := range f.handles {
			if !handleRE.MatchString(h.s) {
				return &RuleError{File: file, Line: h.line, Msg: fmt.Sprintf("handle %q: want letters, digits and underscores", h.s)}
			}
			hs := strings.TrimPrefix(h.s, "@")
			low := strings.ToLower(hs)
			if prev, dup := b.official[low]; dup {
				return &RuleError{File: file, Line: h.line, Msg: fmt.Sprintf("handle %q is already %s's", hs, b.forceList[prev].Name)}
			}
			b.official[low] = idx
			fi.Handles = append(fi.Handles, hs)
			// In a bio a handle is a mention of the force. A handle that
			// reads as the force's own name needs no second entry.
			if err := b.phrase(file, posString{hs, h.line}, entry{kind: kHandle, force: idx}); err != nil {
				var re *RuleError
				if errors.As(err, &re) && b.sameForce(hs, idx) {
					continue
				}
				return err
			}
		}
		if err := add(f.places, entry{kind: kPlace, force: idx}, &fi.Places); err != nil {
			return err
		}
		if err := add(f.weakPlaces, entry{kind: kWeakPlace, force: idx}, &fi.WeakPlaces); err != nil {
			return err
		}
	}
	if len(b.forceList) == 0 {
		return &RuleError{File: file, Line: list.Line, Msg: "no forces"}
	}
	return nil
}

type forceDef struct {
	name                                              string
	aliases, weakAliases, handles, places, weakPlaces []posString
	inScope, abroad                                   bool
}

// sameForce reports whether phrase s is already an alias, handle or place
// of force idx.
func (b *builder) sameForce(s string, idx int32) bool {
	key, _ := phraseKey(s)
	d, ok := b.keys[key]
	return ok && b.entries[d.entry].force == idx
}

var roleNames = map[string]Role{"officer": Officer, "special": Special, "pcso": PCSO, "staff": Staff, "unknown": Unknown}

func (b *builder) identity(root *yaml.Node) error {
	const file = IdentityFile
	return fields(file, root, []string{"roles", "context", "serving", "current", "modifiers", "former",
		"corporate", "personal", "durations", "rank_titles", "lookalikes", "abroad", "discovery", "spellings", "groups"}, func(k string, v *yaml.Node) error {
		switch k {
		case "roles":
			return fields(file, v, []string{"officer", "special", "pcso", "staff", "unknown"}, func(role string, rv *yaml.Node) error {
				return fields(file, rv, []string{"strong", "bare", "slang", "work", "weak", "outright", "emoji"}, func(str string, pv *yaml.Node) error {
					return b.list(file, pv, entry{kind: kRole, role: roleNames[role], strong: str == "strong",
						bare: str == "bare" || str == "slang" || str == "work", slang: str == "slang", emoji: str == "emoji",
						work: str == "work", outright: str == "outright"})
				})
			})
		case "context":
			return b.list(file, v, entry{kind: kContext})
		case "groups":
			return b.list(file, v, entry{kind: kContext, group: true})
		case "serving":
			return b.list(file, v, entry{kind: kServing})
		case "current":
			return b.list(file, v, entry{kind: kCurrent})
		case "former":
			return fields(file, v, []string{"claims", "profile"}, func(k string, fv *yaml.Node) error {
				return b.list(file, fv, entry{kind: kFormer, strong: k == "claims"})
			})
		case "modifiers":
			return b.modifiers(v)
		case "corporate":
			return fields(file, v, []string{"strong", "medium", "weak", "units", "qualifiers"}, func(k string, cv *yaml.Node) error {
				switch k {
				case "strong":
					return b.list(file, cv, entry{kind: kCorporate, weight: 3})
				case "medium":
					return b.list(file, cv, entry{kind: kCorporate, weight: 2})
				case "weak":
					return b.list(file, cv, entry{kind: kCorporate, weight: 1})
				case "units":
					return b.words(file, cv, wUnit)
				default:
					return b.words(file, cv, wQualifier)
				}
			})
		case "personal":
			return b.words(file, v, wPersonal)
		case "durations":
			return b.words(file, v, wDuration)
		case "rank_titles":
			return b.words(file, v, wRankTitle)
		case "lookalikes":
			return b.lookalikes(v)
		case "abroad":
			return fields(file, v, []string{"terms", "location_codes", "after_force", "after_town"}, func(k string, av *yaml.Node) error {
				switch k {
				case "terms":
					return b.list(file, av, entry{kind: kAbroad})
				case "after_force":
					return b.words(file, av, wDeptForce)
				case "after_town":
					return b.words(file, av, wDeptTown)
				}
				codes, err := strList(file, av)
				if err != nil {
					return err
				}
				for _, c := range codes {
					if !codeRE.MatchString(c.s) {
						return &RuleError{File: file, Line: c.line, Msg: fmt.Sprintf("location code %q: want 2 or 3 capital letters", c.s)}
					}
					b.codes[strings.ToLower(c.s)] = true
				}
				return nil
			})
		case "discovery":
			ps, err := strList(file, v)
			if err != nil {
				return err
			}
			seen := map[string]int{}
			for _, p := range ps {
				l := strings.ToLower(p.s)
				if first, dup := seen[l]; dup {
					return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("search phrase %q repeated (first at line %d)", p.s, first)}
				}
				seen[l] = p.line
				b.search = append(b.search, p.s)
			}
		}
		return nil
	})
}

// spellings reads identity.yaml's misspellings ("polise" for "police"),
// before any phrase, so that a misspelt word reads as the word it stands
// for in every phrase of the rules ("Polise staff" is "police staff").
func (b *builder) spellings(root *yaml.Node) error {
	const file = IdentityFile
	var n *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "spellings" {
			n = root.Content[i+1]
		}
	}
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return &RuleError{File: file, Line: n.Line, Msg: "spellings: want a mapping of words to lists of their misspellings"}
	}
	return fields(file, n, nil, func(word string, v *yaml.Node) error {
		ws, _ := phraseWords(word)
		if len(ws) != 1 || ws[0] == numWord {
			return &RuleError{File: file, Line: v.Line, Msg: fmt.Sprintf("spellings: %q: want one word", word)}
		}
		ps, err := strList(file, v)
		if err != nil {
			return err
		}
		for _, p := range ps {
			ms, _ := phraseWords(p.s)
			if len(ms) != 1 || ms[0] == numWord {
				return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("spellings: %q: want one word", p.s)}
			}
			m := ms[0]
			if m == ws[0] {
				return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("spellings: %q is the word itself", p.s)}
			}
			if prev, dup := b.spell[m]; dup {
				return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("spellings: %q is already a spelling of %q", p.s, prev)}
			}
			if _, ok := b.spell[ws[0]]; ok {
				return &RuleError{File: file, Line: v.Line, Msg: fmt.Sprintf("spellings: %q is itself a misspelling", word)}
			}
			if _, ok := b.vocab[m]; ok {
				return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("spellings: %q is a word the spellings already read as itself", p.s)}
			}
			b.spell[m] = ws[0]
			b.vocab[m] = b.wordID(ws[0])
		}
		return nil
	})
}

func (b *builder) list(file string, n *yaml.Node, e entry) error {
	ps, err := strList(file, n)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := b.phrase(file, p, e); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) modifiers(n *yaml.Node) error {
	const file = IdentityFile
	return fields(file, n, []string{"former", "family", "clients", "aspiring", "negation", "skip", "stop"}, func(k string, v *yaml.Node) error {
		switch k {
		case "skip":
			return b.words(file, v, wSkip)
		case "stop":
			return b.words(file, v, wStop)
		}
		mod := map[string]modKind{"former": mFormer, "family": mFamily, "clients": mClients, "aspiring": mAspiring, "negation": mNegation}[k]
		keys := []string{"before", "after", "possessive", "reason"}
		if mod == mFormer {
			keys = []string{"before", "after", "ends"}
		}
		return fields(file, v, keys, func(dir string, dv *yaml.Node) error {
			if dir == "reason" {
				r, err := scalar(file, dv)
				b.modReason[mod] = r
				return err
			}
			d := map[string]uint8{"before": dirBefore, "after": dirAfter, "possessive": dirPossessive, "ends": dirAfter}[dir]
			return b.list(file, dv, entry{kind: kMod, mod: mod, dir: d, ends: dir == "ends"})
		})
	})
}

func (b *builder) lookalikes(n *yaml.Node) error {
	const file = IdentityFile
	if n.Kind != yaml.SequenceNode {
		return &RuleError{File: file, Line: n.Line, Msg: "lookalikes: want a list of classes"}
	}
	seen := map[string]int{}
	for _, cn := range n.Content {
		var c class
		var phrases *yaml.Node
		err := fields(file, cn, []string{"class", "reason", "override", "keeps_ranks", "relatives", "names", "offices", "near", "phrases"}, func(k string, v *yaml.Node) error {
			var err error
			switch k {
			case "relatives":
				c.relatives, err = boolean(file, v)
			case "names":
				c.names, err = boolean(file, v)
			case "offices":
				c.offices, err = boolean(file, v)
			case "near":
				c.near, err = boolean(file, v)
			case "keeps_ranks":
				c.keepsRanks, err = boolean(file, v)
			case "class":
				c.name, err = scalar(file, v)
			case "reason":
				c.reason, err = scalar(file, v)
			case "override":
				c.override, err = boolean(file, v)
			case "phrases":
				phrases = v
			}
			return err
		})
		if err != nil {
			return err
		}
		if c.name == "" || c.reason == "" || phrases == nil {
			return &RuleError{File: file, Line: cn.Line, Msg: "a look-alike class needs class, reason and phrases"}
		}
		if l, dup := seen[c.name]; dup {
			return &RuleError{File: file, Line: cn.Line, Msg: fmt.Sprintf("look-alike class %q repeated (first at line %d)", c.name, l)}
		}
		seen[c.name] = cn.Line
		idx := int16(len(b.classes))
		b.classes = append(b.classes, c)
		if err := b.list(file, phrases, entry{kind: kLookalike, class: idx}); err != nil {
			return err
		}
	}
	return nil
}

// words adds single words to a word class (skip, stop, personal, team
// words). A phrase of several words adds each of them.
func (b *builder) words(file string, n *yaml.Node, flag uint16) error {
	ps, err := strList(file, n)
	if err != nil {
		return err
	}
	for _, p := range ps {
		ws, _ := phraseWords(p.s)
		if len(ws) == 0 {
			return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q has no words", p.s)}
		}
		for _, w := range ws {
			if w == numWord {
				return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q: <n> is not allowed in a word list", p.s)}
			}
			b.wordFlags[b.wordID(w)] |= flag
		}
	}
	return nil
}
