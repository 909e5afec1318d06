package classify

import "math"

// Features of the linear models. Every model shares one hashed feature space
// so that the four models can live in one interleaved weight table: the
// weights of feature i for the four categories sit side by side, and a post
// costs one cache line per feature rather than four.
//
// FeatureSpec names the space; a model trained on another spec is refused.
// 4: the place and force names of forces.yaml are two shared tokens
// (places.go).
const FeatureSpec = "exposure-features-4: h17 w1 w2 c3-5 place+force rules ctx l2"

// charMax is the longest character n-gram.
const charMax = 5

const (
	hashBits = 17
	dim      = 1 << hashBits
	dimMask  = dim - 1
)

// Hash seeds per feature kind, so a word and a char n-gram with the same
// bytes land in different slots.
const (
	seedWord   = 0x9e3779b1
	seedBigram = 0x85ebca77
	seedChar   = 0xc2b2ae3d
	seedRule   = 0x27d4eb2f
	seedGroup  = 0x165667b1
	seedMasked = 0xd3a2646c
)

// feat is one active feature: its slot, value and the token it came from
// (-1 for rule features), for explaining model-only flags.
type feat struct {
	idx uint32
	val float32
	tok int32
	big bool // a word bigram of the word (or place) at tok and the next
}

func hashBytes(seed uint32, b []byte) uint32 {
	h := seed ^ 2166136261
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x7feb352d
	h ^= h >> 15
	h *= 0x846ca68b
	h ^= h >> 16
	return h
}

// extract appends the hashed features of d to fs. masked marks tokens that
// context rules lowered (a quoted or condemned slur) or that the rules hide
// (mild expletives): they leave no trace, not even a placeholder, so the
// model cannot flag on the word it was told to discount. A place or force
// name (d.place, however many words) is one word, the shared place or
// force token, with no character n-grams, masked or not: the token says
// nothing of the town (a context rule's cue may be a word of a name,
// "Great" in "Great Barr"). rule holds the per-category rule scores and groups
// the feature slots of the rule groups that fired. d.hw must be filled
// (placeTable.markWords).
func extract(d *doc, masked []bool, rule *[4]float64, groups []uint32, fs []feat) []feat {
	toks := d.toks
	n0 := len(fs)
	var prev uint32
	prevTok := int32(-1) // the first token of the word or place before, -1 for none
	for ti := 0; ti < len(toks); ti++ {
		if d.place[ti] == 0 && masked != nil && masked[ti] {
			prevTok = -1
			continue
		}
		t := toks[ti]
		hw := d.hw[ti] // a place's or force's shared token
		place := d.place[ti] > 0
		fs = append(fs, feat{idx: mix(hw) & dimMask, val: 1, tok: int32(ti)})
		if prevTok >= 0 {
			fs = append(fs, feat{idx: mix(prev*31+hw^seedBigram) & dimMask, val: 1, tok: prevTok, big: true})
		}
		prev, prevTok = hw, int32(ti)
		if place {
			ti += int(d.place[ti]) - 1
			continue
		}
		// char 3-5-grams of " word " (the spaces mark the word's edges)
		cw := d.norm[t.ns-1 : t.ne+1]
		for i := 0; i+3 <= len(cw); i++ {
			h := uint32(seedChar ^ 2166136261)
			for k := i; k < i+charMax && k < len(cw); k++ {
				h ^= uint32(cw[k])
				h *= 16777619
				if k-i >= 2 {
					fs = append(fs, feat{idx: mix(h) & dimMask, val: 1, tok: int32(ti)})
				}
			}
		}
	}
	// l2-normalise the text features so long and short posts weigh alike
	if n := len(fs) - n0; n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		for i := n0; i < len(fs); i++ {
			fs[i].val = v
		}
	}
	for c := 0; c < 4; c++ {
		if rule[c] > 0 {
			fs = append(fs, feat{idx: mix(seedRule+uint32(c)) & dimMask, val: float32(rule[c]), tok: -1})
			// a bucket per score band lets the model bend the curve
			b := uint32(rule[c]*4 + 0.5)
			fs = append(fs, feat{idx: mix(seedRule^uint32(c*8)+b+1000) & dimMask, val: 1, tok: -1})
		}
	}
	for _, g := range groups {
		fs = append(fs, feat{idx: g, val: 1, tok: -1})
	}
	return fs
}

// groupSlot is the feature slot of a rule group, by category and name, so
// that adding a group does not move the others.
func groupSlot(cat int, name string) uint32 {
	return mix(hashBytes(seedGroup+uint32(cat), []byte(name))) & dimMask
}
