package sim

import (
	"math"
	"math/bits"
)

// rng is a splitmix64 generator. A seed must give the same world on every
// Go release, so the generator does not lean on the standard library's
// streams (and, as a value type, costs no allocation per post). The integer
// streams are identical everywhere; the few values derived through math.Log
// and math.Exp (post counts, event times) could in principle differ in the
// last bit between CPU architectures.
type rng struct{ s uint64 }

func newRNG(seed uint64) rng { return rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return fmix(r.s)
}

// fmix is splitmix64's finaliser: a good 64-bit hash of one word.
func fmix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// mix derives an independent seed from a seed and a few labels (an account
// index, a post index, a purpose), so each account and each post has a stream
// of its own that does not depend on how many numbers others drew.
func mix(seed uint64, a, b uint64) uint64 {
	return fmix(fmix(seed^0x5851f42d4c957f2d+a) ^ (b * 0xd1342543de82ef95))
}

// intn returns a number in [0,n); n must be positive. The multiply-high
// reduction has a bias of n/2^64, far below anything a test can see.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a number in [lo,hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0,1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// norm returns a standard normal deviate (Box–Muller).
func (r *rng) norm() float64 {
	u := 1 - r.float() // (0,1]
	v := r.float()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// expo returns an exponential deviate with the given rate (events per unit);
// +Inf when the rate is zero.
func expo(u, rate float64) float64 {
	if rate <= 0 {
		return math.Inf(1)
	}
	return -math.Log(1-u) / rate
}

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

func shuffle[T any](r *rng, xs []T) {
	for i := len(xs) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// weighted picks an index with probability proportional to w[i].
func (r *rng) weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.intn(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// apportion splits total into len(w) whole parts proportional to w by the
// largest-remainder method, so the parts always sum to total exactly.
func apportion(total int, w []float64) []int {
	out := make([]int, len(w))
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if sum == 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(w))
	given := 0
	for i, x := range w {
		exact := float64(total) * x / sum
		out[i] = int(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	// Stable selection of the largest remainders, ties to the lower index.
	for given < total {
		best := -1
		for j, r := range rems {
			if r.f >= 0 && (best < 0 || r.f > rems[best].f) {
				best = j
			}
		}
		out[rems[best].i]++
		rems[best].f = -1
		given++
	}
	return out
}
