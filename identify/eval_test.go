package identify

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/rules"
)

// labelled is one line of testdata/identify/*.jsonl.
type labelled struct {
	Profile
	InScope bool   `json:"in_scope"`
	Status  Status `json:"status"`
	Force   string `json:"force"`
	Role    Role   `json:"role"`
	Class   string `json:"class"`
}

func readLabelled(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, l)
	}
	return out
}

func mustLoad(t testing.TB) *Detector {
	t.Helper()
	fsys, err := rules.Open("")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// scores are the figures issue 3 sets targets for.
type scores struct {
	n, tp, fp, fn          int
	statusOK               int
	forceN, forceOK        int
	roleN, roleOK          int
	precision, recall, acc float64
	forceAcc, roleAcc      float64
	misses                 []string
}

func score(d *Detector, set []labelled) scores {
	var s scores
	for _, l := range set {
		s.n++
		r := d.Identify(l.Profile)
		switch {
		case r.InScope && l.InScope:
			s.tp++
		case r.InScope:
			s.fp++
		case l.InScope:
			s.fn++
		}
		if r.Status == l.Status {
			s.statusOK++
		}
		if l.InScope && l.Force != "unknown" {
			s.forceN++
			if r.Force == l.Force {
				s.forceOK++
			}
		}
		if l.InScope || l.Status == Former {
			s.roleN++
			if r.Role == l.Role {
				s.roleOK++
			}
		}
		if r.InScope != l.InScope || r.Status != l.Status || r.Force != l.Force || ((l.InScope || l.Status == Former) && r.Role != l.Role) {
			s.misses = append(s.misses, fmt.Sprintf("%s [%s] want %v/%s/%q/%s got %v/%s/%q/%s (%s) %v",
				l.ID, l.Class, l.InScope, l.Status, l.Force, l.Role, r.InScope, r.Status, r.Force, r.Role, r.Reason, r.Evidence))
		}
	}
	div := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	s.precision = div(s.tp, s.tp+s.fp)
	s.recall = div(s.tp, s.tp+s.fn)
	s.acc = div(s.statusOK, s.n)
	s.forceAcc = div(s.forceOK, s.forceN)
	s.roleAcc = div(s.roleOK, s.roleN)
	return s
}

func (s scores) String() string {
	return fmt.Sprintf("profiles %d: in-scope precision %.3f recall %.3f (tp %d fp %d fn %d); status accuracy %.3f; force accuracy %.3f (%d/%d stated); role accuracy %.3f (%d/%d)",
		s.n, s.precision, s.recall, s.tp, s.fp, s.fn, s.acc, s.forceAcc, s.forceOK, s.forceN, s.roleAcc, s.roleOK, s.roleN)
}

// Targets from issue 3 for the identity detector.
const (
	targetPrecision = 0.95
	targetRecall    = 0.90
	targetForce     = 0.90
)

func checkTargets(t *testing.T, path string) {
	d := mustLoad(t)
	s := score(d, readLabelled(t, path))
	t.Log(s)
	if os.Getenv("IDENTIFY_MISSES") != "" {
		t.Log("\n" + strings.Join(s.misses, "\n"))
	}
	if s.precision < targetPrecision || s.recall < targetRecall || s.forceAcc < targetForce {
		t.Errorf("below target (precision %.2f, recall %.2f, force %.2f): %s", targetPrecision, targetRecall, targetForce, s)
	}
}

// TestDevTargets: the set the rules were tuned on.
func TestDevTargets(t *testing.T) { checkTargets(t, "../testdata/identify/dev.jsonl") }

// TestHeldOutTargets: the set written before the detector and never tuned
// on (testdata/identify/README.md).
func TestHeldOutTargets(t *testing.T) { checkTargets(t, "../testdata/identify/test.jsonl") }

// TestHeldOut2Targets: the second held-out set, written after the last rule
// change that test.jsonl informed.
func TestHeldOut2Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test2.jsonl") }

// TestHeldOut3Targets: the third held-out set, written after the last rule
// change and committed before its first run.
func TestHeldOut3Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test3.jsonl") }

// TestHeldOut4Targets: the fourth held-out set, written before the changes
// that made the rules generalise to bare ranks, "works in policing", force
// abbreviations and look-alikes with ranks (testdata/identify/README.md).
func TestHeldOut4Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test4.jsonl") }

// TestHeldOut5Targets: the fifth held-out set, written after the changes
// test4 informed and committed before its first run.
func TestHeldOut5Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test5.jsonl") }

// TestHeldOut6Targets: the sixth held-out set, written by an author who read
// only SPEC.md; its first run missed the precision target and general fixes
// were made from its misses, so it is tuned on now.
func TestHeldOut6Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test6.jsonl") }

// TestHeldOut7Targets: the seventh held-out set, written by an author who
// read only SPEC.md; its first run measured precision 0.944, recall 0.939 and
// force accuracy 0.941, and general fixes were then made from its misses, so
// it is tuned on now.
func TestHeldOut7Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test7.jsonl") }

// TestHeldOut8Targets: the eighth held-out set, written by another author
// who read only SPEC.md; its first run measured precision 0.914, recall
// 0.929 and force accuracy 0.931, and general fixes were then made from
// its misses, so it is tuned on now (README).
func TestHeldOut8Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test8.jsonl") }

// TestHeldOut9Targets: the ninth held-out set, 400 profiles written by
// another author who read only SPEC.md and committed before its first run,
// which measured precision 0.948, recall 0.995 and force accuracy 0.989;
// general fixes were then made from its misses, so it is tuned on now
// (README).
func TestHeldOut9Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test9.jsonl") }

// TestHeldOut10Targets: the tenth held-out set, 400 profiles written by a
// fifth outside author who read only SPEC.md (bios cross-posted from other
// sites) and committed before its first run, which measured precision
// 0.949, recall 0.913 and force accuracy 0.897; general fixes were then
// made from its misses, so it is tuned on now (README).
func TestHeldOut10Targets(t *testing.T) { checkTargets(t, "../testdata/identify/test10.jsonl") }
