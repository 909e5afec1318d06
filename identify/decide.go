package identify

import (
	"fmt"
	"sort"
	"strings"
)

// facts are what the units of one profile say, before any decision.
type facts struct {
	context     bool // a police word the owner uses of themselves
	workContext bool // police work the owner names ("response"), a police word for other roles
	abroadTerm  bool // a police word from abroad
	selfForce   bool // names a force as theirs
	anyRole     bool // a role in any state
	strongRole  bool // a strong role of their own
	ukPlace     bool // a town of a UK force area
	anyForce    bool // a force named in any state
	police      bool // the profile is about policing at all
	serving     int  // first serving phrase of their own, or -1
	selfRole    int  // the role they claim now, or -1
	current     bool // a role of theirs marked "now"
	nowForce    int  // a force of theirs after "now" ("ex-Met, now Sussex Police"), or -1
	forceItem   int  // a force named as the bio's first item ("Port of Tilbury Police. Essex docks."), or -1
	formerRole  int  // a role they held, or -1
	formerClaim int  // a phrase that says former police on its own, or -1
	formerProf  int  // a profile-wide former phrase or dangling modifier, or -1
	formerForce int  // a force they were in, or -1
	// sense: a look-alike of their own that gives a bare rank another
	// sense ("Sergeant, Royal Marines", "Superintendent pharmacist"), or a
	// police word from abroad; senseBefore: one they had ("ex-army
	// sergeant"), which a rank held now overrides ("ex-army, now a PC").
	sense, senseBefore bool
}

func (d *Detector) decide(w *work, p Profile, lines *[]string) Result {
	d.prepare(w, p)
	w.modify()
	f := w.facts()
	if lines != nil {
		w.explainUnits(lines)
	}
	r := d.verdict(w, &f, p)
	r.Evidence = w.evidence()
	if lines != nil {
		msg := fmt.Sprintf("decision: %s", r.Status)
		if r.InScope {
			msg += ", in scope, force " + r.Force
		} else {
			msg += ", out of scope: " + r.Reason
		}
		*lines = append(*lines, msg)
	}
	return r
}

func (w *work) facts() facts {
	f := facts{serving: -1, nowForce: -1, forceItem: -1, selfRole: -1, formerRole: -1, formerClaim: -1, formerProf: -1, formerForce: -1}
	units := w.units
	d := w.d
	for i := range units {
		u := &units[i]
		e := w.entry(u)
		if e == nil {
			continue
		}
		switch e.kind {
		case kContext:
			f.police = true
			if u.state == stSelf {
				f.context = true
			}
		case kAbroad:
			f.police = true
			if u.state == stSelf {
				f.context, f.abroadTerm, f.sense = true, true, true
			}
		case kLookalike:
			if c := &d.classes[e.class]; !c.keepsRanks && (!c.near || w.nearRole(i)) {
				switch u.state {
				case stSelf:
					// "Ex-cop. Now private investigator.": what they
					// moved on to says nothing of the rank they held.
					f.sense = f.sense || !w.movedTo(i)
				case stFormer:
					f.senseBefore = true
				}
			}
		case kAlias, kHandle:
			f.police, f.anyForce = true, true
			if u.state == stSelf {
				f.selfForce = true
				if u.current && f.nowForce < 0 {
					f.nowForce = i
				}
			}
		case kRole:
			// "army_sgt_major": a rank a look-alike gives another sense
			// says nothing about the police.
			if u.state == stOther && u.by >= 0 && w.entry(&units[u.by]).kind == kLookalike && !d.classes[w.entry(&units[u.by]).class].keepsRanks {
				continue
			}
			f.anyRole, f.police = true, true
			if u.state == stSelf && e.strong {
				f.strongRole = true
			}
			// Police work is a police word for other roles too:
			// "Skipper. Response.".
			if u.state == stSelf && e.work {
				f.workContext = true
			}
		case kPlace, kWeakPlace:
			if !d.forces[e.force].Abroad {
				f.ukPlace = true
			}
		case kNotPlace:
			// "Geordie bobby": where someone is from, or their club,
			// names no force but is as British as a town.
			f.ukPlace = true
		case kServing:
			if u.state == stSelf && f.serving < 0 {
				f.serving = i
			}
		case kCorporate:
			// "Neighbourhood policing team sergeant": police words inside.
			if e.police && u.state == stSelf {
				f.context, f.police = true, true
			}
		case kFormer:
			if e.strong {
				// "Left the police", "ex-job": about policing, like a police word.
				f.police, f.context = true, true
				if f.formerClaim < 0 {
					f.formerClaim = i
				}
			} else if f.formerProf < 0 {
				f.formerProf = i
			}
			if e.police {
				f.police = true
			}
		}
	}
	for i := range units {
		u := &units[i]
		e := w.entry(u)
		if e == nil {
			continue
		}
		switch {
		case e.kind == kWeakAlias && w.weakAliasOK(i, &f):
			f.police, f.anyForce = true, true
			if u.state == stSelf {
				f.selfForce = true
				if u.current && f.nowForce < 0 {
					f.nowForce = i
				}
			}
		case e.kind == kMod && e.mod == mFormer && !u.used && f.formerProf < 0 && !w.aboutOthers(i) && w.handleEx(i):
			f.formerProf = i
		}
	}
	for i := range units {
		u := &units[i]
		e := w.entry(u)
		if e == nil {
			continue
		}
		switch e.kind {
		case kRole:
			if !w.validRole(i, e, &f) {
				continue
			}
			switch u.state {
			case stSelf:
				// "Started as a PCSO, now a DC": the role held now.
				if f.selfRole < 0 || u.current && !units[f.selfRole].current ||
					u.current == units[f.selfRole].current && w.saysMore(e, w.entry(&units[f.selfRole])) {
					f.selfRole = i
				}
				if u.current {
					f.current = true
				}
			case stFormer:
				if f.formerRole < 0 {
					f.formerRole = i
				}
			}
		case kAlias, kHandle, kWeakAlias, kContext:
			if u.state == stFormer && f.formerForce < 0 && !e.group && (e.kind != kWeakAlias || w.weakAliasOK(i, &f)) {
				f.formerForce = i
			}
		}
	}
	// "Retired from West Midlands Police after 22 years as a civilian
	// fingerprint examiner": a role in the sentence that names the force
	// the owner left is the role they held there.
	if f.formerForce >= 0 && f.formerRole < 0 && f.selfRole < 0 && units[f.formerForce].field == fieldBio {
		lo, hi := w.sentence(f.formerForce)
		for k := lo; k < hi; k++ {
			if e := w.entry(&units[k]); e != nil && e.kind == kRole && units[k].state == stSelf && !e.emoji && !e.work && !e.outright {
				f.formerRole = k
				break
			}
		}
	}
	if !f.police {
		f.formerProf = -1
	}
	// The bio says more than a handle: "DC in the Met" is not undone by a
	// handle "met_dc_rtd_dad" that echoes a relative's retirement.
	if f.selfRole >= 0 && units[f.selfRole].field == fieldBio && f.formerRole >= 0 && units[f.formerRole].field != fieldBio {
		f.formerRole = -1
	}
	// "30 yrs in the job. Now I just walk the dog."
	if w.movedAt >= 0 && f.police && f.formerProf < 0 {
		f.formerProf = int(w.movedAt)
	}
	return f
}

// forceItem returns the force a bio names as its first item, standing
// alone, as people name where they work ("Port of Tilbury Police. Essex
// docks."), or -1. A profile with a look-alike or someone else's words in
// it may name a force for other reasons.
func (w *work) forceItem() int {
	units := w.units
	first := -1
	for i := range units {
		u := &units[i]
		if u.e < 0 {
			continue
		}
		if e := &w.d.entries[u.e]; u.state != stSelf || e.kind == kLookalike || e.kind == kMod && e.mod == mFamily {
			return -1
		}
		if first < 0 && u.field == fieldBio {
			first = i
		}
	}
	if first < 0 || units[first].flags&fHard == 0 || w.toks[units[first].t0].start != w.bioStart() {
		return -1
	}
	if e := w.entry(&units[first]); e.kind != kAlias && e.kind != kHandle {
		return -1
	}
	if k := first + 1; k < len(units) && units[k].field == fieldBio && units[k].flags&(fHard|fSoft) == 0 {
		return -1
	}
	return first
}

// bioStart returns the offset of the bio's first word.
func (w *work) bioStart() int32 {
	for t := range w.toks {
		if w.toks[t].field == fieldBio {
			return w.toks[t].start
		}
	}
	return -1
}

// saysMore reports whether role e says more than role cur: a role in words
// more than "works in policing" or an emoji.
func (w *work) saysMore(e, cur *entry) bool {
	// Staff say so to set a weak word straight: "investigator (police
	// staff)" is staff.
	return e.role != Unknown && (cur.role == Unknown || cur.emoji && !e.emoji ||
		e.role == Staff && (e.strong || e.outright) && !cur.strong && !cur.outright)
}

// movedTo reports whether unit i follows a "now" in its sentence that
// moved on from the police ("now a private investigator").
func (w *work) movedTo(i int) bool {
	units := w.units
	for k := i - 1; k >= 0 && units[k].field == units[i].field; k-- {
		if units[k].moved {
			return true
		}
		if units[k].flags&fHard != 0 {
			break
		}
	}
	return false
}

// handleEx: a former word left over at the end of a handle
// ("served_then_left") is about the owner, unless it follows what the
// owner is now: the coach of "interview_coach_ex".
func (w *work) handleEx(i int) bool {
	units := w.units
	if units[i].field != fieldHandle {
		return true
	}
	for k := i - 1; k >= 0 && units[k].field == fieldHandle; k-- {
		if e := w.entry(&units[k]); e != nil && e.kind == kLookalike {
			return false
		}
	}
	return true
}

// aboutOthers reports whether the sentence around unit i is about someone
// else's role ("My dad was a DC too (rtd)"), so that a loose "rtd" in it is
// not the owner's.
func (w *work) aboutOthers(i int) bool {
	units := w.units
	lo, hi := w.sentence(i)
	for k := lo; k < hi; k++ {
		if units[k].state == stOther {
			return true
		}
	}
	return false
}

// sentence returns the units of the sentence around unit i, from lo up
// to hi.
func (w *work) sentence(i int) (lo, hi int) {
	units := w.units
	same := func(k int) bool { return units[k].field == units[i].field }
	lo, hi = i, i+1
	for lo > 0 && units[lo].flags&fHard == 0 && same(lo-1) {
		lo--
	}
	for hi < len(units) && units[hi].flags&fHard == 0 && same(hi) {
		hi++
	}
	return lo, hi
}

// weakAliasOK: "Met" names the force only in a profile about policing, or
// right after a serving phrase ("proud member of the Met").
func (w *work) weakAliasOK(i int, f *facts) bool {
	units := w.units
	u := &units[i]
	if f.anyRole || f.context || f.selfForce || u.state == stFormer {
		return true
	}
	for k := i - 1; k >= 0 && units[k].field == u.field; k-- {
		if units[k+1].flags&fHard != 0 {
			return false
		}
		e := w.entry(&units[k])
		if e == nil && w.word(&units[k])&wSkip != 0 {
			continue
		}
		return e != nil && e.kind == kServing
	}
	return false
}

// validRole: a weak role ("PC", "sergeant") needs support. A role the owner
// held, or someone else holds, may lean on a force named in the same way
// ("Ex-GMP PC").
func (w *work) validRole(i int, e *entry, f *facts) bool {
	u := &w.units[i]
	// "Roads Policing Unit", "CID office": police work naming a team;
	// "incident response": another trade's work.
	if e.work && (!w.workAlone(i) || !w.itemHead(i)) {
		return false
	}
	// "Police wife and a PC myself"; "PC by day, PC gamer by night".
	if u.state == stSelf && (w.myself(u) || w.byDay(u)) {
		return true
	}
	// "Investigator (staff)", "Kent Police staff.", but "officers and
	// staff", "door staff", "thanks to Kent Police staff".
	if e.outright {
		if i == 0 || w.units[i-1].field != u.field || u.flags&fHard != 0 {
			return false
		}
		switch pe := w.entry(&w.units[i-1]); {
		case pe == nil:
			return false
		case pe.kind == kRole:
		case pe.kind != kAlias && pe.kind != kWeakAlias && pe.kind != kHandle || u.flags&fSoft != 0:
			return false
		// "Former Kent Police staff": the modifier before the force
		// reaches both.
		case !w.itemStart(i-1) && (u.state == stSelf || u.by < 0 || w.units[i-1].by != u.by):
			return false
		}
	}
	if e.strong || f.selfForce || f.context || f.workContext && !e.work || f.strongRole || (u.state != stSelf && f.anyForce) {
		return true
	}
	if e.bare && !f.sense && !f.senseBefore && w.handleRank(i, e) {
		return true
	}
	first := &w.toks[u.t0]
	// "PC... that's Practice Coordinator": capitals spelled out as other words.
	if e.caps && w.spelledOut(i) {
		return false
	}
	if e.bare && !f.sense && (!f.senseBefore || u.current) && (!e.caps || w.capitals(u)) && w.bareOK(i, f) {
		return true
	}
	// "30 years a bobby, now a full-time grandad", "Sergeant 1990-2020":
	// a rank with a length of service; "Retired sergeant.": a bare rank
	// held formerly, standing as the item.
	if (e.bare || e.role == Officer) && u.state == stFormer && u.by >= 0 && !f.sense && !f.senseBefore &&
		(w.units[u.by].moved || w.year(&w.units[u.by]) || e.bare && w.itemEnd(i) && w.itemHead(i) && u.field != fieldHandle) {
		return true
	}
	// "PC Smith" as a display name: a rank and a surname.
	if u.field == fieldName && first.flags&fUpper != 0 && int(u.t1) < len(w.toks) {
		if next := &w.toks[u.t1]; next.field == fieldName && next.flags&(fHard|fSoft) == 0 &&
			next.flags&fTitle != 0 && w.nameWord(i+1) && e.role == Officer {
			return true
		}
	}
	// "Ex-DCI": an abbreviated rank someone held.
	if u.state == stFormer && first.flags&fUpper != 0 {
		return true
	}
	if !f.ukPlace {
		return false
	}
	// With a town of a force area: a rank in capitals ("PC. Hull."), one
	// held formerly ("Retired Inspector, Preston"), one standing alone as
	// an item ("Cop. Dad. Bradford.") or one with an article ("just a
	// bobby").
	if first.flags&fUpper != 0 && w.itemEnd(i) || u.state == stFormer {
		return true
	}
	// Standing alone or after an article, only a rank: "Analyst. Leeds."
	// says nothing about the police. "Special in Reading" does.
	if e.role != Officer && e.role != Special {
		return false
	}
	// "Cop in Leeds": a rank, then in or at a town of a force area.
	if k := i + 1; k+1 < len(w.units) && w.units[k].field == u.field && w.units[k+1].field == u.field &&
		w.units[k].flags&fHard == 0 && w.units[k+1].flags&fHard == 0 && w.units[k].e < 0 && w.word(&w.units[k])&wSkip != 0 {
		if pe := w.entry(&w.units[k+1]); pe != nil && (pe.kind == kPlace || pe.kind == kWeakPlace) && !w.d.forces[pe.force].Abroad {
			return true
		}
	}
	if first.flags&fHard != 0 && (int(u.t1) == len(w.toks) || w.toks[u.t1].flags&fHard != 0 || w.toks[u.t1].field != first.field) {
		return true
	}
	if u.t0 > 0 {
		prev := &w.toks[u.t0-1]
		if prev.field == first.field && prev.flags&fHard == 0 && (prev.id == w.d.idA || prev.id == w.d.idAn) && prev.id >= 0 {
			return true
		}
	}
	return false
}

// handleRank reports whether a bare rank in the handle is run together
// with a town or force of the owner's ("pc_jamal_kent", "HumbersidePC",
// "SurreyPolSgt"), which says what "PC. Kent." would in a bio. Slang needs
// the place right before it ("derbycop", "pompey_plod"): "bobby_hull" is
// a Bobby.
func (w *work) handleRank(i int, e *entry) bool {
	units := w.units
	u := &units[i]
	if u.field != fieldHandle || u.state != stSelf {
		return false
	}
	place := func(k int) bool {
		pe := w.entry(&units[k])
		return pe != nil && (pe.kind == kPlace || pe.kind == kAlias || pe.kind == kHandle) && !w.d.forces[pe.force].Abroad
	}
	if e.slang {
		return i > 0 && units[i-1].field == fieldHandle && place(i-1)
	}
	for k := range units {
		if units[k].field == fieldHandle && k != i && place(k) {
			return true
		}
	}
	return false
}

// workAlone reports whether police work at unit i ends its item or is
// placed ("Response in Stoke", "CID, Leeds"), not the first part of a
// team's name ("Roads Policing Unit", "CID office") or of a sentence
// ("response was quick").
func (w *work) workAlone(i int) bool {
	units := w.units
	if i+1 >= len(units) || units[i+1].field != units[i].field || units[i+1].flags&(fHard|fSoft) != 0 {
		return true
	}
	if e := w.entry(&units[i+1]); e != nil {
		return e.kind != kCorporate && e.kind != kLookalike && e.kind != kMod
	}
	id := w.toks[units[i+1].t0].id
	return units[i+1].t1-units[i+1].t0 == 1 && id >= 0 && (id == w.d.idIn || id == w.d.idAt || id == w.d.idWith || id == w.d.idFor || id == w.d.idOn)
}

// byDay reports whether role unit u is followed by "by day": the owner's
// day job, whatever they are by night.
func (w *work) byDay(u *unit) bool {
	t := int(u.t1)
	if t+1 >= len(w.toks) {
		return false
	}
	a, b := &w.toks[t], &w.toks[t+1]
	return a.field == u.field && b.field == u.field && a.flags&fHard == 0 && b.flags&(fHard|fSoft) == 0 &&
		a.id == w.d.idBy && b.id == w.d.idDay
}

// spelledOut reports whether a rank in capitals is an abbreviation the
// profile spells out as other words: "PC (Practice Coordinator)", "PC...
// that's Practice Coordinator", "Phil Clarke (PC)". The words must say so:
// "PC Phil Clarke" is a rank and a name.
func (w *work) spelledOut(i int) bool {
	u := &w.units[i]
	if u.t1-u.t0 != 1 {
		return false
	}
	rt := &w.toks[u.t0]
	text := w.texts[u.field]
	abbr := text[rt.start:rt.end]
	if len(abbr) < 2 || len(abbr) > 4 {
		return false
	}
	for t := int(u.t1); t < len(w.toks) && t <= int(u.t1)+4 && w.toks[t].field == u.field; t++ {
		if !w.initials(t, abbr) {
			continue
		}
		gap := text[rt.end:w.toks[t].start]
		if strings.ContainsAny(gap, "(=") {
			return true
		}
		var b [24]byte
		n := 0
		for k := 0; k < len(gap) && n < len(b); k++ {
			if c := gap[k] | 0x20; c >= 'a' && c <= 'z' {
				b[n] = c
				n++
			}
		}
		switch string(b[:n]) {
		case "thats", "thatis", "ie", "aka", "asin", "standsfor", "meaning", "whichis", "shortfor":
			return true
		}
		return false
	}
	if t := int(u.t0) - len(abbr); t >= 0 && w.toks[t].field == u.field && w.initials(t, abbr) {
		return strings.Contains(text[w.toks[u.t0-1].end:rt.start], "(")
	}
	return false
}

// initials reports whether the words from token t on start with the
// letters of abbr, one each, capitalised, with nothing between them, and
// are no phrase of the rules ("Police Constable" is what PC means).
func (w *work) initials(t int, abbr string) bool {
	if t+len(abbr) > len(w.toks) {
		return false
	}
	field := w.toks[t].field
	for k := 0; k < len(abbr); k++ {
		tk := &w.toks[t+k]
		if tk.field != field || tk.flags&fTitle == 0 || k > 0 && tk.flags&(fHard|fSoft) != 0 || tk.end-tk.start < 2 {
			return false
		}
		if c := w.texts[field][tk.start] | 0x20; c != abbr[k]|0x20 || w.policeWord(t+k) {
			return false
		}
	}
	return true
}

// policeWord reports whether token t is in a role, police word or force
// name of the rules.
func (w *work) policeWord(t int) bool {
	units := w.units
	k := sort.Search(len(units), func(k int) bool { return int(units[k].t1) > t })
	if k == len(units) {
		return false
	}
	switch e := w.entry(&units[k]); {
	case e == nil:
		return false
	default:
		switch e.kind {
		case kRole, kContext, kAlias, kWeakAlias, kHandle:
			return true
		}
	}
	return false
}

// capitals reports whether every word of unit u is in capitals.
func (w *work) capitals(u *unit) bool {
	for t := u.t0; t < u.t1; t++ {
		if w.toks[t].flags&fUpper == 0 {
			return false
		}
	}
	return true
}

// bareOK: a bare rank ("Sergeant", "DC", "999 call handler") counts when
// it is how the owner describes themselves, not part of another name:
// a title before a surname in the display name ("Inspector Rowe"); or an
// item of its own ("Sergeant · rugby · dogs", "Dad, sergeant, runner")
// or followed only by what places it ("DC in the public protection
// unit"); or anywhere with a town of a force area, unless another name
// follows it ("Sergeant Pepper", "SC Freiburg", "Superintendent
// pharmacist").
func (w *work) bareOK(i int, f *facts) bool {
	units := w.units
	u := &units[i]
	if u.field != fieldBio && u.field != fieldName {
		return false // a handle runs words together: "ret_insp"
	}
	if u.field == fieldName && !w.entry(u).slang && w.toks[u.t0].flags&(fTitle|fUpper) != 0 && int(u.t1) < len(w.toks) {
		if next := &w.toks[u.t1]; next.field == fieldName && next.flags&(fHard|fSoft) == 0 &&
			next.flags&fTitle != 0 && w.nameWord(i+1) {
			return true
		}
	}
	if !w.itemEnd(i) || !w.itemHead(i) || w.employer(i) {
		return false
	}
	return f.ukPlace || w.itemStart(i)
}

// employer reports whether a bare rank is someone else's job title:
// "Inspector at the Health and Safety Executive", "Superintendent with
// Acme": "at" or "with", then a name the rules do not know. "Sergeant in
// Wigton" is a town the rules lack, not an employer.
func (w *work) employer(i int) bool {
	units := w.units
	k := i + 1
	if k >= len(units) || units[k].field != units[i].field || units[k].flags&(fHard|fSoft) != 0 || units[k].e >= 0 {
		return false
	}
	if id := w.toks[units[k].t0].id; id < 0 || (id != w.d.idAt && id != w.d.idWith) {
		return false
	}
	for k++; k < len(units) && units[k].field == units[i].field && units[k].flags&(fHard|fSoft) == 0; k++ {
		if units[k].e >= 0 {
			return false
		}
		if w.word(&units[k])&wSkip != 0 {
			continue
		}
		return w.toks[units[k].t0].flags&(fTitle|fUpper) != 0 && w.toks[units[k].t0].flags&fNum == 0
	}
	return false
}

// itemHead reports whether unit i is not the tail of another trade's name:
// "gas safety inspector", "building control inspector" and "site
// superintendent" put an unknown word right before the rank.
func (w *work) itemHead(i int) bool {
	units := w.units
	if i == 0 || units[i-1].field != units[i].field || units[i].flags&(fHard|fSoft) != 0 {
		return true
	}
	prev := &units[i-1]
	if prev.e >= 0 {
		return true
	}
	// "30 yrs CID": a length of service before the rank.
	return w.word(prev)&(wSkip|wStop|wPersonal|wRankTitle|wDuration) != 0 || w.toks[prev.t0].flags&fNum != 0
}

// itemStart reports whether unit i starts a sentence or list item, after
// nothing but skip words ("I'm a", "proud"), words of a police job title
// ("Rural", "Team") or other words the rules know ("now", "Met").
func (w *work) itemStart(i int) bool {
	units := w.units
	for k := i; ; k-- {
		if units[k].flags&(fHard|fSoft) != 0 || k == 0 || units[k-1].field != units[i].field {
			return true
		}
		prev := &units[k-1]
		if e := w.entry(prev); e != nil {
			if e.kind == kLookalike || e.kind == kMod || e.kind == kRole || e.kind == kNotPlace {
				return false
			}
		} else if w.word(prev)&(wSkip|wRankTitle|wDuration) == 0 && w.toks[prev.t0].flags&fNum == 0 {
			// "30 yrs CID": a length of service may come first.
			return false
		}
	}
}

// itemEnd reports whether unit i ends its item, or what follows it is
// something the rules know ("Sergeant in Leeds", "DC, CID") or a word in
// lower case ("Sergeant living in Leeds") rather than another name
// ("Sergeant Pepper", "SC Braga") or a number ("COP28").
func (w *work) itemEnd(i int) bool {
	units := w.units
	if i+1 >= len(units) {
		return true
	}
	next := &units[i+1]
	if next.field != units[i].field || next.flags&(fHard|fSoft) != 0 {
		return true
	}
	if e := w.entry(next); e != nil {
		return e.kind != kLookalike && e.kind != kNotPlace
	}
	if w.word(next)&(wSkip|wStop|wPersonal) != 0 {
		return true
	}
	return next.flags&(fTitle|fUpper|fNum) == 0
}

func (d *Detector) verdict(w *work, f *facts, p Profile) Result {
	units := w.units
	no := func(st Status, reason string) Result {
		return Result{Status: st, Role: Unknown, Reason: reason}
	}
	// Parody and disclaimers reject whatever else the profile says, but
	// not after the owner's own serving phrase in the same sentence:
	// "Tweets personal, not official" says the account is a person's.
	for i := range units {
		if e := w.entry(&units[i]); e != nil && e.kind == kLookalike && d.classes[e.class].override && !w.afterServing(i) {
			w.ev = append(w.ev, int32(i))
			return no(NotPolice, d.classes[e.class].reason)
		}
	}
	if f.selfRole < 0 {
		for i := range units {
			if u := &units[i]; u.state == stNegated {
				w.ev = append(w.ev, u.by, int32(i))
				return no(NotPolice, d.modReason[mNegation])
			}
		}
	}

	best, explicit := w.vote(f)
	// "12 yrs Kent Police, now Ministry of Defence Police": the force after
	// "now" is the one served now, whatever else names the one before.
	if f.nowForce >= 0 {
		best, explicit = int(w.entry(&units[f.nowForce]).force), true
	}
	abroad := best == len(d.forces) || best >= 0 && d.forces[best].Abroad && !d.forces[best].InScope
	if f.abroadTerm && !(explicit && best >= 0 && best < len(d.forces) && !d.forces[best].Abroad) {
		abroad = true
	}

	if w.corporate(p) {
		if abroad {
			return no(NotPolice, ReasonAbroad)
		}
		if office := w.office(); office >= 0 {
			w.ev = append(w.ev, int32(office))
			return no(NotPolice, d.classes[w.entry(&units[office]).class].reason)
		}
		return no(Corporate, ReasonCorporate)
	}

	claim := f.selfRole >= 0 || (f.selfForce && f.serving >= 0) || f.nowForce >= 0
	if !claim && f.selfForce {
		f.forceItem = w.forceItem()
		claim = f.forceItem >= 0
	}
	strongFormer := f.formerRole >= 0 || f.formerClaim >= 0 || f.formerProf >= 0
	switch {
	case claim && (f.current || f.nowForce >= 0 || !strongFormer):
		r := Result{Status: Serving, Role: Unknown}
		switch {
		case f.selfRole >= 0:
			r.Role = w.entry(&units[f.selfRole]).role
			w.ev = append(w.ev, int32(f.selfRole))
		case f.serving >= 0:
			w.ev = append(w.ev, int32(f.serving))
		case f.forceItem >= 0:
			w.ev = append(w.ev, int32(f.forceItem))
		default:
			w.ev = append(w.ev, int32(f.nowForce))
		}
		if abroad {
			w.voteEvidence(best)
			return no(NotPolice, ReasonAbroad)
		}
		if best >= 0 && !d.forces[best].InScope {
			w.voteEvidence(best)
			r.Reason = ReasonNotInRules
			return r
		}
		r.InScope, r.Force = true, "unknown"
		if best >= 0 {
			r.Force = d.forces[best].Name
			w.voteEvidence(best)
		}
		return r
	case strongFormer || f.formerForce >= 0:
		// A former officer living abroad ("retired in Spain") is not police
		// abroad: only a force or police word from abroad says so.
		if abroad && (explicit || f.abroadTerm) {
			w.voteEvidence(best)
			return no(NotPolice, ReasonAbroad)
		}
		// "Retired NYPD detective": the force they left is abroad.
		if i := f.formerForce; i >= 0 {
			if e := w.entry(&units[i]); e.kind != kContext && d.forces[e.force].Abroad && !d.forces[e.force].InScope {
				w.ev = append(w.ev, int32(i))
				return no(NotPolice, ReasonAbroad)
			}
		}
		r := no(Former, ReasonFormer)
		for _, i := range []int{f.formerRole, f.formerClaim, f.formerProf, f.formerForce} {
			if i >= 0 {
				if by := units[i].by; by >= 0 {
					w.ev = append(w.ev, by)
				}
				w.ev = append(w.ev, int32(i))
			}
		}
		switch {
		case f.formerRole >= 0:
			r.Role = w.entry(&units[f.formerRole]).role
		case f.selfRole >= 0:
			r.Role = w.entry(&units[f.selfRole]).role
		}
		return r
	}
	if abroad && f.police {
		w.voteEvidence(best)
		return no(NotPolice, ReasonAbroad)
	}
	return no(NotPolice, w.rejection(f))
}

// office returns the unit naming the account, in the display name or
// handle, as an office that is not a force's (a commissioner's), or -1.
func (w *work) office() int {
	for i := range w.units {
		u := &w.units[i]
		if u.field != fieldName && u.field != fieldHandle {
			continue
		}
		if e := w.entry(u); e != nil && e.kind == kLookalike && w.d.classes[e.class].offices {
			return i
		}
	}
	return -1
}

// afterServing reports whether unit i follows a serving phrase of the
// owner's, in the first person, in its sentence ("views my own, not
// official", "tweets personal, not official").
func (w *work) afterServing(i int) bool {
	units := w.units
	for k := i - 1; k >= 0 && units[k].field == units[i].field && units[k+1].flags&fHard == 0; k-- {
		if e := w.entry(&units[k]); e == nil || e.kind != kServing || units[k].state != stSelf {
			continue
		}
		for t := units[k].t0; t < units[k].t1; t++ {
			if id := w.toks[t].id; id >= 0 && w.d.wordFlags[id]&wPersonal != 0 {
				return true
			}
		}
	}
	return false
}

// rejection says why a profile that claims no police role of its own is out:
// whose role it mentions, or which look-alike it is.
func (w *work) rejection(f *facts) string {
	d := w.d
	for i := range w.units {
		u := &w.units[i]
		e := w.entry(u)
		if e == nil || !subject(e.kind) || (u.state != stOther && u.state != stAspiring) || u.by < 0 {
			continue
		}
		w.ev = append(w.ev, u.by, int32(i))
		switch be := w.entry(&w.units[u.by]); {
		case be.kind == kLookalike:
			return d.classes[be.class].reason
		default:
			return d.modReason[be.mod]
		}
	}
	for i := range w.units {
		if e := w.entry(&w.units[i]); e != nil && e.kind == kLookalike && (!d.classes[e.class].near || w.nearRole(i)) {
			w.ev = append(w.ev, int32(i))
			return d.classes[e.class].reason
		}
	}
	if f.police {
		for i := range w.units {
			if e := w.entry(&w.units[i]); e != nil && e.kind == kMod && e.mod == mAspiring {
				w.ev = append(w.ev, int32(i))
				return d.modReason[mAspiring]
			}
		}
	}
	return ReasonNoRole
}

// vote attributes a force: aliases and handles first, then places, the
// location field before the bio. It returns the force (len(forces) for
// "abroad" from a US state code) or -1 when there is none or a tie, and
// whether an alias named it.
func (w *work) vote(f *facts) (best int, explicit bool) {
	d := w.d
	for i := range w.votes {
		w.votes[i], w.expl[i] = 0, false
	}
	abroadSlot := len(d.forces)
	code := w.locationCode()
	if code {
		w.votes[abroadSlot] += voteLocation
	}
	for i := range w.units {
		u := &w.units[i]
		e := w.entry(u)
		if e == nil {
			continue
		}
		switch e.kind {
		case kAlias, kHandle:
			if u.state == stSelf {
				w.votes[e.force] += voteAlias
				w.expl[e.force] = true
			}
		case kWeakAlias:
			if u.state == stSelf && w.weakAliasOK(i, f) {
				w.votes[e.force] += voteWeak
				w.expl[e.force] = true
			}
		case kPlace, kWeakPlace:
			if w.qualified(i) || (code && u.field == fieldLocation && !d.forces[e.force].Abroad) || w.notWhere(i) {
				continue
			}
			switch u.field {
			case fieldLocation:
				w.votes[e.force] += voteLocation
			case fieldHandle:
				w.votes[e.force] += voteHandle
			default:
				w.votes[e.force] += voteText
			}
		}
	}
	var top int32
	for _, v := range w.votes {
		top = max(top, v)
	}
	if top == 0 {
		return -1, false
	}
	best, ties := -1, 0
	for i, v := range w.votes {
		if v != top {
			continue
		}
		// On a tie a force at home beats one abroad.
		if i < abroadSlot && !d.forces[i].Abroad {
			if best >= 0 && best < abroadSlot && !d.forces[best].Abroad {
				ties++
			} else {
				best, ties = i, 0
			}
		} else if best < 0 {
			best = i
		} else if best >= abroadSlot || d.forces[best].Abroad {
			ties++
		}
	}
	if ties > 0 {
		return -1, false
	}
	return best, w.expl[best]
}

// qualified reports whether place unit i is settled by the place next to it:
// "Birmingham, Alabama" is abroad, "Romford, Essex" is Romford.
func (w *work) qualified(i int) bool {
	d := w.d
	units := w.units
	e := w.entry(&units[i])
	isPlace := func(x *entry) bool { return x != nil && (x.kind == kPlace || x.kind == kWeakPlace) }
	home := !d.forces[e.force].Abroad
	if i+1 < len(units) {
		n := &units[i+1]
		if ne := w.entry(n); n.field == units[i].field && n.flags&fHard == 0 && isPlace(ne) &&
			ne.force != e.force && home && d.forces[ne.force].Abroad {
			return true
		}
	}
	if i > 0 {
		pv := &units[i-1]
		if pe := w.entry(pv); pv.field == units[i].field && units[i].flags&fHard == 0 && isPlace(pe) &&
			pe.force != e.force && home && !d.forces[pe.force].Abroad {
			return true
		}
	}
	return false
}

// notWhere reports whether place unit i names something other than where
// someone works: a club ("Everton fan", "Bolton Wanderers"), or a first
// name or surname in the display name ("Barry Hughes", "Sam Preston").
func (w *work) notWhere(i int) bool {
	units := w.units
	u := &units[i]
	if w.club(i) {
		return true
	}
	// "everton_sgt" of "Everton fan": the handle means what the bio does.
	if u.field == fieldHandle || u.field == fieldName {
		for k := range units {
			if k != i && units[k].e == u.e && units[k].field == fieldBio && w.club(k) {
				return true
			}
		}
	}
	if u.field != fieldName {
		return false
	}
	name := func(k int) bool {
		t := &w.toks[units[k].t0]
		return t.field == fieldName && w.nameWord(k) && t.flags&fTitle != 0 && t.flags&fUpper == 0
	}
	if i+1 < len(units) && name(i+1) && units[i+1].flags&(fHard|fSoft) == 0 {
		return true
	}
	if i > 0 && name(i-1) && u.flags&(fHard|fSoft) == 0 {
		return true
	}
	return false
}

// nearRole reports whether a role is in look-alike unit i's sentence:
// the same field with no full stop, bar or emoji between them.
func (w *work) nearRole(i int) bool {
	units := w.units
	for _, step := range [2]int{-1, 1} {
		for k := i; ; k += step {
			// crossing from k to its neighbour n: n's own break flag
			// when going forward, k's when going back.
			n := k + step
			if n < 0 || n >= len(units) || units[n].field != units[i].field {
				break
			}
			if w.toks[units[max(n, k)].t0].flags&fHard != 0 {
				break
			}
			if e := w.entry(&units[n]); e != nil && e.kind == kRole {
				return true
			}
		}
	}
	return false
}

// nameWord reports whether unit k may be a person's name: one word that
// is no phrase here and that the rules know at most inside longer phrases
// ("Price" of "PC Price", though "copper price" is a phrase; "Hill" of "DC
// Hill", though "Bar Hill" is a place).
func (w *work) nameWord(k int) bool {
	if k < 0 || k >= len(w.units) {
		return false
	}
	v := &w.units[k]
	if v.e >= 0 || v.t1-v.t0 != 1 {
		return false
	}
	t := &w.toks[v.t0]
	if t.id < 0 {
		return true
	}
	// "Sgt Mo Rahman", "PC Al Khan": a state code counts only in capitals
	// (a location's "Boston, MO"), so written otherwise it is a name.
	fl := w.d.wordFlags[t.id]
	return fl == 0 || fl == wCode && t.flags&fUpper == 0
}

// club reports whether place unit i is followed by a club word ("Everton
// fan", "Bolton Wanderers").
func (w *work) club(i int) bool {
	units := w.units
	if i+1 < len(units) {
		if n := &units[i+1]; n.field == units[i].field && n.flags&(fHard|fSoft) == 0 {
			if id := w.toks[n.t0].id; id >= 0 && w.d.wordFlags[id]&wClub != 0 {
				return true
			}
		}
	}
	return false
}

// locationCode reports a location ending in a US, Canadian or Australian
// state code after a comma ("Boston, MA").
func (w *work) locationCode() bool {
	for i := len(w.toks) - 1; i >= 0; i-- {
		t := &w.toks[i]
		if t.field != fieldLocation {
			continue
		}
		return t.id >= 0 && t.flags&fUpper != 0 && t.flags&fSoft != 0 && t.flags&fHard == 0 &&
			w.d.wordFlags[t.id]&wCode != 0
	}
	return false
}

func (w *work) voteEvidence(best int) {
	if best < 0 || best >= len(w.d.forces) {
		return
	}
	for i := range w.units {
		u := &w.units[i]
		if e := w.entry(u); e != nil && e.force == int32(best) && u.state == stSelf &&
			(e.kind == kAlias || e.kind == kHandle || e.kind == kWeakAlias || e.kind == kPlace || e.kind == kWeakPlace) {
			w.ev = append(w.ev, int32(i))
		}
	}
}

// corporate decides whether the account speaks for a force, team, station
// or department rather than for a person.
func (w *work) corporate(p Profile) bool {
	d := w.d
	var buf [64]byte
	h := strings.TrimPrefix(strings.TrimSpace(p.Handle), "@")
	if len(h) > 0 && len(h) <= len(buf) {
		for i := 0; i < len(h); i++ {
			c := h[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if _, ok := d.official[string(buf[:len(h)])]; ok {
			w.ev = append(w.ev, -1-int32(fieldHandle))
			return true
		}
	}
	at := len(w.ev)
	score, personal := 0, 0
	if w.composed(fieldHandle) {
		score += 3
		w.ev = append(w.ev, -1-int32(fieldHandle))
	}
	if w.composed(fieldName) {
		score += 3
		w.ev = append(w.ev, -1-int32(fieldName))
	}
	// A bio that is only a unit's name: "Police Scotland Edinburgh Division".
	if w.composed(fieldBio) {
		score += 2
		w.ev = append(w.ev, -1-int32(fieldBio))
	}
	nameRole, nameWord := false, false
	official, named := false, false
	for i := range w.units {
		u := &w.units[i]
		if u.field != fieldBio && u.field != fieldName {
			continue
		}
		e := w.entry(u)
		if e != nil && e.kind == kCorporate {
			score += int(e.weight)
			official = official || e.weight >= 3
			w.ev = append(w.ev, int32(i))
		}
		if e != nil && (e.kind == kAlias || e.kind == kHandle) && u.state == stSelf {
			named = true
		}
		// "Official Met account", "Official recruitment account of
		// GMP": a strong phrase with words inside.
		if e == nil && w.toks[u.t0].id == d.idOfficial && d.idOfficial >= 0 {
			if ok, force := w.officialAround(i); ok {
				score += 3
				official = true
				w.ev = append(w.ev, int32(i))
				if force >= 0 {
					named = true
					w.ev = append(w.ev, int32(force))
				}
			}
		}
		for t := u.t0; t < u.t1; t++ {
			if id := w.toks[t].id; id >= 0 && d.wordFlags[id]&wPersonal != 0 && u.field == fieldBio {
				personal = max(personal, 2)
			}
		}
		if u.field == fieldName {
			if e != nil && e.kind == kRole {
				nameRole = true
			}
			if w.personName(u) {
				nameWord = true
			}
		}
	}
	// "Met Trident" of "the Met's Trident command": the name's words may
	// be a unit's; asked only when the account may be corporate.
	if nameWord && score >= 3 {
		nameWord = false
		for i := range w.units {
			if u := &w.units[i]; u.field == fieldName && w.personName(u) && !w.unitName(u) {
				nameWord = true
				break
			}
		}
	}
	switch {
	case nameRole && nameWord:
		personal += 3
	case nameWord:
		personal++
	}
	// An account that calls itself a detective constable is a person's;
	// "the force control room of ..." names a place, not a person.
	for i := range w.units {
		u := &w.units[i]
		if u.field == fieldBio && u.state == stSelf {
			if e := w.entry(u); e != nil && e.kind == kRole && !e.work && !(u.t0 > 0 && w.toks[u.t0-1].id == d.idThe && d.idThe >= 0 &&
				w.toks[u.t0-1].field == u.field && u.flags&(fHard|fSoft) == 0) {
				personal++
				break
			}
		}
	}
	// A handle like "wmp_30" alone is not enough: it takes two signs.
	// "Official account of the Kent Police Rural Task Force": official
	// wording and a force, nobody's name or role.
	if score >= 4 && personal == 0 || score >= 6 && personal <= 2 || official && named && personal == 0 {
		return true
	}
	w.ev = w.ev[:at]
	return false
}

// officialAround reports whether unit i is an "official" that no other
// corporate phrase has counted, followed in its sentence, after at most
// three words, by the word that ends a strong corporate phrase with it
// ("account"): "Official Met account", "Official recruitment account of
// GMP". The words between may be a force (returned, else -1), places,
// police and team words, or words the rules do not know; a role, a
// look-alike or a modifier is something else's account ("official fan
// account").
func (w *work) officialAround(i int) (bool, int) {
	units := w.units
	u := &units[i]
	if u.e >= 0 || u.t1-u.t0 != 1 || w.d.idOfficial < 0 || w.toks[u.t0].id != w.d.idOfficial {
		return false, -1
	}
	force := -1
	for k := i + 1; k < len(units) && k <= i+4; k++ {
		v := &units[k]
		if v.field != u.field || v.flags&fHard != 0 {
			break
		}
		wf := w.word(v)
		if k > i+1 && wf&wOfficial != 0 && v.e < 0 {
			return true, force
		}
		e := w.entry(v)
		switch {
		case e == nil || wf&(wUnit|wQualifier) != 0:
		case (e.kind == kAlias || e.kind == kHandle || e.kind == kWeakAlias) && v.state == stSelf:
			if force < 0 {
				force = k
			}
		case e.kind == kPlace || e.kind == kWeakPlace || e.kind == kContext || e.kind == kCorporate && e.weight < 3:
		default:
			return false, -1
		}
	}
	return false, -1
}

// personName reports whether display-name unit u is a word that may be a
// person's name: no phrase, team word or number.
func (w *work) personName(u *unit) bool {
	return u.e < 0 && w.word(u)&(wUnit|wQualifier|wSkip) == 0 && w.toks[u.t0].flags&fNum == 0
}

// unitName reports whether a display-name word the rules do not know is
// the name of a unit, as the bio uses it right before a team word ("Met
// Trident" of "the Met's Trident command"), not a person's name.
func (w *work) unitName(u *unit) bool {
	name := w.text(u)
	for t := range w.toks {
		tk := &w.toks[t]
		if tk.field != fieldBio || t+1 >= len(w.toks) || !strings.EqualFold(w.texts[fieldBio][tk.start:tk.end], name) {
			continue
		}
		if n := &w.toks[t+1]; n.field == fieldBio && n.flags&fHard == 0 && n.id >= 0 && w.d.wordFlags[n.id]&wUnit != 0 {
			return true
		}
	}
	return false
}

// composed reports whether a handle or display name is made only of a
// force's names and places and team words ("GMPStockport", "MPS Hackney",
// "Bolton North Neighbourhood Team"), with at least one that names an
// account on its own.
func (w *work) composed(field uint8) bool {
	named, place, police := false, false, false
	for i := range w.units {
		u := &w.units[i]
		if u.field != field {
			continue
		}
		wf := w.word(u)
		if wf&wUnit != 0 {
			named = true
			continue
		}
		e := w.entry(u)
		if e == nil {
			if wf&(wQualifier|wSkip) != 0 || w.toks[u.t0].flags&fNum != 0 {
				continue
			}
			return false
		}
		switch e.kind {
		case kAlias, kHandle, kWeakAlias:
			named = true
		case kContext:
			police = true
		case kRole:
			// "NWP Roads Policing": police work names a team.
			if e.work {
				police = true
				continue
			}
			if w.teamWords(u) {
				named = true
				continue
			}
			if wf&wQualifier == 0 {
				return false
			}
		case kPlace, kWeakPlace:
			place = true
		case kAmbiguous, kCorporate:
		default:
			// "Control Room", "Contact Centre": a staff role that names a
			// department is a unit of the account's name.
			if w.teamWords(u) {
				named = true
				continue
			}
			if wf&wQualifier == 0 {
				return false
			}
		}
	}
	return named || (place && police)
}

// teamWords reports whether a phrase of several words is made only of team
// words, with a unit among them ("Control Room", "Contact Centre").
func (w *work) teamWords(u *unit) bool {
	if u.t1-u.t0 < 2 {
		return false
	}
	unit := false
	for t := u.t0; t < u.t1; t++ {
		id := w.toks[t].id
		if id < 0 || w.d.wordFlags[id]&(wUnit|wQualifier) == 0 {
			return false
		}
		unit = unit || w.d.wordFlags[id]&wUnit != 0
	}
	return unit
}

// evidence turns the deciding units into the words of the profile they
// came from, in order, without repeats.
func (w *work) evidence() []string {
	if len(w.ev) == 0 {
		return []string{}
	}
	out := make([]string, 0, len(w.ev))
	for _, i := range w.ev {
		var s string
		switch {
		case i >= 0:
			s = w.text(&w.units[i])
		case i < 0 && i >= -int32(nFields):
			s = strings.TrimSpace(w.texts[-1-i])
		}
		if s == "" {
			continue
		}
		dup := false
		for _, o := range out {
			if o == s {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
		if len(out) == 8 {
			break
		}
	}
	return out
}

func (w *work) explainUnits(lines *[]string) {
	stateNames := [...]string{"", " [former]", " [aspiring]", " [someone else's]", " [negated]"}
	for i := range w.units {
		u := &w.units[i]
		e := w.entry(u)
		if e == nil {
			continue
		}
		s := fmt.Sprintf("%s %q: %s%s", fieldNames[u.field], w.text(u), e.describe(w.d), stateNames[u.state])
		if u.current {
			s += " [now]"
		}
		*lines = append(*lines, s)
	}
}
