package sim

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A template is text with {slot} placeholders. A slot is either a filler
// (a list of alternatives in fillers, themselves templates) or a context
// slot filled from the account (its town, its force, its family). Templates
// are parsed once, at package initialisation, into phrases so that rendering
// a post is a walk over parts with no parsing and no regexp.

type part struct {
	lit  string
	slot int // index into lex.slots, or -1 for a literal
}

type phrase []part

type slot struct {
	name string
	alts []phrase                    // filler alternatives
	ctx  func(*persona, *rng) string // context slot, when alts is nil
}

type lexicon struct {
	ids   map[string]int
	slots []slot
}

// ctxSlots are the slots filled from the account.
var ctxSlots = map[string]func(*persona, *rng) string{
	"town": func(p *persona, _ *rng) string { return p.town },
	"town2": func(p *persona, r *rng) string {
		if p.force >= 0 {
			return pick(r, forces[p.force].towns)
		}
		return p.town
	},
	"force":  func(p *persona, _ *rng) string { return p.forceName() },
	"fshort": func(p *persona, _ *rng) string { return p.forceShort() },
	"ftag": func(p *persona, r *rng) string {
		if p.force >= 0 && p.named {
			return forces[p.force].tag
		}
		return pick(r, fillers["tag"])
	},
	"otag": func(p *persona, _ *rng) string {
		if p.other >= 0 {
			return otherForces[p.other].tag
		}
		return "#police"
	},
	"footy":   func(p *persona, _ *rng) string { return p.footy },
	"me":      func(p *persona, _ *rng) string { return p.first },
	"partner": func(p *persona, _ *rng) string { return p.partner },
	"kid":     func(p *persona, _ *rng) string { return p.kid },
	"dog":     func(p *persona, _ *rng) string { return p.dog },
	"team":    func(p *persona, _ *rng) string { return teamLabel[p.team] },
	"corp": func(p *persona, _ *rng) string {
		if p.force >= 0 {
			return "@" + forces[p.force].tw
		}
		return "@policeuk"
	},
}

func newLexicon() *lexicon {
	x := &lexicon{ids: map[string]int{}}
	for name, fn := range ctxSlots {
		x.ids[name] = len(x.slots)
		x.slots = append(x.slots, slot{name: name, ctx: fn})
	}
	for name := range fillers {
		x.ids[name] = len(x.slots)
		x.slots = append(x.slots, slot{name: name})
	}
	for name, alts := range fillers {
		id := x.ids[name]
		x.slots[id].alts = x.parseAll(alts)
	}
	return x
}

func (x *lexicon) parseAll(ts []string) []phrase {
	out := make([]phrase, len(ts))
	for i, t := range ts {
		out[i] = x.parse(t)
	}
	return out
}

// parse splits a template into literal and slot parts. An unknown slot is
// kept as literal text; the tests render every template and fail on any
// brace left over, so a typo cannot ship.
func (x *lexicon) parse(t string) phrase {
	var ph phrase
	for t != "" {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			ph = append(ph, part{lit: t, slot: -1})
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			ph = append(ph, part{lit: t, slot: -1})
			break
		}
		if i > 0 {
			ph = append(ph, part{lit: t[:i], slot: -1})
		}
		name := t[i+1 : i+j]
		if id, ok := x.ids[name]; ok {
			ph = append(ph, part{slot: id})
		} else {
			ph = append(ph, part{lit: t[i : i+j+1], slot: -1})
		}
		t = t[i+j+1:]
	}
	return ph
}

// render writes ph into b, filling slots for persona p with r.
func (x *lexicon) render(b *strings.Builder, ph phrase, p *persona, r *rng, depth int) {
	for _, pt := range ph {
		if pt.slot < 0 {
			b.WriteString(pt.lit)
			continue
		}
		s := &x.slots[pt.slot]
		if s.alts == nil {
			b.WriteString(s.ctx(p, r))
			continue
		}
		alt := s.alts[r.intn(len(s.alts))]
		if depth > 4 {
			// Fillers nest at most a level or two; this only guards
			// against a filler that names itself.
			continue
		}
		x.render(b, alt, p, r, depth+1)
	}
}

// text renders ph as a finished post: first letter capitalised (unless it
// opens with a handle or hashtag), surrounding space trimmed.
func (x *lexicon) text(ph phrase, p *persona, r *rng) string {
	var b strings.Builder
	b.Grow(160)
	x.render(&b, ph, p, r, 0)
	return finish(b.String())
}

func finish(s string) string {
	s = strings.TrimSpace(s)
	c, n := utf8.DecodeRuneInString(s)
	if unicode.IsLower(c) {
		s = string(unicode.ToUpper(c)) + s[n:]
	}
	return s
}

// compiled banks, parsed once.
type badPhrase struct {
	ph   phrase
	cats []string
}

var (
	lex          = newLexicon()
	ordinaryP    = compileMap(ordinary)
	lookalikeP   = compileMap(lookalike)
	foreignP     = lex.parseAll(foreignBank)
	repostCorpP  = lex.parseAll(repostCorp)
	badRepostP   = compileMap(badRepost)
	badP         = compileBad(bad)
	dualP        = compileBad(dual)
	topicWeights = compileTopics(roleTopics)
)

func compileMap(m map[string][]string) map[string][]phrase {
	out := make(map[string][]phrase, len(m))
	for k, ts := range m {
		out[k] = lex.parseAll(ts)
	}
	return out
}

func compileBad(m map[string][]badTemplate) map[string][]badPhrase {
	out := make(map[string][]badPhrase, len(m))
	for cat, ts := range m {
		for _, t := range ts {
			cats := t.cats
			if len(cats) == 0 {
				cats = catSlice(cat)
			}
			out[cat] = append(out[cat], badPhrase{ph: lex.parse(t.text), cats: cats})
		}
	}
	return out
}

// catSlice returns a shared one-element slice for a category, so that
// thousands of posts do not each allocate their own.
func catSlice(cat string) []string {
	for i, c := range Categories {
		if c == cat {
			return singleCats[i : i+1 : i+1]
		}
	}
	return []string{cat}
}

var singleCats = []string{Offensive, Procedure, Negativity, Political}

// topicTable is a weighted list of ordinary topics in a fixed order, so the
// draw does not depend on map iteration order.
type topicTable struct {
	names   []string
	weights []int
}

func compileTopics(m map[string]map[string]int) map[string]topicTable {
	out := make(map[string]topicTable, len(m))
	for team, w := range m {
		var t topicTable
		for _, name := range sortedKeys(w) {
			t.names = append(t.names, name)
			t.weights = append(t.weights, w[name])
		}
		out[team] = t
	}
	return out
}
