package identify

import (
	"testing"
)

var benchResult Result

// BenchmarkIdentify reads the labelled profiles (bio, name, handle and
// location, tweet-length bios) round and round on one goroutine.
func BenchmarkIdentify(b *testing.B) {
	d := mustLoad(b)
	set := append(readLabelled(b, "../testdata/identify/dev.jsonl"), readLabelled(b, "../testdata/identify/test.jsonl")...)
	profiles := make([]Profile, len(set))
	for i, l := range set {
		profiles[i] = l.Profile
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		benchResult = d.Identify(profiles[i%len(profiles)])
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "profiles/s")
}

// BenchmarkIdentifyParallel checks that the pooled scratch space scales.
func BenchmarkIdentifyParallel(b *testing.B) {
	d := mustLoad(b)
	set := readLabelled(b, "../testdata/identify/dev.jsonl")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			d.Identify(set[i%len(set)].Profile)
			i++
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		mustLoad(b)
	}
}
