package classify

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/rules"
)

// RuleError is a problem in a rules file, with the file and line it is on.
type RuleError = rules.FileError

// group is a named set of terms sharing a weight and options.
type group struct {
	name   string
	cat    int
	weight float64
	mask   bool
	hide   bool // hide the group's words from the model
	line   int
	slot   uint32 // model feature slot
}

// term is one word or phrase of a category.
type term struct {
	text      string // as written in the file
	cat       int
	group     int
	weight    float64
	stemStart bool // '*' before: the word may have more letters before
	stemEnd   bool // '*' after: the word may go on (fuck* = fucking, fucker)
	line      int
	reason    string // for evidence, built once
}

// pattern is a regular expression over the original text.
type pattern struct {
	name     string
	cat      int
	group    int // pseudo-group so context rules can name it
	weight   float64
	re       *regexp.Regexp
	lower    *regexp.Regexp // re for ASCII-lower-cased text (fold.go), or nil
	pf       prefilter      // what the lowered text needs for lower to match
	anc      *anchor        // finds the matches of lower faster, or nil
	requires []int32        // cue ids; the pattern only runs when one is present
	reqSet   idSet          // requires as a set
	window   int32          // words either side of a required cue the pattern sees
	line     int
	reason   string
}

// Context rule sides.
const (
	sideBoth = iota
	sideBefore
	sideAfter
)

// ctxRule lowers or raises the weight of hits near a cue, or in quotes.
type ctxRule struct {
	name     string
	cat      int
	raise    bool
	factor   float64
	window   int // tokens between cue and hit; 0 = anywhere in scope
	side     int
	sentence bool // cue must be in the same sentence
	quoted   bool // applies to hits inside quotation marks (no cues)
	// model: a cue anywhere in the post also lowers the model's score
	// when no rule hit supports the category (a post that condemns or
	// reports abuse reads as abusive to a model trained on tweets).
	model  bool
	groups []bool
	cues   []int32
	cueSet idSet // cues as a set
	line   int
	slot   uint32 // model feature slot: the rule applied to a counted hit
}

// idSet is a set of cue ids: a cue hit is checked against the cues of
// every context rule of its category, so this must be cheap.
type idSet []uint64

func newIDSet(ids []int32, n int) idSet {
	s := make(idSet, idWords(n))
	for _, id := range ids {
		s.add(id)
	}
	return s
}

// idWords is the length of an idSet of ids below n.
func idWords(n int) int { return (n + 63) / 64 }

func (s idSet) has(id int32) bool { return s[id/64]&(1<<(id%64)) != 0 }

func (s idSet) add(id int32) { s[id/64] |= 1 << (id % 64) }

// or adds the ids of o, no longer than s, to s.
func (s idSet) or(o idSet) {
	for k, m := range o {
		s[k] |= m
	}
}

// cue is a context word or phrase.
type cue struct {
	text    string
	stemEnd bool
}

// autoKind says what an automaton pattern stands for.
const (
	kindTerm = iota
	kindCue
)

type autoPat struct {
	kind      uint8
	stemStart bool
	stemEnd   bool
	ref       int32
}

// catRules is the rules of one category file.
type catRules struct {
	file       string
	threshold  float64
	rulesAlone float64
	// modelAlone is the model probability a post needs when no rule hit
	// of at least weakHit supports the category: the model alone must be
	// far surer than the model and a rule together.
	modelAlone float64
	groups     []group
	ctx        []int // indexes into ruleSet.ctx
}

// ruleSet is every category's rules, compiled.
type ruleSet struct {
	cats     [4]catRules
	loaded   [4]bool
	groups   []group // all groups; index is the group id
	terms    []term
	patterns []pattern
	ctx      []ctxRule
	cues     []cue
	cueIDs   map[string]int32
	auto     *automaton
	autoPats []autoPat
	// cuePats is, for each cue, the set of patterns that require it.
	cuePats []idSet
	// places are the place names the models see as one token, or nil.
	places *placeTable
}

func catIndex(c Category) int {
	for i, x := range Categories {
		if x == c {
			return i
		}
	}
	return -1
}

// loadRules reads categories/*.yaml from fsys.
func loadRules(fsys fs.FS) (*ruleSet, error) {
	names, err := fs.Glob(fsys, "categories/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if len(names) == 0 {
		return nil, ErrNoRules
	}
	sort.Strings(names)
	rs := &ruleSet{cueIDs: map[string]int32{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		if err := rs.parseFile(name, b); err != nil {
			return nil, err
		}
	}
	if err := rs.compile(); err != nil {
		return nil, err
	}
	if rs.places, err = loadPlaces(fsys); err != nil {
		return nil, err
	}
	return rs, nil
}

// parseRules compiles one category file on its own (for tests and fuzzing).
func parseRules(name string, src []byte) (*ruleSet, error) {
	rs := &ruleSet{cueIDs: map[string]int32{}}
	if err := rs.parseFile(name, src); err != nil {
		return nil, err
	}
	if err := rs.compile(); err != nil {
		return nil, err
	}
	return rs, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (rs *ruleSet) parseFile(name string, src []byte) error {
	errAt := func(line int, format string, args ...any) error {
		return &RuleError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return errAt(n, "syntax error: %s", m[2])
		}
		return errAt(0, "syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
	}
	if len(root.Content) == 0 {
		return errAt(1, "empty file")
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return errAt(doc.Line, "want a mapping with category, threshold, terms, patterns, context")
	}
	stem := strings.TrimSuffix(path.Base(name), path.Ext(name))
	ci := catIndex(Category(stem))
	if ci < 0 {
		return errAt(1, "unknown category %q (file name must be one of offensive, procedure, negativity, political)", stem)
	}
	if rs.loaded[ci] {
		return errAt(1, "category %q defined twice", stem)
	}
	rs.loaded[ci] = true
	cr := &rs.cats[ci]
	cr.file = name
	cr.threshold = 0.5
	cr.rulesAlone = 1.01 // off unless set
	cr.modelAlone = -1   // the threshold unless set
	seen := map[string]int{}
	maLine := 1
	var ctxNodes []*yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "category":
			if Category(v.Value) != Category(stem) {
				if !Category(v.Value).Valid() {
					return errAt(v.Line, "unknown category %q", v.Value)
				}
				return errAt(v.Line, "category %q in a file named %s", v.Value, path.Base(name))
			}
		case "description":
		case "threshold":
			f, err := weightOf(v)
			if err != nil {
				return errAt(v.Line, "threshold: %v", err)
			}
			cr.threshold = f
		case "rules_alone":
			f, err := weightOf(v)
			if err != nil {
				return errAt(v.Line, "rules_alone: %v", err)
			}
			cr.rulesAlone = f
		case "model_alone":
			f, err := weightOf(v)
			if err != nil {
				return errAt(v.Line, "model_alone: %v", err)
			}
			cr.modelAlone = f
			maLine = v.Line
		case "terms":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "terms: want a list of groups")
			}
			for _, g := range v.Content {
				if err := rs.parseGroup(ci, g, seen, errAt); err != nil {
					return err
				}
			}
		case "patterns":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "patterns: want a list")
			}
			for _, p := range v.Content {
				if err := rs.parsePattern(ci, p, errAt); err != nil {
					return err
				}
			}
		case "context":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "context: want a list")
			}
			ctxNodes = append(ctxNodes, v.Content...)
		default:
			return errAt(k.Line, "unknown key %q (want category, description, threshold, rules_alone, model_alone, terms, patterns, context)", k.Value)
		}
	}
	if cr.modelAlone < 0 {
		cr.modelAlone = cr.threshold
	}
	if cr.modelAlone < cr.threshold {
		return errAt(maLine, "model_alone %.2f is below threshold %.2f: the model alone cannot need less than model and rules together", cr.modelAlone, cr.threshold)
	}
	// context rules last: they may name groups defined further down
	for _, c := range ctxNodes {
		if err := rs.parseContext(ci, c, errAt); err != nil {
			return err
		}
	}
	return nil
}

type errAtFunc func(line int, format string, args ...any) error

func weightOf(v *yaml.Node) (float64, error) {
	if v.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("want a number")
	}
	f, err := strconv.ParseFloat(v.Value, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", v.Value)
	}
	if f < 0 || f > 1.01 || f != f {
		return 0, fmt.Errorf("%v is outside [0,1]", f)
	}
	return f, nil
}

func (rs *ruleSet) parseGroup(ci int, n *yaml.Node, seen map[string]int, errAt errAtFunc) error {
	if n.Kind != yaml.MappingNode {
		return errAt(n.Line, "terms: each entry is a group with name, weight and words")
	}
	g := group{cat: ci, weight: -1, line: n.Line}
	var words *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "group":
			g.name = v.Value
		case "weight":
			f, err := weightOf(v)
			if err != nil {
				return errAt(v.Line, "weight: %v", err)
			}
			g.weight = f
		case "mask":
			g.mask = v.Value == "true" || v.Value == "yes"
			if !g.mask && v.Value != "false" && v.Value != "no" {
				return errAt(v.Line, "mask: want true or false")
			}
		case "words":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "words: want a list")
			}
			words = v
		case "model":
			if v.Value != "hide" && v.Value != "see" {
				return errAt(v.Line, "model: want hide or see, not %q", v.Value)
			}
			g.hide = v.Value == "hide"
		case "note":
		default:
			return errAt(k.Line, "unknown key %q in a term group (want group, weight, mask, model, words, note)", k.Value)
		}
	}
	if g.name == "" {
		return errAt(n.Line, "term group without a name (group: ...)")
	}
	if g.weight < 0 {
		return errAt(n.Line, "group %q has no weight", g.name)
	}
	if words == nil {
		return errAt(n.Line, "group %q has no words", g.name)
	}
	for _, og := range rs.groups {
		if og.cat == ci && og.name == g.name {
			return errAt(n.Line, "group %q defined twice (first at line %d)", g.name, og.line)
		}
	}
	gi := len(rs.groups)
	g.slot = groupSlot(ci, g.name)
	rs.groups = append(rs.groups, g)
	rs.cats[ci].groups = append(rs.cats[ci].groups, g)
	for _, w := range words.Content {
		t := term{cat: ci, group: gi, weight: g.weight, line: w.Line}
		switch w.Kind {
		case yaml.ScalarNode:
			t.text = w.Value
		case yaml.MappingNode:
			if len(w.Content) != 2 {
				return errAt(w.Line, "a word with its own weight is written `word: 0.7`")
			}
			t.text = w.Content[0].Value
			f, err := weightOf(w.Content[1])
			if err != nil {
				return errAt(w.Line, "weight of %q: %v", t.text, err)
			}
			t.weight = f
		default:
			return errAt(w.Line, "words: want a word or `word: weight`")
		}
		raw := strings.TrimSpace(t.text)
		if strings.HasPrefix(raw, "*") {
			t.stemStart = true
			raw = strings.TrimLeft(raw, "*")
		}
		if strings.HasSuffix(raw, "*") && !strings.HasSuffix(strings.TrimRight(raw, "*"), "*") {
			t.stemEnd = true
			raw = strings.TrimRight(raw, "*")
		}
		key := normPhrase(raw)
		if key == "" {
			return errAt(w.Line, "term %q has no letters or digits", t.text)
		}
		if t.stemStart {
			key = "*" + key
		}
		if t.stemEnd {
			key += "*"
		}
		if first, dup := seen[key]; dup {
			return errAt(w.Line, "duplicate term %q (first at line %d)", t.text, first)
		}
		seen[key] = w.Line
		t.text = raw
		rs.terms = append(rs.terms, t)
	}
	return nil
}

func (rs *ruleSet) parsePattern(ci int, n *yaml.Node, errAt errAtFunc) error {
	if n.Kind != yaml.MappingNode {
		return errAt(n.Line, "patterns: each entry has name, weight, regexp")
	}
	p := pattern{cat: ci, weight: -1, line: n.Line, window: defaultPatternWindow}
	hide := false
	var src string
	srcLine := n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			p.name = v.Value
		case "weight":
			f, err := weightOf(v)
			if err != nil {
				return errAt(v.Line, "weight: %v", err)
			}
			p.weight = f
		case "regexp":
			src, srcLine = v.Value, v.Line
		case "requires":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "requires: want a list of words")
			}
			for _, c := range v.Content {
				id, err := rs.cueID(c.Value)
				if err != nil {
					return errAt(c.Line, "requires: %v", err)
				}
				p.requires = append(p.requires, id)
			}
		case "window":
			w, err := strconv.Atoi(v.Value)
			if err != nil || w < 1 || w > 100 {
				return errAt(v.Line, "window: want a number of words from 1 to 100, not %q", v.Value)
			}
			p.window = int32(w)
		case "model":
			if v.Value != "hide" && v.Value != "see" {
				return errAt(v.Line, "model: want hide or see, not %q", v.Value)
			}
			hide = v.Value == "hide"
		case "note":
		default:
			return errAt(k.Line, "unknown key %q in a pattern (want name, weight, regexp, requires, window, model, note)", k.Value)
		}
	}
	if p.name == "" {
		return errAt(n.Line, "pattern without a name")
	}
	if p.weight < 0 {
		return errAt(n.Line, "pattern %q has no weight", p.name)
	}
	if src == "" {
		return errAt(n.Line, "pattern %q has no regexp", p.name)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return errAt(srcLine, "pattern %q: bad regexp: %v", p.name, err)
	}
	if re.MatchString("") {
		return errAt(srcLine, "pattern %q matches empty text", p.name)
	}
	p.re = re
	if p.lower = lowerPattern(src); p.lower != nil {
		p.pf = newPrefilter(p.lower)
		p.anc = newAnchor(p.lower)
	}
	// A pattern is its own group so context rules can refer to it by name.
	p.group = len(rs.groups)
	for _, og := range rs.groups {
		if og.cat == ci && og.name == p.name {
			return errAt(n.Line, "pattern %q: name already used (line %d)", p.name, og.line)
		}
	}
	rs.groups = append(rs.groups, group{name: p.name, cat: ci, weight: p.weight, line: p.line, slot: groupSlot(ci, p.name), hide: hide})
	rs.patterns = append(rs.patterns, p)
	return nil
}

func (rs *ruleSet) parseContext(ci int, n *yaml.Node, errAt errAtFunc) error {
	if n.Kind != yaml.MappingNode {
		return errAt(n.Line, "context: each entry has name, effect, factor and cues (or when: quoted)")
	}
	c := ctxRule{cat: ci, factor: -1, line: n.Line, sentence: true}
	effect := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			c.name = v.Value
		case "effect":
			effect = v.Value
			if effect != "lower" && effect != "raise" {
				return errAt(v.Line, "effect: want lower or raise, not %q", v.Value)
			}
			c.raise = effect == "raise"
		case "factor":
			f, err := strconv.ParseFloat(v.Value, 64)
			if err != nil || f < 0 || f > 10 {
				return errAt(v.Line, "factor: want a number from 0 to 10, not %q", v.Value)
			}
			c.factor = f
		case "window":
			w, err := strconv.Atoi(v.Value)
			if err != nil || w < 0 || w > 1000 {
				return errAt(v.Line, "window: want a number of words, not %q", v.Value)
			}
			c.window = w
		case "side":
			switch v.Value {
			case "before":
				c.side = sideBefore
			case "after":
				c.side = sideAfter
			case "both":
				c.side = sideBoth
			default:
				return errAt(v.Line, "side: want before, after or both, not %q", v.Value)
			}
		case "scope":
			switch v.Value {
			case "sentence":
				c.sentence = true
			case "post":
				c.sentence = false
			default:
				return errAt(v.Line, "scope: want sentence or post, not %q", v.Value)
			}
		case "when":
			if v.Value != "quoted" {
				return errAt(v.Line, "when: the only condition is quoted, not %q", v.Value)
			}
			c.quoted = true
		case "groups":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "groups: want a list of group names")
			}
			c.groups = make([]bool, len(rs.groups))
			for _, g := range v.Content {
				found := false
				for gi, og := range rs.groups {
					if og.cat == ci && og.name == g.Value {
						c.groups[gi] = true
						found = true
					}
				}
				if !found {
					return errAt(g.Line, "unknown group %q", g.Value)
				}
			}
		case "cues":
			if v.Kind != yaml.SequenceNode {
				return errAt(v.Line, "cues: want a list of words or phrases")
			}
			for _, cn := range v.Content {
				id, err := rs.cueID(cn.Value)
				if err != nil {
					return errAt(cn.Line, "cue: %v", err)
				}
				c.cues = append(c.cues, id)
			}
		case "model":
			switch v.Value {
			case "true", "yes":
				c.model = true
			case "false", "no":
			default:
				return errAt(v.Line, "model: want true or false, not %q", v.Value)
			}
		case "note":
		default:
			return errAt(k.Line, "unknown key %q in a context rule (want name, effect, factor, window, side, scope, when, groups, cues, model, note)", k.Value)
		}
	}
	switch {
	case c.name == "":
		return errAt(n.Line, "context rule without a name")
	case effect == "":
		return errAt(n.Line, "context rule %q has no effect (lower or raise)", c.name)
	case c.factor < 0:
		return errAt(n.Line, "context rule %q has no factor", c.name)
	case c.raise && c.factor < 1:
		return errAt(n.Line, "context rule %q raises by a factor below 1", c.name)
	case !c.raise && c.factor > 1:
		return errAt(n.Line, "context rule %q lowers by a factor above 1", c.name)
	case c.quoted && len(c.cues) > 0:
		return errAt(n.Line, "context rule %q has both cues and when: quoted", c.name)
	case !c.quoted && len(c.cues) == 0:
		return errAt(n.Line, "context rule %q has no cues", c.name)
	case c.model && (c.raise || c.quoted):
		return errAt(n.Line, "context rule %q: model: true needs a lowering rule with cues", c.name)
	}
	rs.cats[ci].ctx = append(rs.cats[ci].ctx, len(rs.ctx))
	c.slot = groupSlot(ci, "context: "+c.name)
	rs.ctx = append(rs.ctx, c)
	return nil
}

// cueID returns the id of a cue phrase, adding it if new.
func (rs *ruleSet) cueID(s string) (int32, error) {
	raw := strings.TrimSpace(s)
	stemEnd := strings.HasSuffix(raw, "*")
	raw = strings.TrimRight(raw, "*")
	key := normPhrase(raw)
	if key == "" {
		return 0, fmt.Errorf("%q has no letters or digits", s)
	}
	if stemEnd {
		key += "*"
	}
	if id, ok := rs.cueIDs[key]; ok {
		return id, nil
	}
	id := int32(len(rs.cues))
	rs.cues = append(rs.cues, cue{text: raw, stemEnd: stemEnd})
	rs.cueIDs[key] = id
	return id, nil
}

// normPhrase normalises a term the way posts are normalised: words joined
// by single spaces.
func normPhrase(s string) string {
	var d doc
	d.normalize(s)
	return strings.TrimSpace(string(d.norm))
}

// compile builds the automaton over every term variant and cue.
func (rs *ruleSet) compile() error {
	var pats [][]byte
	index := map[string]int{} // pattern bytes -> autoPats index, for dedup
	add := func(body string, ap autoPat) {
		var b []byte
		if !ap.stemStart {
			b = append(b, ' ')
		}
		b = append(b, body...)
		if !ap.stemEnd {
			b = append(b, ' ')
		}
		key := string(b) + string(rune('0'+ap.kind))
		if ap.kind == kindTerm {
			key += strconv.Itoa(rs.terms[ap.ref].cat)
		}
		if _, dup := index[key]; dup {
			return
		}
		index[key] = len(pats)
		pats = append(pats, b)
		rs.autoPats = append(rs.autoPats, ap)
	}
	for ti, t := range rs.terms {
		ap := autoPat{kind: kindTerm, ref: int32(ti), stemStart: t.stemStart, stemEnd: t.stemEnd}
		for _, v := range termVariants(t.text, rs.groups[t.group].mask, !t.stemStart && !t.stemEnd) {
			add(v, ap)
		}
	}
	for ci, c := range rs.cues {
		ap := autoPat{kind: kindCue, ref: int32(ci), stemEnd: c.stemEnd}
		for _, v := range termVariants(c.text, false, !c.stemEnd) {
			add(v, ap)
		}
	}
	rs.auto = buildAutomaton(pats)
	rs.cuePats = make([]idSet, len(rs.cues))
	for ci := range rs.cuePats {
		rs.cuePats[ci] = newIDSet(nil, len(rs.patterns))
	}
	for i := range rs.patterns {
		rs.patterns[i].reqSet = newIDSet(rs.patterns[i].requires, len(rs.cues))
		for _, id := range rs.patterns[i].requires {
			rs.cuePats[id].add(int32(i))
		}
	}
	for i := range rs.ctx {
		rs.ctx[i].cueSet = newIDSet(rs.ctx[i].cues, len(rs.cues))
	}
	for i := range rs.terms {
		t := &rs.terms[i]
		name := t.text
		if t.stemStart {
			name = "*" + name
		}
		if t.stemEnd {
			name += "*"
		}
		t.reason = fmt.Sprintf("term %q (%s, %.2f)", name, rs.groups[t.group].name, t.weight)
	}
	for i := range rs.patterns {
		p := &rs.patterns[i]
		p.reason = fmt.Sprintf("pattern %q (%.2f)", p.name, p.weight)
	}
	return nil
}

// spellings maps British spellings to American ones (and -ise to -ize), so a
// term written either way matches both.
var spellings = []struct{ from, to string }{
	{"our", "or"}, {"isation", "ization"}, {"ise", "ize"}, {"ising", "izing"}, {"ised", "ized"},
	{"yse", "yze"}, {"ence", "ense"}, {"tre", "ter"}, {"ogue", "og"}, {"ae", "e"}, {"oe", "e"},
}

// termVariants returns the normalised forms of a term that the automaton
// should look for: the term itself, its other spellings, its doubled
// letters written single (bolocks) and, for masked groups, its masked forms
// (f*ck, f**k, f***).
func termVariants(raw string, mask, singles bool) []string {
	base := normPhrase(raw)
	out := []string{base}
	seen := map[string]bool{base: true}
	addV := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, s := range spellings {
		if strings.Contains(base, s.from) {
			addV(normPhrase(strings.ReplaceAll(base, s.from, s.to)))
		}
		if s.to != "e" && s.to != "or" && strings.Contains(base, s.to) {
			addV(normPhrase(strings.ReplaceAll(base, s.to, s.from)))
		}
	}
	// Elongated text ("bolllocks") collapses to one letter, so a term with
	// a double letter also matches it single, unless that leaves a short
	// word that means something else (coon -> con).
	for _, v := range append([]string(nil), out...) {
		if !singles {
			break
		}
		for _, single := range singledDoubles(v) {
			if len(strings.ReplaceAll(single, " ", "")) >= 7 {
				addV(single)
			}
		}
	}
	if mask && !strings.Contains(base, " ") {
		// mask the word as written so that b******s matches bollocks
		w := []byte(base)
		if len(w) >= 3 && len(w) <= 12 && isASCIIAlpha(w) {
			for i := 1; i < len(w); i++ {
				for j := i; j < len(w); j++ {
					if len(w) == 3 && j > i {
						continue
					}
					v := bytes.Clone(w)
					for k := i; k <= j; k++ {
						v[k] = '*'
					}
					addV(string(v))
				}
			}
		}
	}
	return out
}

// singledDoubles returns v with every combination of its doubled letters
// written single (at most three doubles).
func singledDoubles(v string) []string {
	var at []int
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1] && v[i] >= 'a' && v[i] <= 'z' && (i < 2 || v[i-2] != v[i]) {
			at = append(at, i)
		}
	}
	if len(at) == 0 || len(at) > 3 {
		return nil
	}
	var out []string
	for m := 1; m < 1<<len(at); m++ {
		var b []byte
		for i := 0; i < len(v); i++ {
			drop := false
			for k, p := range at {
				if m&(1<<k) != 0 && p == i {
					drop = true
				}
			}
			if !drop {
				b = append(b, v[i])
			}
		}
		out = append(out, string(b))
	}
	return out
}

func isASCIIAlpha(b []byte) bool {
	for _, c := range b {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
