package identify

import (
	"fmt"
	"strings"

	"github.com/psd-tools/exposure/rules"
)

// kind is what a phrase of the rules means.
type kind uint8

const (
	kNone      kind = iota
	kRole           // claims a role
	kContext        // the profile is about policing
	kServing        // with a force: works there; before a role: current
	kCurrent        // before a role: held now
	kMod            // changes the roles and forces near it
	kFormer         // profile-wide: has left the police
	kCorporate      // official-account wording
	kLookalike      // a class of profile that talks about police
	kAbroad         // police words from abroad
	kAlias          // names a force
	kWeakAlias      // names a force when capitalised in a police profile
	kHandle         // a force's official handle
	kPlace          // a town of a force area
	kWeakPlace      // a town whose name is also a word, when capitalised
	kAmbiguous      // a place shared by several areas: attributes nothing
	kNotPlace       // a name with a place in it that says nothing about work ("Leeds United")
)

var kindNames = [...]string{"", "role", "context", "serving", "current", "modifier", "former", "corporate",
	"look-alike", "abroad", "force alias", "weak force alias", "force handle", "place", "weak place", "ambiguous place", "not a place"}

func (k kind) String() string { return kindNames[k] }

type modKind uint8

const (
	mFormer modKind = iota
	mFamily
	mClients
	mAspiring
	mNegation
	nMods
)

var modNames = [...]string{"former", "family", "clients", "aspiring", "negation"}

// Modifier directions.
const (
	dirBefore uint8 = 1 << iota
	dirAfter
	dirPossessive // after a possessive only: "copper's dad"
)

// Case a weak phrase needs in the text.
const (
	caseAny uint8 = iota
	caseTitle
	caseUpper
)

// entry is one compiled phrase.
type entry struct {
	kind     kind
	role     Role
	strong   bool
	bare     bool // a bare rank: counts standing alone as a self-description
	slang    bool // a bare word that is never a title before a name ("Bobby Moore")
	caps     bool // written in capitals in the rules ("PC"): bare only in capitals
	emoji    bool // an emoji role: weak, and nothing when it follows another phrase
	work     bool // police work that names a role standing as an item ("Blackpool response."), else a police word
	group    bool // a police word for a group of people ("officers"): never the owner's former role
	outright bool // a weak word naming the kind of role outright ("staff"), over a weak word of another
	length   bool // a serving phrase that is a length of service ("28 years in"): former people say it too
	ends     bool // a former modifier that ends what comes before it, or stands alone as the owner's ("left last year")
	mod      modKind
	dir      uint8
	weight   int8
	class    int16
	force    int32
	caseReq  uint8
	police   bool   // a former or corporate phrase with a police word ("30 years in the police")
	weak     string // spelling of a weak alias or place, for its case
	text     string // as written in the rules
	file     string
	line     int
}

func (e *entry) describe(d *Detector) string {
	switch e.kind {
	case kRole:
		s := "weak"
		switch {
		case e.strong:
			s = "strong"
		case e.bare:
			s = "bare"
		}
		return fmt.Sprintf("role %s (%s)", e.role, s)
	case kMod:
		return modNames[e.mod] + " modifier"
	case kLookalike:
		return "look-alike " + d.classes[e.class].name
	case kCorporate:
		return fmt.Sprintf("corporate wording (weight %d)", e.weight)
	case kAlias, kWeakAlias, kHandle, kPlace, kWeakPlace:
		return fmt.Sprintf("%s of %s", e.kind, d.forces[e.force].Name)
	}
	return e.kind.String()
}

// class is a look-alike class.
type class struct {
	name, reason string
	override     bool
	// keepsRanks: the class's phrases do not give a bare rank another
	// sense ("Sergeant. Leeds United fan."), so they do not stop one.
	keepsRanks bool
	// relatives: in a profile with one of the class's phrases ("police
	// family"), the family words that otherwise need a possessive ("dad",
	// "mum") name a relative's role written after them ("Dad ex-GMP").
	relatives bool
	// names: the class's phrases end a company's name, so a role right
	// before one ("TSG Logistics Ltd", "police staff recruitment agency")
	// is part of that name.
	names bool
	// offices: an account named with one of the class's phrases (display
	// name or handle) is that office's ("Kent PCC"), not a force's, so its
	// official wording does not make it corporate.
	offices bool
	// near: the class's phrases give a bare rank another sense only in
	// the rank's own sentence ("Skipper of our village cricket 2nd XI"):
	// a hobby elsewhere in the profile ("Sgt Mo Rahman" / "Cricket,
	// biryani, kids.") leaves the rank the owner's.
	near bool
}

// Word flags: word lists that are not phrases.
const (
	wSkip uint16 = 1 << iota
	wStop
	wPersonal
	wUnit
	wQualifier
	wCode
	wClub      // after a place, makes it a club: "Everton fan", "Bolton FC"
	wDuration  // "years": with "now ..." after a role, the role is over
	wPlaceTail // after a club's name, shows it is the place: "Leicester City centre"
	wRankTitle // before a bare rank, part of a police job title: "Neighbourhood Sgt"
	wOfficial  // ends "official <force> account" as it ends a strong corporate phrase "official account"
	wDeptForce // after a force's name ending in "police", makes it a namesake abroad: "Kent Police Department"
	wDeptTown  // after a town and "police", makes it a namesake abroad: "Windsor Police Service"
)

// numWord stands for any number in a phrase; wildNum is its edge label.
const (
	numWord       = "<n>"
	wildNum int32 = 1 << 30
)

type keyDef struct {
	entry  int32
	joined bool // the one-word form of a longer phrase
}

type builder struct {
	vocab     map[string]int32
	wordFlags []uint16
	edges     map[uint64]int32
	term      []int32
	entries   []entry
	keys      map[string]keyDef

	forceList  []ForceInfo
	forceNames []posString
	official   map[string]int32
	classes    []class
	modReason  [nMods]string
	codes      map[string]bool
	search     []string
	spell      map[string]string // a misspelling and the word it stands for
}

func newBuilder() *builder {
	return &builder{
		vocab:    map[string]int32{},
		edges:    map[uint64]int32{},
		term:     []int32{-1},
		keys:     map[string]keyDef{},
		official: map[string]int32{},
		codes:    map[string]bool{},
		spell:    map[string]string{},
	}
}

func (b *builder) wordID(w string) int32 {
	if id, ok := b.vocab[w]; ok {
		return id
	}
	id := int32(len(b.wordFlags))
	b.vocab[w] = id
	b.wordFlags = append(b.wordFlags, 0)
	return id
}

// phraseWords normalises a rule phrase the way profile text is read, minus
// the camelCase split: "Avon & Somerset" is [avon and somerset], "PC #" is
// [pc #].
func phraseWords(s string) (words []string, hasNum bool) {
	var sc scanner
	var c collector
	for _, part := range strings.Fields(s) {
		if part == numWord {
			c.words = append(c.words, numWord)
			hasNum = true
			continue
		}
		sc.scan(part, &c)
	}
	return c.words, hasNum
}

type collector struct{ words []string }

func (c *collector) run(norm []byte, _ []uint8, _ []int32, _ int32, _ uint8) {
	c.words = append(c.words, string(norm))
}

func phraseKey(s string) (string, []string) {
	ws, _ := phraseWords(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	return strings.Join(ws, " "), ws
}

// phrase adds one phrase of the rules. A phrase already defined is an
// error naming both places, except a modifier listed both before and after.
func (b *builder) phrase(file string, p posString, e entry) error {
	words, hasNum := phraseWords(p.s)
	for _, w := range words {
		if c, ok := b.spell[w]; ok {
			return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q: %q is listed under spellings as a misspelling of %q; write %q", p.s, w, c, c)}
		}
	}
	if len(words) == 0 {
		return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q has no words", p.s)}
	}
	if len(words) > 12 {
		return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q: a phrase has at most 12 words", p.s)}
	}
	if len(words) == 1 && words[0] == numWord {
		return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q: a phrase needs a word besides <n>", p.s)}
	}
	e.text, e.file, e.line = p.s, file, p.line
	if e.kind == kRole && e.bare {
		e.caps = rules.IsCapitals(p.s)
	}
	if e.weak != "" {
		e.caseReq = caseTitle
		if rules.IsCapitals(e.weak) {
			e.caseReq = caseUpper
		}
	}
	key := strings.Join(words, " ")
	if d, ok := b.keys[key]; ok {
		old := &b.entries[d.entry]
		switch {
		case d.joined:
			// An explicit phrase beats the one-word form of another.
		case old.kind == kMod && e.kind == kMod && old.mod == e.mod && old.dir&e.dir == 0:
			old.dir |= e.dir
			return nil
		default:
			what := old.kind.String()
			if old.kind == kAlias || old.kind == kPlace || old.kind == kHandle || old.kind == kWeakAlias || old.kind == kWeakPlace {
				what += " of " + b.forceList[old.force].Name
			}
			if old.kind == kLookalike {
				what += " " + b.classes[old.class].name
			}
			return &RuleError{File: file, Line: p.line, Msg: fmt.Sprintf("%q is already defined at %s:%d (%s)", p.s, old.file, old.line, what)}
		}
	}
	idx := int32(len(b.entries))
	b.entries = append(b.entries, e)
	b.insert(words, idx)
	b.keys[key] = keyDef{entry: idx}
	if len(words) > 1 && !hasNum {
		j := strings.Join(words, "")
		if _, ok := b.keys[j]; !ok {
			b.insert([]string{j}, idx)
			b.keys[j] = keyDef{entry: idx, joined: true}
		}
		// Text drops a possessive 's ("King's Lynn" reads "king lynn"), so
		// a place written without the apostrophe ("Kings Lynn") also
		// matches it.
		switch e.kind {
		case kPlace, kWeakPlace, kAlias, kAmbiguous, kNotPlace:
			for k, w := range words {
				if len(w) < 4 || w[len(w)-1] != 's' || w[len(w)-2] == 's' {
					continue
				}
				v := append([]string(nil), words...)
				v[k] = w[:len(w)-1]
				vk := strings.Join(v, " ")
				if _, ok := b.keys[vk]; !ok {
					b.insert(v, idx)
					b.keys[vk] = keyDef{entry: idx, joined: true}
				}
			}
		}
	}
	return nil
}

func (b *builder) insert(words []string, idx int32) {
	node := int32(0)
	for _, w := range words {
		id := wildNum
		if w != numWord {
			id = b.wordID(w)
		}
		k := edgeKey(node, id)
		next, ok := b.edges[k]
		if !ok {
			next = int32(len(b.term))
			b.term = append(b.term, -1)
			b.edges[k] = next
		}
		node = next
	}
	b.term[node] = idx
}

func edgeKey(node, id int32) uint64 { return uint64(uint32(node))<<32 | uint64(uint32(id)) }

func (b *builder) finish(version string) *Detector {
	for c := range b.codes {
		b.wordFlags[b.wordID(c)] |= wCode
	}
	// A former or corporate phrase that has a police word in it is about
	// policing; a serving phrase with "years" in it is a length of service.
	for key, kd := range b.keys {
		e := &b.entries[kd.entry]
		// "Official account" also reads "Official Met account".
		if ws := strings.Fields(key); e.kind == kCorporate && e.weight >= 3 && !kd.joined && len(ws) == 2 && ws[0] == "official" {
			b.wordFlags[b.wordID(ws[1])] |= wOfficial
		}
		if e.kind == kServing && !kd.joined {
			for _, w := range strings.Fields(key) {
				if id, ok := b.vocab[w]; ok && b.wordFlags[id]&wDuration != 0 {
					e.length = true
				}
			}
		}
		if kd.joined || (e.kind != kFormer && e.kind != kCorporate) {
			continue
		}
		for _, w := range strings.Fields(key) {
			if o, ok := b.keys[w]; ok && !o.joined {
				if k := b.entries[o.entry].kind; k == kContext || k == kRole || k == kAlias {
					e.police = true
				}
			}
		}
	}
	d := &Detector{
		version:   version,
		vocab:     b.vocab,
		wordFlags: b.wordFlags,
		edges:     map[uint64]int32{},
		term:      b.term,
		entries:   b.entries,
		forces:    b.forceList,
		official:  b.official,
		classes:   b.classes,
		modReason: b.modReason,
		search:    b.search,
		byName:    map[string]int32{},
		rootNum:   -1,
	}
	// Function words the detector tests for; -1 when no phrase uses one, so
	// it never matches.
	for _, w := range []struct {
		word string
		id   *int32
	}{
		{"a", &d.idA},
		{"an", &d.idAn},
		{"now", &d.idNow},
		{"the", &d.idThe},
		{"at", &d.idAt},
		{"with", &d.idWith},
		{"to", &d.idTo},
		{"and", &d.idAnd},
		{"or", &d.idOr},
		{"myself", &d.idMyself},
		{"official", &d.idOfficial},
	} {
		*w.id = -1
		if id, ok := b.vocab[w.word]; ok {
			*w.id = id
		}
	}
	// A namesake abroad ("Kent Police Department") reads as a police
	// word from abroad.
	d.namesake = int32(len(b.entries))
	d.entries = append(d.entries, entry{kind: kAbroad, text: "a UK name for police abroad", file: IdentityFile})
	// "PD Bruno", a police dog, reads as a police word for others.
	d.policeDog = int32(len(d.entries))
	d.entries = append(d.entries, entry{kind: kContext, group: true, text: "a police dog by name", file: IdentityFile})
	d.idPD = -1
	if id, ok := b.vocab["pd"]; ok {
		d.idPD = id
	}
	d.idPolice = -1
	if id, ok := b.vocab["police"]; ok {
		d.idPolice = id
	}
	// "PC by day": words no phrase needs, so added here.
	d.idBy, d.idDay = b.wordID("by"), b.wordID("day")
	d.idIn, d.idFor, d.idOn, d.idOf = b.wordID("in"), b.wordID("for"), b.wordID("on"), b.wordID("of")
	d.idTeam, d.idUnit = b.wordID("team"), b.wordID("unit")
	d.wordFlags = b.wordFlags
	d.rootNext = make([]int32, len(b.wordFlags))
	for i := range d.rootNext {
		d.rootNext[i] = -1
	}
	for k, v := range b.edges {
		node, id := int32(k>>32), int32(uint32(k))
		switch {
		case node == 0 && id == wildNum:
			d.rootNum = v
		case node == 0:
			d.rootNext[id] = v
		default:
			d.edges[k] = v
		}
	}
	for i, f := range b.forceList {
		names := append([]string{f.Name}, f.Aliases...)
		names = append(names, f.WeakAliases...)
		names = append(names, f.Handles...)
		for _, n := range names {
			key, ws := phraseKey(n)
			d.byName[key] = int32(i)
			d.byName[strings.Join(ws, "")] = int32(i)
		}
	}
	return d
}
