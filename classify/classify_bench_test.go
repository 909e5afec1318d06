package classify

import (
	"io/fs"
	"testing"

	"github.com/psd-tools/exposure/rules"
)

// benchCorpus is the labelled police test posts (flagged and clean), as
// written: 93 bytes on average, 174 at most.
func benchCorpus(tb testing.TB) []string {
	ex, err := ReadExampleFile("../testdata/classify/test.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]string, len(ex))
	for i, e := range ex {
		out[i] = e.Text
	}
	return out
}

// longCorpus joins posts up to a full tweet of about 280 bytes.
func longCorpus(tb testing.TB) []string {
	posts := benchCorpus(tb)
	var out []string
	for i := 0; i < len(posts); i++ {
		s := posts[i]
		for j := i + 1; len(s) < 250; j++ {
			s += " " + posts[j%len(posts)]
		}
		if len(s) > 280 {
			s = s[:280] // may cut a rune: invalid UTF-8 is part of the job
		}
		out = append(out, s)
	}
	return out
}

func mustLoad(tb testing.TB) *Classifier {
	tb.Helper()
	c, err := Load(rules.Embedded())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// BenchmarkClassify measures one post through all four categories with
// evidence: normalisation, rules, the four models and the Result. Run it
// with -cpu 1; cpu-ns/post and posts/cpu-s count CPU time, which a busy
// shared machine does not inflate.
func BenchmarkClassify(b *testing.B) {
	c := mustLoad(b)
	for _, bc := range []struct {
		name  string
		posts []string
	}{{"posts", benchCorpus(b)}, {"280B", longCorpus(b)}} {
		b.Run(bc.name, func(b *testing.B) {
			posts := bc.posts
			bytes := 0
			for _, p := range posts {
				bytes += len(p)
			}
			b.ReportAllocs()
			b.SetBytes(int64(bytes / len(posts)))
			i := 0
			cpu0 := cpuTime()
			for b.Loop() {
				r := c.Classify(posts[i%len(posts)])
				if r.Scores == nil {
					b.Fatal("no scores")
				}
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "posts/s")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(i), "cpu-ns/post")
				b.ReportMetric(1e9*float64(i)/float64(cpu), "posts/cpu-s")
			}
		})
	}
}

func embeddedRules() fs.FS { return rules.Embedded() }
