package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/crawler/twitter"
	"github.com/psd-tools/exposure/identify"
	"github.com/psd-tools/exposure/pipeline"
	"github.com/psd-tools/exposure/rules"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/simnet"
	"github.com/psd-tools/exposure/store"
)

// BenchmarkSweep sweeps the default simulated world end to end through the
// real clients on loopback (go-twitter against the fake API, colly against
// the fake site), into a bbolt file, and reports posts/s and the peak Go
// heap during the sweep (the world and its servers included: they share
// the process). EXPOSURE_BENCH_SCALE overrides the scale (default 1).
func BenchmarkSweep(b *testing.B) {
	scale := 1.0
	if s := os.Getenv("EXPOSURE_BENCH_SCALE"); s != "" {
		if _, err := fmt.Sscan(s, &scale); err != nil {
			b.Fatal(err)
		}
	}
	fsys := rules.Embedded()
	det, err := identify.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	cl, err := classify.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var posts int
	var peak atomic.Uint64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		wc := sim.DefaultConfig()
		wc.Scale = scale
		w := sim.New(wc)
		n, err := simnet.Start(w, simnet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		cfgPath := filepath.Join(dir, "sweep.yaml")
		os.WriteFile(cfgPath, []byte(n.SweepConfig("bench", "BENCH")), 0o600)
		cfg, err := config.Load(cfgPath)
		if err != nil {
			b.Fatal(err)
		}
		db, err := store.Open(filepath.Join(dir, "b.db"), store.Options{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		srcs, err := cfg.Sources(config.SourceDeps{Rules: fsys, DB: db, Phrases: det, Log: zerolog.Nop(), Now: w.Now,
			TwitterCredentials: &twitter.Credentials{BearerToken: "b", ConsumerKey: "b", ConsumerSecret: "b", AccessToken: "b", AccessSecret: "b"}})
		if err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
				}
			}
		}()
		b.StartTimer()
		s, err := (&pipeline.Sweeper{DB: db, Sources: srcs, Identify: det, Classify: cl}).Run(context.Background(),
			pipeline.SweepOptions{Operator: "bench", Authority: "BENCH", ConfigHash: cfg.Hash(), Workers: 4, Now: w.Now})
		b.StopTimer()
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		posts += s.Summary.PostsRead
		db.Close()
		n.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(posts)/b.Elapsed().Seconds(), "posts/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}
