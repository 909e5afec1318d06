package identify

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Detector decides who is in scope. Build it with Load; it is immutable and
// safe for concurrent use.
type Detector struct {
	version     string
	vocab       map[string]int32
	wordFlags   []uint16
	rootNext    []int32
	rootNum     int32
	edges       map[uint64]int32
	term        []int32
	entries     []entry
	forces      []ForceInfo
	official    map[string]int32
	classes     []class
	modReason   [nMods]string
	search      []string
	byName      map[string]int32
	idA, idAn   int32 // the articles "a" and "an", or -1
	idNow       int32 // "now", or -1
	idThe       int32 // "the", or -1
	idAt        int32 // "at", or -1
	idWith      int32 // "with", or -1
	idTo        int32 // "to", or -1
	idAnd       int32 // "and" (also "&"), or -1
	idOr        int32 // "or", or -1
	idMyself    int32 // "myself", or -1
	idOfficial  int32 // "official", or -1
	idBy, idDay int32 // "by" and "day"
	idIn, idFor int32 // "in" and "for"
	idOn, idOf  int32 // "on" and "of"
	idPolice    int32 // "police", or -1
	namesake    int32 // the entry a namesake abroad reads as ("Kent Police Department")
	policeDog   int32 // the entry "PD" before a name reads as ("PD Bruno")
	idPD        int32 // "pd", or -1
	idTeam      int32 // "team"
	idUnit      int32 // "unit"

	pool sync.Pool
}

// Profile fields, in the order they are read: the bio says most, so its
// role and force mentions come first.
const (
	fieldBio uint8 = iota
	fieldName
	fieldHandle
	fieldLocation
	nFields
)

var fieldNames = [nFields]string{"bio", "name", "handle", "location"}

// Reasons the detector gives that are not in the rules.
const (
	ReasonCorporate  = "corporate account"
	ReasonFormer     = "former or retired"
	ReasonAbroad     = "police abroad"
	ReasonNotInRules = "force not in rules"
	ReasonNoRole     = "no police role claimed"
)

// Force attributions: an alias outweighs any number of places ("Port of
// Dover Police constable, Dover, Kent" is the port's police); the location
// field is where people say where they work.
const (
	voteAlias    = 10 << 12
	voteWeak     = 8 << 12
	voteLocation = 4
	voteText     = 3
	voteHandle   = 2
)

// Unit states, in rising priority: a stronger state replaces a weaker one.
const (
	stSelf uint8 = iota
	stFormer
	stAspiring
	stOther // someone else's: family, clients, a look-alike's subject
	stNegated
)

type tok struct {
	id         int32 // vocabulary id, or -1
	start, end int32 // bytes of the field text
	flags      uint8
	field      uint8
}

// unit is a matched phrase, or a single unmatched word.
type unit struct {
	e       int32 // entry, or -1
	t0, t1  int32 // tokens
	by      int32 // unit whose modifier set state
	field   uint8
	flags   uint8 // break flags of the first token
	state   uint8
	current bool
	used    bool // a modifier that reached something
	moved   bool // a "now" followed by something that is not police ("now a grandad")
}

type work struct {
	d       *Detector
	sc      scanner
	field   uint8
	first   bool
	toks    []tok
	units   []unit
	votes   []int32
	expl    []bool
	ev      []int32
	echo    []int32 // per entry: a bio unit that changed its state, or -1
	touched []int32
	texts   [nFields]string
	movedAt int32 // the "now" of a profile that moved on, or -1
	memo    uint64
	segBuf  [8]int32
}

func (d *Detector) get() *work {
	if w, ok := d.pool.Get().(*work); ok {
		return w
	}
	echo := make([]int32, len(d.entries))
	for i := range echo {
		echo[i] = -1
	}
	return &work{
		d:     d,
		toks:  make([]tok, 0, 96),
		units: make([]unit, 0, 96),
		votes: make([]int32, len(d.forces)+1),
		expl:  make([]bool, len(d.forces)+1),
		ev:    make([]int32, 0, 16),
		echo:  echo,
	}
}

// Version identifies the identity rules: a hash of both files.
func (d *Detector) Version() string { return d.version }

// Identify decides one profile.
func (d *Detector) Identify(p Profile) Result {
	w := d.get()
	r := d.decide(w, p, nil)
	d.pool.Put(w)
	return r
}

// Explain decides one profile and says why, one line per finding, for
// people reading `exposure identify --explain`.
func (d *Detector) Explain(p Profile) (Result, []string) {
	w := d.get()
	var lines []string
	r := d.decide(w, p, &lines)
	d.pool.Put(w)
	return r, lines
}

// Field sizes read: a bio is a few hundred bytes on every platform; text
// past these caps (scraped text is hostile) is not read.
const (
	maxBio   = 8 << 10
	maxField = 1 << 10
)

// capText cuts s to at most n bytes, at a rune boundary.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (d *Detector) prepare(w *work, p Profile) {
	w.toks, w.units, w.ev = w.toks[:0], w.units[:0], w.ev[:0]
	w.movedAt = -1
	w.texts = [nFields]string{
		capText(p.Bio, maxBio),
		capText(p.Name, maxField),
		capText(strings.TrimPrefix(strings.TrimSpace(p.Handle), "@"), maxField),
		capText(p.Location, maxField),
	}
	for f := range nFields {
		w.field, w.first = f, true
		w.sc.scan(w.texts[f], w)
	}
	d.match(w)
}

func (d *Detector) lookup(b []byte) int32 {
	if id, ok := d.vocab[string(b)]; ok {
		return id
	}
	return -1
}

// run receives one alphanumeric run from the scanner and turns it into
// tokens: whole if the rules know it, else split at camelCase and
// letter-digit boundaries ("SgtSmithGMP", "PC1234"), and a lowercase handle
// is split into known words where it can be ("mpshackney").
func (w *work) run(norm []byte, kinds []uint8, offs []int32, end int32, brk uint8) {
	if w.first {
		brk |= fHard
		w.first = false
	}
	d := w.d
	id := d.lookup(norm)
	if id >= 0 || !splittable(kinds, offs) {
		if id < 0 && w.field == fieldHandle && len(norm) >= 5 && len(norm) <= 40 && kinds[0] != kDigit {
			w.memo = 0
			n := d.segment(w, norm, 0, 0)
			if n <= 1 {
				n = d.nameThenForce(w, norm)
			}
			if n > 1 {
				at := 0
				for i := range n {
					l := int(w.segBuf[i])
					e := end
					if at+l < len(norm) {
						e = offs[at+l]
					}
					b := brk
					if i > 0 {
						b = fJoin
					}
					w.push(d.lookup(norm[at:at+l]), offs[at], e, wordFlags(kinds[at:at+l]), b)
					at += l
				}
				return
			}
		}
		w.push(id, offs[0], end, wordFlags(kinds), brk)
		return
	}
	start := 0
	for i := 1; i <= len(norm); i++ {
		if i < len(norm) && !boundary(kinds, offs, i) {
			continue
		}
		e := end
		if i < len(norm) {
			e = offs[i]
		}
		b := brk
		if start > 0 {
			b = fJoin
		}
		w.push(d.lookup(norm[start:i]), offs[start], e, wordFlags(kinds[start:i]), b)
		start = i
	}
}

func (w *work) push(id, start, end int32, flags, brk uint8) {
	w.toks = append(w.toks, tok{id: id, start: start, end: end, flags: flags | brk, field: w.field})
}

func splittable(kinds []uint8, offs []int32) bool {
	for i := 1; i < len(kinds); i++ {
		if boundary(kinds, offs, i) {
			return true
		}
	}
	return false
}

// boundary reports a camelCase or letter-digit boundary before byte i. A
// single capital does not make a word ("MSc", "iPhone").
func boundary(kinds []uint8, offs []int32, i int) bool {
	if offs[i] == offs[i-1] {
		return false // inside one rune
	}
	a, b := kinds[i-1], kinds[i]
	if (a == kDigit) != (b == kDigit) {
		return true
	}
	if i == 1 {
		return false
	}
	if a != kUpper && b == kUpper {
		return true
	}
	// "GMPStockport": the capital before a lowercase letter starts a word.
	return a == kUpper && b == kUpper && i+1 < len(kinds) && kinds[i+1] == kLower && offs[i+1] != offs[i]
}

func wordFlags(kinds []uint8) uint8 {
	var f uint8
	letters, upper, digits := 0, 0, 0
	for _, k := range kinds {
		switch k {
		case kUpper:
			upper++
			letters++
		case kDigit:
			digits++
		default:
			letters++
		}
	}
	if digits == len(kinds) {
		return fNum
	}
	if kinds[0] == kUpper {
		f |= fTitle
	}
	if letters >= 2 && upper == letters {
		f |= fUpper
	}
	return f
}

// segment splits norm[at:] into at most len(segBuf) known words of two or
// more letters, longest first, remembering dead ends. It returns the number
// of words, or 0.
func (d *Detector) segment(w *work, norm []byte, at, depth int) int {
	if at == len(norm) {
		return depth
	}
	if depth == len(w.segBuf) || (at < 64 && w.memo&(1<<uint(at)) != 0) {
		return 0
	}
	for l := len(norm) - at; l >= 2; l-- {
		if d.lookup(norm[at:at+l]) < 0 {
			continue
		}
		w.segBuf[depth] = int32(l)
		if n := d.segment(w, norm, at+l, depth+1); n > 0 {
			return n
		}
	}
	if at < 64 {
		w.memo |= 1 << uint(at)
	}
	return 0
}

// nameThenForce splits a handle that ends in a force's name after a name
// the rules do not know, with known words before it: "sgtsmithgmp" is
// [sgt][smith][gmp], "jonesbtp" [jones][btp]. It fills segBuf and returns
// the number of words, or 0.
func (d *Detector) nameThenForce(w *work, norm []byte) int {
	for tl := min(len(norm)-3, 24); tl >= 3; tl-- {
		id := d.lookup(norm[len(norm)-tl:])
		if id < 0 || !d.forceWord(id) {
			continue
		}
		name := norm[:len(norm)-tl]
		// The longest run of known words before a name of three or more
		// letters.
		for hl := len(name) - 3; hl >= 2; hl-- {
			w.memo = 0
			if n := d.segment(w, name[:hl], 0, 0); n > 0 && n+2 <= len(w.segBuf) {
				w.segBuf[n], w.segBuf[n+1] = int32(len(name)-hl), int32(tl)
				return n + 2
			}
		}
		w.segBuf[0], w.segBuf[1] = int32(len(name)), int32(tl)
		return 2
	}
	return 0
}

// forceWord reports whether word id alone is a force's alias or handle.
func (d *Detector) forceWord(id int32) bool {
	n := d.rootNext[id]
	if n < 0 || d.term[n] < 0 {
		return false
	}
	k := d.entries[d.term[n]].kind
	return k == kAlias || k == kHandle
}

// step follows one token down the phrase trie; a number may follow a #.
func (d *Detector) step(node int32, t *tok) int32 {
	if t.id >= 0 {
		if node == 0 {
			if n := d.rootNext[t.id]; n >= 0 {
				return n
			}
		} else if n, ok := d.edges[edgeKey(node, t.id)]; ok {
			return n
		}
	}
	if t.flags&fNum != 0 {
		if node == 0 {
			return d.rootNum
		}
		if n, ok := d.edges[edgeKey(node, wildNum)]; ok {
			return n
		}
	}
	return -1
}

// match reads the tokens left to right, taking the longest phrase at each
// word. Phrases do not cross a full stop or a field.
func (d *Detector) match(w *work) {
	toks := w.toks
	for i := 0; i < len(toks); {
		best, end := d.longest(toks, i)
		// "As a civilian fingerprint examiner", "a civilian investigator":
		// a disclaimer that ends in a role word describes the role after
		// it, and is read from that word on.
		if best >= 0 && end < len(toks) && end-i > 1 && d.entries[best].kind == kLookalike && d.classes[d.entries[best].class].override &&
			toks[end].field == toks[i].field && toks[end].flags&(fHard|fSoft) == 0 && d.describesRole(toks, end-1) {
			for ; i < end-1; i++ {
				w.units = append(w.units, unit{e: -1, t0: int32(i), t1: int32(i + 1), by: -1, field: toks[i].field, flags: toks[i].flags})
			}
			continue
		}
		w.units = append(w.units, unit{e: best, t0: int32(i), t1: int32(end), by: -1, field: toks[i].field, flags: toks[i].flags})
		i = end
	}
}

// longest returns the longest phrase at token i and the token after it,
// or -1 and i+1.
func (d *Detector) longest(toks []tok, i int) (int32, int) {
	best, end := int32(-1), i+1
	shorter, shorterEnd := int32(-1), i+1
	node := int32(0)
	comma := false
	for j := i; j < len(toks); j++ {
		if j > i && (toks[j].flags&fHard != 0 || toks[j].field != toks[i].field) {
			break
		}
		if node = d.step(node, &toks[j]); node < 0 {
			break
		}
		comma = comma || j > i && toks[j].flags&fComma != 0
		// "Nurse for 10 years, police officer for 2" is not "10 years police".
		if e := d.term[node]; e >= 0 && d.caseOK(e, toks[i:j+1]) && !(comma && d.entries[e].kind == kFormer) {
			if best < 0 || d.entries[best].kind != kNotPlace {
				shorter, shorterEnd = best, end
			}
			best, end = e, j+1
		}
	}
	// "Leicester City centre" is the place, not the club.
	if best >= 0 && d.entries[best].kind == kNotPlace && end < len(toks) {
		if t := &toks[end]; t.field == toks[i].field && t.flags&(fHard|fSoft) == 0 && t.id >= 0 && d.wordFlags[t.id]&wPlaceTail != 0 {
			best, end = shorter, shorterEnd
		}
	}
	return best, end
}

// describesRole reports whether token t is a role word on its own and,
// read from t, the role goes on ("civilian investigator") or another role
// follows it ("civilian fingerprint examiner").
func (d *Detector) describesRole(toks []tok, t int) bool {
	role := func(e int32) bool { return e >= 0 && d.entries[e].kind == kRole }
	if n := d.step(0, &toks[t]); n < 0 || !role(d.term[n]) {
		return false
	}
	if e, end := d.longest(toks, t); role(e) && end > t+1 {
		return true
	}
	e, _ := d.longest(toks, t+1)
	return role(e)
}

func (d *Detector) caseOK(e int32, toks []tok) bool {
	switch d.entries[e].caseReq {
	case caseTitle:
		return toks[0].flags&(fTitle|fUpper) != 0
	case caseUpper:
		for _, t := range toks {
			if t.flags&fUpper == 0 {
				return false
			}
		}
	}
	return true
}

func (w *work) entry(u *unit) *entry {
	if u.e < 0 {
		return nil
	}
	return &w.d.entries[u.e]
}

// word returns the word flags of a single-word unit.
func (w *work) word(u *unit) uint16 {
	if u.t1-u.t0 != 1 {
		return 0
	}
	if id := w.toks[u.t0].id; id >= 0 {
		return w.d.wordFlags[id]
	}
	return 0
}

func (w *work) text(u *unit) string {
	a, b := w.toks[u.t0], w.toks[u.t1-1]
	return w.texts[a.field][a.start:b.end]
}

// setState gives unit k state st (set by unit by) unless it has a
// stronger one.
func (w *work) setState(k int, st uint8, by int) {
	if u := &w.units[k]; st > u.state {
		u.state, u.by = st, int32(by)
	}
}

// nameOf marks a role right before look-alike ui, in the same item and
// with at most one other word between, as part of the name ui ends ("TSG
// Logistics Ltd").
func (w *work) nameOf(ui int) {
	units := w.units
	words := 0
	for k := ui - 1; k >= 0 && k >= ui-3; k-- {
		if units[k].field != units[ui].field || units[k+1].flags&(fHard|fSoft) != 0 {
			return
		}
		e := w.entry(&units[k])
		switch {
		case e == nil:
			if words++; words > 1 || w.word(&units[k])&(wSkip|wStop) != 0 {
				return
			}
		case e.kind == kRole:
			w.setState(k, stOther, ui)
			return
		default:
			return
		}
	}
}

// jobOf reports whether look-alike ui comes right after a strong role of
// the owner's in the same item ("Police staff trainer", "police officer
// and" is not), so that it names what that role does. A company's word
// ("Police staff recruitment agency") names the company instead.
func (w *work) jobOf(ui int) bool {
	units := w.units
	u := &units[ui]
	if ui == 0 || u.flags&(fHard|fSoft) != 0 || w.d.classes[w.d.entries[u.e].class].names {
		return false
	}
	p := &units[ui-1]
	e := w.entry(p)
	return p.field == u.field && e != nil && e.kind == kRole && e.strong && p.state == stSelf
}

// subject reports whether a unit is something a modifier changes: a role,
// a police word or a force.
func subject(k kind) bool {
	switch k {
	case kRole, kContext, kAlias, kWeakAlias, kHandle, kAbroad, kLookalike:
		return true
	}
	return false
}

// forward applies state st from unit ui to the subjects after it in the same
// sentence. attached says it reached one; consumed that the first thing
// after it was some other word ("retired teacher"), so it is spent.
func (w *work) forward(ui int, st uint8) (attached, consumed bool) {
	units := w.units
	joined := false
	for k := ui + 1; k < len(units) && k <= ui+6; k++ {
		v := &units[k]
		if v.field != units[ui].field || v.flags&(fHard|fSoft) != 0 {
			break
		}
		e := w.entry(v)
		if e == nil {
			f := w.word(v)
			// "Dad of a PCSO and a special", but "Wife of a PC and I'm
			// a PCSO", "Husband of a DC and proud special constable".
			if joined {
				if id := w.toks[v.t0].id; v.t1-v.t0 != 1 || id < 0 || id != w.d.idA && id != w.d.idAn {
					return
				}
				joined = false
				continue
			}
			// "Recruiting detectives and police staff": the people a
			// business serves come in lists. "Mam to a PC": a family
			// word's "to". "Discount 10% for police": a percentage.
			if f&wSkip != 0 || k == ui+1 && w.ofTo(ui) || w.percent(v) || attached && st == stOther && f&wStop != 0 && w.clients(ui) {
				continue
			}
			if attached && st == stOther && w.family(ui) && w.joins(v) {
				joined = true
				continue
			}
			consumed = !attached && f&wStop == 0
			return
		}
		if joined {
			return
		}
		switch {
		case subject(e.kind):
			w.setState(k, st, ui)
			attached = true
		case e.kind == kServing:
			if st == stFormer {
				return
			}
		case e.kind == kCurrent:
			return
		case e.kind == kMod:
			// "My dad retired from the Met": a family word that names
			// whose role it is goes on to the role.
			if e.dir&dirBefore == 0 && !(w.family(ui) && e.mod == mFamily) {
				return
			}
		case e.kind == kPlace || e.kind == kWeakPlace || e.kind == kAmbiguous:
		default:
			consumed = !attached
			return
		}
	}
	return
}

// listBefore carries a clients word written after a list of roles to all
// of them: "Officer, PCSO, staff and special vacancies".
func (w *work) listBefore(ui int) {
	units := w.units
	role := func(k int) bool {
		e := w.entry(&units[k])
		return e != nil && e.kind == kRole
	}
	k := ui - 1
	if k < 0 || units[k].field != units[ui].field || units[ui].flags&(fHard|fSoft) != 0 || !role(k) {
		return
	}
	for {
		// The item of role k starts after its articles ("a PCSO").
		s := k
		for s > 0 && units[s].flags&(fHard|fSoft) == 0 && units[s-1].field == units[k].field &&
			units[s-1].e < 0 && w.word(&units[s-1])&wSkip != 0 {
			s--
		}
		if units[s].flags&fHard != 0 || s == 0 || units[s-1].field != units[k].field {
			return
		}
		p := s - 1
		if units[s].flags&fSoft == 0 {
			// "staff and special": a joining word before the item.
			if units[p].e >= 0 || units[p].t1-units[p].t0 != 1 || units[p].flags&fHard != 0 || p == 0 {
				return
			}
			if id := w.toks[units[p].t0].id; id < 0 || id != w.d.idAnd && id != w.d.idOr {
				return
			}
			p--
		}
		if units[p].field != units[k].field || !role(p) {
			return
		}
		w.setState(p, stOther, ui)
		k = p
	}
}

// brackets: a bracket right after a relative's role says more about that
// role: "Both my kids are in the job (one Met, one BTP)".
func (w *work) brackets() {
	units := w.units
	for ui := range units {
		u := &units[ui]
		if u.state != stOther || u.by < 0 || u.e < 0 || w.d.entries[u.e].kind != kRole || !w.family(int(u.by)) {
			continue
		}
		k := ui + 1
		if k >= len(units) || units[k].field != u.field || !strings.Contains(w.gap(units[k].t0), "(") {
			continue
		}
		for ; k < len(units) && units[k].field == u.field; k++ {
			if k > ui+1 && (units[k].flags&fHard != 0 || strings.Contains(w.gap(units[k].t0), ")")) {
				break
			}
			if e := w.entry(&units[k]); e != nil && subject(e.kind) {
				w.setState(k, stOther, int(u.by))
			}
		}
	}
}

// gap returns the text between token t and the token before it in its
// field.
func (w *work) gap(t int32) string {
	tk := &w.toks[t]
	from := int32(0)
	if t > 0 && w.toks[t-1].field == tk.field {
		from = w.toks[t-1].end
	}
	return w.texts[tk.field][from:tk.start]
}

// family reports whether unit ui is a family modifier.
func (w *work) family(ui int) bool {
	e := w.entry(&w.units[ui])
	return e != nil && e.kind == kMod && e.mod == mFamily
}

// ofTo reports whether family word ui is followed by "of" or "to" in the
// same item: "Grandad of a new PC", "mam to a polis officer" name a
// relative's role, whichever family list holds the word.
func (w *work) ofTo(ui int) bool {
	u := &w.units[ui]
	if !w.family(ui) || u.t1-u.t0 != 1 || int(u.t1) >= len(w.toks) {
		return false
	}
	t := &w.toks[u.t1]
	return t.field == u.field && t.flags&(fHard|fSoft) == 0 && t.id >= 0 && (t.id == w.d.idTo || t.id == w.d.idOf)
}

// percent reports whether unit v is a number followed by "%".
func (w *work) percent(v *unit) bool {
	if v.e >= 0 || v.t1-v.t0 != 1 || w.toks[v.t0].flags&fNum == 0 {
		return false
	}
	t := &w.toks[v.t0]
	return int(t.end) < len(w.texts[t.field]) && w.texts[t.field][t.end] == '%'
}

// joins reports whether unit v is "and" or "or".
func (w *work) joins(v *unit) bool {
	if v.e >= 0 || v.t1-v.t0 != 1 {
		return false
	}
	id := w.toks[v.t0].id
	return id >= 0 && (id == w.d.idAnd || id == w.d.idOr)
}

// myself reports whether role unit u is followed by "myself": "Police
// wife and a PC myself" is the owner's.
func (w *work) myself(u *unit) bool {
	t := int(u.t1)
	return t < len(w.toks) && w.toks[t].field == u.field && w.toks[t].flags&fHard == 0 &&
		w.toks[t].id >= 0 && w.toks[t].id == w.d.idMyself
}

// clients reports whether unit ui is a clients modifier ("recruiting",
// "training").
func (w *work) clients(ui int) bool {
	e := w.entry(&w.units[ui])
	return e != nil && e.kind == kMod && e.mod == mClients
}

// backward applies a modifier written after its subject: "PC (retired)",
// "copper's wife". A former modifier may cross a comma or bracket; a family
// word must touch its subject.
func (w *work) backward(ui int, st uint8) bool {
	units := w.units
	attached := false
	for k := ui - 1; k >= 0 && k >= ui-4; k-- {
		next := &units[k+1]
		if next.field != units[ui].field || next.flags&fHard != 0 {
			break
		}
		if st != stFormer && next.flags&fSoft != 0 {
			break
		}
		v := &units[k]
		e := w.entry(v)
		if e == nil {
			// "PC for 30 years until 2015": a former word reaches back
			// over a length of service.
			if st == stFormer && (w.word(v)&(wSkip|wDuration) != 0 || w.toks[v.t0].flags&fNum != 0) {
				continue
			}
			break
		}
		if subject(e.kind) {
			w.setState(k, st, ui)
			attached = true
			continue
		}
		if e.kind == kPlace || e.kind == kAmbiguous || e.kind == kWeakPlace {
			continue
		}
		break
	}
	return attached
}

// markCurrent marks the role after a "now" or "serving" as held now. A
// "now" followed by something that is not police ("now a full-time
// grandad", "now teaching") is marked moved.
func (w *work) markCurrent(ui int) {
	units := w.units
	now := w.toks[units[ui].t0].id == w.d.idNow && w.d.idNow >= 0
	for k := ui + 1; k < len(units) && k <= ui+4; k++ {
		v := &units[k]
		if v.field != units[ui].field || v.flags&fHard != 0 {
			return
		}
		e := w.entry(v)
		if e == nil {
			// "Now a regular PC": a job title's first word.
			if w.word(v)&(wSkip|wRankTitle) != 0 {
				continue
			}
			units[ui].moved = now
			return
		}
		switch e.kind {
		case kRole:
			v.current = true
			return
		case kAlias, kWeakAlias, kHandle:
			// "Ex-Met, now Sussex Police": the force they are in now.
			v.current = v.current || now
			continue
		case kPlace, kWeakPlace, kContext, kServing, kCurrent:
			continue
		case kLookalike, kMod:
			units[ui].moved = now
		}
		return
	}
}

// questions: a role asked about is not claimed ("Work in policing? Our app
// saves you hours", "Are you a special constable?").
func (w *work) questions() {
	for ui := range w.units {
		u := &w.units[ui]
		if u.e < 0 || w.d.entries[u.e].kind != kRole || u.state != stSelf {
			continue
		}
		end := w.toks[u.t1-1].end
		rest := strings.TrimLeft(w.texts[u.field][end:], " ")
		if strings.HasPrefix(rest, "?") {
			u.state = stOther
		}
	}
}

// year reports whether unit u is a year alone ("1992").
func (w *work) year(u *unit) bool {
	return u.e < 0 && u.t1-u.t0 == 1 && w.yearTok(&w.toks[u.t0])
}

func (w *work) yearTok(t *tok) bool {
	if t.flags&fNum == 0 || t.end-t.start != 4 {
		return false
	}
	y := w.texts[t.field][t.start:t.end]
	return y >= "1950" && y <= "2099"
}

// ranges marks what a closed range of years follows or precedes as held
// formerly: "Police officer 1992-2022", "Special constable (2008 - 2015)".
// "2015-present" is not closed.
func (w *work) ranges() {
	units := w.units
	for k := 0; k+1 < len(units); k++ {
		a, b := &units[k], &units[k+1]
		if a.field != b.field || b.flags&fHard != 0 || !w.year(b) {
			continue
		}
		// "PCSO 2010-2018" reads "PCSO 2010" as a collar number first.
		if e := w.entry(a); e != nil && e.kind == kRole && a.t1-a.t0 > 1 && w.yearTok(&w.toks[a.t1-1]) {
			w.setState(k, stFormer, k+1)
			k++
			continue
		}
		if !w.year(a) {
			continue
		}
		if !w.backward(k, stFormer) {
			w.forward(k+1, stFormer)
		}
		k++
	}
	// "PC from 1990 to 2020".
	for k := 0; k+2 < len(units); k++ {
		a, to, b := &units[k], &units[k+1], &units[k+2]
		if a.field != b.field || to.field != a.field || to.flags&fHard != 0 || b.flags&fHard != 0 ||
			!w.year(a) || !w.year(b) || to.e >= 0 || w.toks[to.t0].id != w.d.idTo || w.d.idTo < 0 {
			continue
		}
		if !w.backward(k, stFormer) {
			w.forward(k+2, stFormer)
		}
	}
}

// movedOn applies "N years a bobby, now a full-time grandad": a "now"
// followed by something that is not police, after a length of service
// ("years"), makes the owner's roles and police words before it former.
func (w *work) movedOn() {
	units := w.units
	for mv := range units {
		if !units[mv].moved {
			continue
		}
		years := false
		for t := units[mv].t0 - 1; t >= 0 && w.toks[t].field == units[mv].field; t-- {
			if id := w.toks[t].id; id >= 0 && w.d.wordFlags[id]&wDuration != 0 {
				years = true
				break
			}
		}
		if !years {
			continue
		}
		// "My husband retired from Notts Police last year, now he's
		// under my feet": the police before it must be the owner's.
		own := false
		for k := mv - 1; k >= 0 && units[k].field == units[mv].field; k-- {
			if e := w.entry(&units[k]); e != nil && subject(e.kind) && e.kind != kLookalike && (units[k].state == stSelf || units[k].state == stFormer) {
				own = true
			}
		}
		if !own {
			continue
		}
		for k := mv - 1; k >= 0 && units[k].field == units[mv].field; k-- {
			if e := w.entry(&units[k]); e != nil && (e.kind == kRole || e.kind == kContext) && units[k].state == stSelf && !units[k].current {
				w.setState(k, stFormer, mv)
			}
		}
		w.movedAt = int32(mv)
		return
	}
}

// namesake reads a UK force's name or town, unit ui, that names police
// abroad as a police word from abroad: no UK force is a department ("Kent
// Police Department, Washington State") and no UK town has a police
// service of its own ("Windsor Police Service, Ontario"); the words come
// from identity.yaml (abroad: after_force, after_town).
func (w *work) namesake(ui int) {
	d := w.d
	u := &w.units[ui]
	e := &d.entries[u.e]
	if d.idPolice < 0 || d.forces[e.force].Abroad {
		return
	}
	next := func(t int32) int32 {
		if int(t) >= len(w.toks) || w.toks[t].field != u.field || w.toks[t].flags&(fHard|fSoft) != 0 || w.toks[t].id < 0 {
			return -1
		}
		return w.toks[t].id
	}
	if e.kind == kAlias {
		if w.toks[u.t1-1].id == d.idPolice {
			if id := next(u.t1); id >= 0 && d.wordFlags[id]&wDeptForce != 0 {
				u.e = d.namesake
			}
		}
	} else if next(u.t1) == d.idPolice {
		if id := next(u.t1 + 1); id >= 0 && d.wordFlags[id]&wDeptTown != 0 {
			u.e = d.namesake
		}
	}
}

// inTeam reports whether clients modifier ui, one that ends in "with",
// reaches a force followed by "in" and a team of that force ("I work with
// Suffolk Police in the crime recording team"): the owner is in the
// force, not a partner of it ("I work with Suffolk Police on
// safeguarding").
func (w *work) inTeam(ui int) bool {
	d := w.d
	units := w.units
	if d.idWith < 0 || w.toks[units[ui].t1-1].id != d.idWith {
		return false
	}
	k := ui + 1
	for ; k < len(units) && units[k].field == units[ui].field && units[k].flags&(fHard|fSoft) == 0 && units[k].e < 0 && w.word(&units[k])&wSkip != 0; k++ {
	}
	if k >= len(units) || units[k].field != units[ui].field || units[k].flags&(fHard|fSoft) != 0 {
		return false
	}
	if e := w.entry(&units[k]); e == nil || e.kind != kAlias && e.kind != kWeakAlias && e.kind != kHandle {
		return false
	}
	k++
	if k >= len(units) || units[k].field != units[ui].field || units[k].flags&(fHard|fSoft) != 0 || units[k].e >= 0 || w.toks[units[k].t0].id != d.idIn {
		return false
	}
	for j := k + 1; j < len(units) && j <= k+5 && units[j].field == units[ui].field && units[j].flags&(fHard|fSoft) == 0; j++ {
		if e := w.entry(&units[j]); e != nil && (e.kind == kLookalike || e.kind == kAlias || e.kind == kPlace || e.kind == kMod) {
			return false
		}
		if id := w.toks[units[j].t1-1].id; id >= 0 && (id == d.idTeam || id == d.idUnit || d.wordFlags[id]&wUnit != 0) {
			return true
		}
	}
	return false
}

// handleAliases reads a weak alias written in lower case in the handle
// ("met_dc_raj") as the alias when a rank is run together with it, next
// to it: handles are written in lower case, and "met" next to "dc" is no
// verb. Elsewhere ("we_met_at_uni") it stays a word.
func (w *work) handleAliases() {
	d := w.d
	units := w.units
	rank := func(k int) bool {
		if k < 0 || k >= len(units) || units[k].field != fieldHandle {
			return false
		}
		e := w.entry(&units[k])
		return e != nil && e.kind == kRole && e.bare && !e.slang
	}
	for ui := range units {
		u := &units[ui]
		if u.field != fieldHandle || u.e >= 0 || u.t1-u.t0 != 1 || w.toks[u.t0].id < 0 {
			continue
		}
		n := d.rootNext[w.toks[u.t0].id]
		if n < 0 || d.term[n] < 0 || d.entries[d.term[n]].kind != kWeakAlias {
			continue
		}
		if rank(ui-1) || rank(ui+1) {
			u.e = d.term[n]
		}
	}
}

// youth reports whether the police officer emoji, unit ui, illustrates
// an aspiring modifier next to it, a youth scheme or an applicant's
// ("Mini Police member 👮", "👮 Volunteer Police Cadet"): the item before
// it holds one, or the unit after it is one.
func (w *work) youth(ui int) bool {
	units := w.units
	aspiring := func(k int) bool {
		e := w.entry(&units[k])
		return e != nil && e.kind == kMod && e.mod == mAspiring
	}
	if k := ui + 1; k < len(units) && units[k].field == units[ui].field && aspiring(k) {
		return true
	}
	for k := ui - 1; k >= 0 && units[k].field == units[ui].field; k-- {
		if aspiring(k) {
			return true
		}
		if units[k].flags&fHard != 0 {
			break
		}
	}
	return false
}

// policeDog reads "PD" before a name as a police dog, as handlers write
// it ("Sam + PD Bruno", "Handler of PD Max"), not a police department: in
// capitals, followed by a capitalised word the rules do not know, and
// starting its item or after "+", "and", "with" or "of". A police dog is
// a police word about others, like "officers".
func (w *work) policeDog(ui int) {
	d := w.d
	u := &w.units[ui]
	if d.idPD < 0 || u.t1-u.t0 != 1 || w.toks[u.t0].id != d.idPD || w.toks[u.t0].flags&fUpper == 0 {
		return
	}
	if int(u.t1) >= len(w.toks) || ui+1 >= len(w.units) {
		return
	}
	if n := &w.toks[u.t1]; n.field != u.field || n.flags&(fHard|fSoft) != 0 || n.flags&fTitle == 0 || n.flags&fUpper != 0 || !w.nameWord(ui+1) {
		return
	}
	if ui > 0 && w.units[ui-1].field == u.field && u.flags&(fHard|fSoft) == 0 && !strings.Contains(w.gap(u.t0), "+") {
		if id := w.toks[u.t0-1].id; id < 0 || id != d.idAnd && id != d.idWith && id != d.idOf {
			return
		}
	}
	u.e = d.policeDog
}

var modState = [nMods]uint8{mFormer: stFormer, mFamily: stOther, mClients: stOther, mAspiring: stAspiring, mNegation: stNegated}

// modify applies every modifier and look-alike to what it reaches.
func (w *work) modify() {
	w.handleAliases()
	relatives := false
	relative := false // a family word reached someone's role
	relativeBy := -1
	for ui := range w.units {
		u := &w.units[ui]
		if u.e < 0 {
			continue
		}
		switch e := &w.d.entries[u.e]; {
		case e.emoji:
			// An emoji right after a phrase of the rules illustrates it
			// ("Police wife 👮", "Future officer 👮"): it says nothing.
			if ui > 0 && w.units[ui-1].field == u.field && w.units[ui-1].e >= 0 || w.youth(ui) {
				u.e = -1
			}
		case e.kind == kAbroad:
			w.policeDog(ui)
		case e.kind == kLookalike:
			relatives = relatives || w.d.classes[e.class].relatives
		case e.kind == kAlias || e.kind == kPlace || e.kind == kWeakPlace:
			w.namesake(ui)
		}
	}
	for ui := range w.units {
		e := w.entry(&w.units[ui])
		if e == nil {
			continue
		}
		switch e.kind {
		case kMod:
			st := modState[e.mod]
			var attached, consumed bool
			if e.dir&dirBefore != 0 || relatives && e.dir&dirPossessive != 0 || e.mod == mFamily && w.ofTo(ui) {
				attached, consumed = w.forward(ui, st)
			}
			if !attached && !consumed && (e.dir&dirAfter != 0 || e.dir&dirPossessive != 0 && w.units[ui].flags&fPoss != 0) {
				attached = w.backward(ui, st)
				if attached && e.mod == mClients {
					w.listBefore(ui)
				}
			}
			// "Nurse turned police officer": a former word written after
			// something that is not police looks forward to what is now.
			if !attached && st == stFormer && e.dir&dirAfter != 0 {
				w.markCurrent(ui)
			}
			if attached && e.mod == mClients && w.inTeam(ui) {
				for k := ui + 1; k < len(w.units); k++ {
					if v := &w.units[k]; v.by == int32(ui) && v.state == stOther {
						v.state, v.by = stSelf, -1
					}
				}
			}
			if attached && e.mod == mFamily && !relative {
				relative, relativeBy = true, ui
			}
			// A word that only follows what it changes, finding nothing
			// there, was about something else: it is spent; but one
			// that ends a time of its own ("Left last year.") says it of
			// the owner.
			w.units[ui].used = attached || consumed || e.dir&dirBefore == 0 && !e.ends
		case kLookalike:
			// "Police staff trainer at Lincolnshire Police": right after
			// the owner's role in words of its own, it is that role's
			// job, and where it is done is theirs.
			if !w.jobOf(ui) {
				w.forward(ui, stOther)
			}
			if w.d.classes[e.class].names {
				w.nameOf(ui)
			}
			// "bobby_fan", "Copper supporter": a fan's one word right
			// after a role is of that role.
			if u := &w.units[ui]; w.d.classes[e.class].keepsRanks && u.t1-u.t0 == 1 && ui > 0 && u.flags&(fHard|fSoft) == 0 {
				if p := &w.units[ui-1]; p.field == u.field && p.e >= 0 && w.d.entries[p.e].kind == kRole {
					w.setState(ui-1, stOther, ui)
				}
			}
		case kCurrent, kServing:
			// "Retired police staff, 28 years in Warwickshire Police
			// admin": a length of service is said after leaving too.
			if !e.length {
				w.markCurrent(ui)
			}
		}
	}
	w.ranges()
	w.movedOn()
	w.questions()
	for ui := range w.units {
		if u := &w.units[ui]; u.e >= 0 && w.d.entries[u.e].kind == kRole && u.state == stOther && w.myself(u) {
			u.state, u.by = stSelf, -1
		}
	}
	if relative {
		w.brackets()
		// The police officer emoji in a profile about a relative's role
		// illustrates that role: "👮 my man's in blue".
		for ui := range w.units {
			if u := &w.units[ui]; u.e >= 0 && u.state == stSelf && w.d.entries[u.e].emoji {
				w.setState(ui, stOther, relativeBy)
			}
		}
	}
	// A handle or name that repeats a word of the bio ("married_copper"
	// for "Married to a copper") means what the bio means by it.
	//
	// A role in the handle or name, when the bio names no role or force of
	// its own and is about a trade or a product ("The Custody Sergeant" /
	// "A novel by ... Out now in paperback"), is the name of that thing:
	// brand is that look-alike, -1 for none, -2 when the bio is police.
	w.touched = w.touched[:0]
	brand := int32(-1)
	for ui := range w.units {
		u := &w.units[ui]
		if u.e < 0 {
			continue
		}
		if u.field == fieldBio {
			if u.state != stSelf && w.echo[u.e] < 0 {
				w.echo[u.e] = int32(ui)
				w.touched = append(w.touched, u.e)
			}
			switch e := &w.d.entries[u.e]; e.kind {
			case kRole, kAlias, kHandle, kWeakAlias, kContext, kAbroad:
				// The police a business serves ("Blue light discount 10%
				// for police") are not the bio's own.
				if u.state != stOther {
					brand = -2
				}
			case kLookalike:
				if c := &w.d.classes[e.class]; brand == -1 && u.state == stSelf && !c.keepsRanks && !c.near {
					brand = int32(ui)
				}
			}
			continue
		}
		if k := w.echo[u.e]; k >= 0 && u.state == stSelf {
			u.state, u.by = w.units[k].state, w.units[k].by
		}
	}
	for _, e := range w.touched {
		w.echo[e] = -1
	}
	if brand >= 0 {
		for ui := range w.units {
			if u := &w.units[ui]; u.field != fieldBio && u.state == stSelf && u.e >= 0 && w.d.entries[u.e].kind == kRole {
				u.state, u.by = stOther, brand
			}
		}
	}
	// A role in the handle or name that is a word of a look-alike in the
	// bio means what the bio means: "detective_fic" of "Detective fiction
	// fan".
	for ui := range w.units {
		u := &w.units[ui]
		if u.field == fieldBio || u.state != stSelf || u.e < 0 || w.d.entries[u.e].kind != kRole {
			continue
		}
		id := w.toks[u.t0].id
		for k := range w.units {
			v := &w.units[k]
			if v.field != fieldBio || v.e < 0 || w.d.entries[v.e].kind != kLookalike {
				continue
			}
			for t := v.t0; t < v.t1; t++ {
				if w.toks[t].id == id {
					u.state, u.by = stOther, int32(k)
				}
			}
		}
	}
}
