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
	var z sums
	for _, f := range fs {
		z = z.add(c.weights, f.idx, f.val)
	}
	return [4]float32{z.z0, z.z1, z.z2, z.z3}
}

// sums are the four running sums, as a value so that they stay in
// registers (an array would live in memory, a store and a load per add).
type sums struct{ z0, z1, z2, z3 float32 }

func (z sums) add(wt *[dim][4]float32, idx uint32, v float32) sums {
	ws := &wt[idx&dimMask]
	z.z0 += ws[0] * v
	z.z1 += ws[1] * v
	z.z2 += ws[2] * v
	z.z3 += ws[3] * v
	return z
}

// modelSums is c.dot(extract(d, masked, rule, groups, nil)), and the
// number of features extract would have built.
func (c *Classifier) modelSums(d *doc, masked []bool, rule *[4]float64, groups []uint32) ([4]float32, int) {
	toks := d.toks
	n := 0
	havePrev := false
	for ti := 0; ti < len(toks); ti++ {
		if d.place[ti] == 0 && masked != nil && masked[ti] {
			havePrev = false
			continue
		}
		n++ // the word
		if havePrev {
			n++ // the bigram
		}
		havePrev = true
		if p := d.place[ti]; p > 0 {
			ti += int(p) - 1 // a place has no character n-grams
			continue
		}
		t := &toks[ti]
		n += charGrams(int(t.ne-t.ns) + 2)
	}
	var z sums
	wt := c.weights
	nf := n + len(groups)
	if n > 0 {
		v := float32(1 / math.Sqrt(float64(n)))
		var prev uint32
		havePrev = false
		for ti := 0; ti < len(toks); ti++ {
			if d.place[ti] == 0 && masked != nil && masked[ti] {
				havePrev = false
				continue
			}
			hw := d.hw[ti] // a place's or force's shared token
			p := d.place[ti]
			z = z.add(wt, mix(hw)&dimMask, v)
			if havePrev {
				z = z.add(wt, mix(prev*31+hw^seedBigram)&dimMask, v)
			}
			prev, havePrev = hw, true
			if p > 0 {
				ti += int(p) - 1
				continue
			}
			// the 3-, 4- and 5-grams starting at each byte, in extract's
			// order (charMax is 5)
			t := &toks[ti]
			cw := d.norm[t.ns-1 : t.ne+1]
			for ; len(cw) >= 3; cw = cw[1:] {
				h := (((seedChar^2166136261)^uint32(cw[0]))*16777619 ^ uint32(cw[1])) * 16777619
				h = (h ^ uint32(cw[2])) * 16777619
				z = z.add(wt, mix(h)&dimMask, v)
				if len(cw) > 3 {
					h = (h ^ uint32(cw[3])) * 16777619
					z = z.add(wt, mix(h)&dimMask, v)
					if len(cw) > 4 {
						h = (h ^ uint32(cw[4])) * 16777619
						z = z.add(wt, mix(h)&dimMask, v)
					}
				}
			}
		}
	}
	for c := 0; c < 4; c++ {
		if rule[c] > 0 {
			z = z.add(wt, mix(seedRule+uint32(c))&dimMask, float32(rule[c]))
			b := uint32(rule[c]*4 + 0.5)
			z = z.add(wt, mix(seedRule^uint32(c*8)+b+1000)&dimMask, 1)
			nf += 2
		}
	}
	for _, g := range groups {
		z = z.add(wt, g, 1)
	}
	return [4]float32{z.z0, z.z1, z.z2, z.z3}, nf
}

// charGrams is how many character 3- to 5-grams extract takes from m
// bytes (a word and the spaces around it).
func charGrams(m int) int {
	if m <= 5 {
		return (m - 2) * (m - 1) / 2
	}
	return 3*(m-2) - 3
}
