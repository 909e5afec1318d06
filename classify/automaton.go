package classify

// automaton is an Aho-Corasick matcher over the bytes of the normalised
// text: every rule term, phrase and context cue of every category is one
// pattern, and one pass over a post finds them all. Transitions are a dense
// table over byte classes (bytes that occur in no pattern share one class),
// so a step is two array reads.
type automaton struct {
	classes [256]uint8
	nclass  int
	// States are numbered with the states that have output last, from
	// outMin up, so a step tells whether to report with one compare and no
	// table read; the others are in breadth-first order, the shallow states
	// that most steps visit first.
	outMin int32
	next   []int32 // state*nclass + class -> state
	// next16 is next in half the memory when there are at most 65536
	// states (the usual case).
	next16 []uint16
	// rows is next16 with 32 columns when the bytes other than digits
	// make fewer than 31 classes (the usual case): a row is then one
	// 64-byte cache line and a step needs no multiply. Digits, rare in
	// posts, step through digits (10 per state) instead.
	rows      []uint16
	digits    []uint16
	classes32 [256]uint8
	outStart  []int32 // state -> first index in outs; outStart[s+1] ends it
	outs      []int32 // pattern ids
	plen      []int32 // pattern id -> length in bytes
	maxLen    int     // the longest pattern
}

// match is one pattern occurrence in norm: bytes [start, end).
type match struct {
	id         int32
	start, end int32
}

// buildAutomaton compiles patterns (ids are their indexes).
func buildAutomaton(patterns [][]byte) *automaton {
	a := buildTable(patterns)
	a.compact()
	return a
}

// digitClass is the class of a digit in classes32.
const digitClass = 31

// compact builds rows and digits from next16, when the classes fit.
func (a *automaton) compact() {
	if a.next16 == nil {
		return
	}
	var classes32 [256]uint8
	n := uint8(1)
	for b := 0; b < 256; b++ {
		switch {
		case b >= '0' && b <= '9':
			classes32[b] = digitClass
		case a.classes[b] != 0:
			if n == digitClass {
				return // too many classes
			}
			classes32[b] = n
			n++
		}
	}
	states := len(a.next16) / a.nclass
	a.rows = make([]uint16, states*32)
	a.digits = make([]uint16, states*10)
	for s := 0; s < states; s++ {
		row := a.next16[s*a.nclass : (s+1)*a.nclass]
		for b := 0; b < 256; b++ {
			t := row[a.classes[b]]
			if c := classes32[b]; c == digitClass {
				a.digits[s*10+b-'0'] = t
			} else {
				a.rows[s*32+int(c)] = t
			}
		}
	}
	a.classes32 = classes32
	a.next16 = nil
}

// buildTable compiles patterns into next or next16.
func buildTable(patterns [][]byte) *automaton {
	a := &automaton{plen: make([]int32, len(patterns))}
	// byte classes
	var used [256]bool
	for _, p := range patterns {
		for _, b := range p {
			used[b] = true
		}
	}
	a.nclass = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			a.classes[b] = uint8(a.nclass)
			a.nclass++
		}
	}
	if a.nclass > 256 {
		// every byte value occurs in some pattern: one class per byte
		for b := 0; b < 256; b++ {
			a.classes[b] = uint8(b)
		}
		a.nclass = 256
	}
	// trie
	type node struct {
		out []int32
	}
	nodes := []node{{}}
	goTo := []int32{} // state*nclass+class, -1 = none
	grow := func() {
		for i := 0; i < a.nclass; i++ {
			goTo = append(goTo, -1)
		}
	}
	grow()
	for id, p := range patterns {
		a.plen[id] = int32(len(p))
		a.maxLen = max(a.maxLen, len(p))
		if len(p) == 0 {
			continue // matches nothing: the root must have no output
		}
		s := int32(0)
		for _, b := range p {
			c := int32(a.classes[b])
			n := goTo[s*int32(a.nclass)+c]
			if n < 0 {
				n = int32(len(nodes))
				nodes = append(nodes, node{})
				grow()
				goTo[s*int32(a.nclass)+c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	// failure links, breadth first; complete the transition table
	fail := make([]int32, len(nodes))
	queue := make([]int32, 0, len(nodes))
	nc := int32(a.nclass)
	for c := int32(0); c < nc; c++ {
		n := goTo[c]
		if n < 0 {
			goTo[c] = 0
		} else {
			fail[n] = 0
			queue = append(queue, n)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		nodes[s].out = append(nodes[s].out, nodes[fail[s]].out...)
		for c := int32(0); c < nc; c++ {
			n := goTo[s*nc+c]
			if n < 0 {
				goTo[s*nc+c] = goTo[fail[s]*nc+c]
				continue
			}
			fail[n] = goTo[fail[s]*nc+c]
			queue = append(queue, n)
		}
	}
	// number the states: root first, then breadth first, those with
	// output after all the others
	order := append([]int32{0}, queue...)
	id := make([]int32, len(nodes))
	n := int32(0)
	for _, out := range []bool{false, true} {
		if out {
			a.outMin = n
		}
		for _, s := range order {
			if (len(nodes[s].out) > 0) == out {
				id[s] = n
				n++
			}
		}
	}
	old := make([]int32, len(nodes)) // new id -> old id
	for s, i := range id {
		old[i] = int32(s)
	}
	a.outStart = make([]int32, len(nodes)+1)
	for i, s := range old {
		a.outStart[i+1] = a.outStart[i] + int32(len(nodes[s].out))
		a.outs = append(a.outs, nodes[s].out...)
	}
	a.next = make([]int32, len(goTo))
	for i, s := range old {
		for c := int32(0); c < nc; c++ {
			a.next[int32(i)*nc+c] = id[goTo[s*nc+c]]
		}
	}
	if len(nodes) <= 1<<16 {
		a.next16 = make([]uint16, len(a.next))
		for i, t := range a.next {
			a.next16[i] = uint16(t)
		}
		a.next = nil
	}
	return a
}

// find appends every occurrence of every pattern in text to ms.
func (a *automaton) find(text []byte, ms []match) []match {
	if a.rows != nil {
		return a.find32(text, ms)
	}
	if a.next16 != nil {
		return a.find16(text, ms)
	}
	s := int32(0)
	nc := int32(a.nclass)
	for i, b := range text {
		s = a.next[s*nc+int32(a.classes[b])]
		if s >= a.outMin {
			ms = a.emit(int(s), i, ms)
		}
	}
	return ms
}

// emit appends the terms that end at byte i in output state s: the rare
// path of find16 and find32, whose loops are otherwise kept apart for speed.
func (a *automaton) emit(s int, i int, ms []match) []match {
	end := int32(i + 1)
	for _, id := range a.outs[a.outStart[s]:a.outStart[s+1]] {
		ms = append(ms, match{id: id, start: end - a.plen[id], end: end})
	}
	return ms
}

func (a *automaton) find16(text []byte, ms []match) []match {
	s := uint16(0)
	nc := a.nclass
	next := a.next16
	outMin := uint16(a.outMin)
	if a.outMin > 0xffff {
		return ms // no state has output: there are no patterns
	}
	for i, b := range text {
		s = next[int(s)*nc+int(a.classes[b])]
		if s >= outMin {
			ms = a.emit(int(s), i, ms)
		}
	}
	return ms
}

func (a *automaton) find32(text []byte, ms []match) []match {
	s := uint16(0)
	rows, digits := a.rows, a.digits
	outMin := uint16(a.outMin)
	if a.outMin > 0xffff {
		return ms
	}
	for i, b := range text {
		if c := a.classes32[b]; c != digitClass {
			s = rows[int(s)<<5|int(c)]
		} else {
			s = digits[int(s)*10+int(b-'0')]
		}
		if s >= outMin {
			ms = a.emit(int(s), i, ms)
		}
	}
	return ms
}

// splitMin is the shortest text, beyond twice the longest pattern, that
// findSplit scans as two halves.
const splitMin = 64

// findSplit is find, scanning the two halves of a long text at once: a
// step waits for the table read of the step before, so two independent
// scans take little longer than one. The second half starts maxLen bytes
// early, from the root, and so is in the state a scan of the whole text
// would be in by the time it reports; the matches ending in the first half
// are left to the first scan. tail is scratch for the second half's
// matches, returned for reuse.
func (a *automaton) findSplit(text []byte, ms, tail []match) ([]match, []match) {
	L := a.maxLen
	if a.rows == nil || len(text) < 2*L+splitMin || a.outMin > 0xffff {
		return a.find(text, ms), tail
	}
	outMin := uint16(a.outMin)
	mid := (len(text) + L) / 2
	q := mid - L
	first, second := text[:mid], text[q:] // second is as long or a byte longer
	tail = tail[:0]
	var s, t uint16
	for k := 0; k < len(first); k++ {
		k, s, t = a.step2(first, second[:len(first)], k, s, t, outMin)
		if k == len(first) {
			break
		}
		if s >= outMin {
			ms = a.emit(int(s), k, ms)
		}
		if t >= outMin && q+k >= mid {
			tail = a.emit(int(t), q+k, tail)
		}
	}
	rows, digits := a.rows, a.digits
	for k := len(first); k < len(second); k++ {
		b := second[k]
		if c := a.classes32[b]; c != digitClass {
			t = rows[int(t)<<5|int(c)]
		} else {
			t = digits[int(t)*10+int(b-'0')]
		}
		if t >= outMin {
			tail = a.emit(int(t), q+k, tail)
		}
	}
	return append(ms, tail...), tail
}

// step2 steps s through first and t through second from k on, until either
// reaches a state with output; it returns where, or len(first). A loop of
// its own, without calls, so that s and t stay in registers.
func (a *automaton) step2(first, second []byte, k int, s, t, outMin uint16) (int, uint16, uint16) {
	rows, digits := a.rows, a.digits
	for ; k < len(first) && k < len(second); k++ {
		b, b2 := first[k], second[k]
		if c := a.classes32[b]; c != digitClass {
			s = rows[int(s)<<5|int(c)]
		} else {
			s = digits[int(s)*10+int(b-'0')]
		}
		if c := a.classes32[b2]; c != digitClass {
			t = rows[int(t)<<5|int(c)]
		} else {
			t = digits[int(t)*10+int(b2-'0')]
		}
		if s >= outMin || t >= outMin {
			return k, s, t
		}
	}
	return k, s, t
}
