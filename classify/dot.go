package classify

import "math"

// The model's sums are the hot end of Classify. dot sums over the
// features extract built; modelSums computes the same sums, in the same
// order and so to the same bit, without building the features: it counts
// the text features first, for their l2-normalised value, then hashes and
// adds each in the order extract appends it. It must follow extract:
// TestModelSums compares the two.

// dot returns the per-category sums of the weights of fs times their
// values (before scaling).
func (c *Classifier) dot(fs []feat) [4]float32 {
	var z [4]float32
	wt := c.weights
	for _, f := range fs {
		o := int(f.idx) * 4
		ws := wt[o : o+4 : o+4]
		z[0] += float32(ws[0]) * f.val
		z[1] += float32(ws[1]) * f.val
		z[2] += float32(ws[2]) * f.val
		z[3] += float32(ws[3]) * f.val
	}
	return z
}

// modelSums is c.dot(extract(d, masked, rule, groups, nil)).
func (c *Classifier) modelSums(d *doc, masked []bool, rule *[4]float64, groups []uint32) [4]float32 {
	toks := d.toks
	n := 0
	havePrev := false
	for ti, t := range toks {
		if masked != nil && masked[ti] {
			havePrev = false
			continue
		}
		n++ // the word
		if havePrev {
			n++ // the bigram
		}
		havePrev = true
		n += charGrams(int(t.ne-t.ns) + 2)
	}
	var z [4]float32
	wt := c.weights
	add := func(idx uint32, v float32) {
		o := int(idx) * 4
		ws := wt[o : o+4 : o+4]
		z[0] += float32(ws[0]) * v
		z[1] += float32(ws[1]) * v
		z[2] += float32(ws[2]) * v
		z[3] += float32(ws[3]) * v
	}
	if n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		var prev uint32
		havePrev = false
		for ti, t := range toks {
			if masked != nil && masked[ti] {
				havePrev = false
				continue
			}
			hw := hashBytes(seedWord, d.norm[t.ns:t.ne])
			add(mix(hw)&dimMask, v)
			if havePrev {
				add(mix(prev*31+hw^seedBigram)&dimMask, v)
			}
			prev, havePrev = hw, true
			cw := d.norm[t.ns-1 : t.ne+1]
			for i := 0; i+3 <= len(cw); i++ {
				h := uint32(seedChar ^ 2166136261)
				for k := i; k < i+charMax && k < len(cw); k++ {
					h ^= uint32(cw[k])
					h *= 16777619
					if k-i >= 2 {
						add(mix(h)&dimMask, v)
					}
				}
			}
		}
	}
	for c := 0; c < 4; c++ {
		if rule[c] > 0 {
			add(mix(seedRule+uint32(c))&dimMask, float32(rule[c]))
			b := uint32(rule[c]*4 + 0.5)
			add(mix(seedRule^uint32(c*8)+b+1000)&dimMask, 1)
		}
	}
	for _, g := range groups {
		add(g, 1)
	}
	return z
}

// charGrams is how many character 3- to 5-grams extract takes from m
// bytes (a word and the spaces around it).
func charGrams(m int) int {
	if m <= 5 {
		return (m - 2) * (m - 1) / 2
	}
	return 3*(m-2) - 3
}
