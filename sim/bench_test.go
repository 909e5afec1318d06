package sim

import (
	"fmt"
	"runtime"
	"testing"
)

// heapMB is the live heap after a full collection, in MB.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// BenchmarkNew measures building the world and reports the memory the
// built world keeps alive (world-MB): accounts and plans only, since
// timelines are generated on demand.
func BenchmarkNew(b *testing.B) {
	for _, scale := range []float64{1, 10} {
		b.Run(fmt.Sprintf("scale=%v", scale), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Scale = scale
			b.ReportAllocs()
			var w *World
			for b.Loop() {
				w = New(cfg)
			}
			b.StopTimer()
			w = nil
			base := heapMB()
			w = New(cfg)
			b.ReportMetric(heapMB()-base, "world-MB")
			b.ReportMetric(float64(len(w.accounts)), "accounts")
			runtime.KeepAlive(w)
		})
	}
}

// BenchmarkTimelines renders every account's whole timeline once per
// iteration, as a sweep of every profile would.
func BenchmarkTimelines(b *testing.B) {
	for _, scale := range []float64{1, 10} {
		b.Run(fmt.Sprintf("scale=%v", scale), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Scale = scale
			w := New(cfg)
			accs := w.Accounts("")
			b.ReportAllocs()
			posts := 0
			for b.Loop() {
				posts = 0
				for _, a := range accs {
					posts += len(w.Timeline(a.Platform, a.ID))
				}
			}
			b.ReportMetric(float64(posts), "posts/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(posts*b.N), "ns/post")
		})
	}
}

// BenchmarkPost looks single posts up by id, as a recheck does.
func BenchmarkPost(b *testing.B) {
	w := defaultWorld()
	refs := w.Inappropriate()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := refs[i%len(refs)]
		if _, _, ok := w.Post(r.Platform, r.PostID); !ok {
			b.Fatal("lost", r.PostID)
		}
		i++
	}
}

func BenchmarkStats(b *testing.B) {
	w := defaultWorld()
	b.ReportAllocs()
	for b.Loop() {
		w.Stats()
	}
}
