package demo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/export"
	"github.com/psd-tools/exposure/store"
)

type countProgress struct {
	mu     sync.Mutex
	phases []string
	posts  int
}

func (p *countProgress) Phase(name string, total int) {
	p.mu.Lock()
	p.phases = append(p.phases, name)
	p.mu.Unlock()
}
func (p *countProgress) Add(_, posts, _ int)                 { p.mu.Lock(); p.posts += posts; p.mu.Unlock() }
func (p *countProgress) Note(string)                         {}
func (p *countProgress) Waiting(string, string, time.Time)   {}
func (p *countProgress) Retrying(string, string, int, error) {}

var _ crawler.Observer = (*countProgress)(nil)

// TestRun runs the whole demo on a small world through the real clients
// and checks each stage left what the next one needs.
func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	prog := &countProgress{}
	res, err := Run(context.Background(), Options{Out: out, Seed: 7, Scale: 0.1, Months: 3, Tool: "test", Progress: prog})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Sweep.Summary
	if s.InScope == 0 || s.PostsRead == 0 || s.Flagged == 0 || s.Failed != 0 {
		t.Fatalf("sweep summary = %+v", s)
	}
	if s.InScopeByPlatform["twitter"] == 0 || s.InScopeByPlatform["facebook"] == 0 {
		t.Fatalf("both platforms should be swept: %v", s.InScopeByPlatform)
	}
	if res.Eval.Identity.TP == 0 || res.Eval.PostsRead == 0 {
		t.Fatalf("eval = %+v", res.Eval)
	}
	if len(res.Referrals) == 0 || len(res.Exports) != len(res.Referrals) {
		t.Fatalf("%d referrals, %d exports", len(res.Referrals), len(res.Exports))
	}
	// Every export pack verifies.
	for _, dir := range res.Exports {
		if err := export.Verify(os.DirFS(dir), nil).Err(); err != nil {
			t.Fatalf("verify %s: %v", dir, err)
		}
	}
	db, err := store.Open(res.DB, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Three monthly rechecks of every referred post, nothing unknown: the
	// fakes were healthy.
	referred := 0
	for _, r := range res.Referrals {
		for _, k := range r.Posts {
			referred++
			cs, err := db.Checks(k.Platform, k.PostID)
			if err != nil || len(cs) != 3 {
				t.Fatalf("checks of %v = %d, %v", k, len(cs), err)
			}
			for _, c := range cs {
				if c.State == string(crawler.StateUnknown) {
					t.Fatalf("unknown check on a healthy fake: %+v", c)
				}
			}
		}
	}
	if n, err := db.VerifyAudit(); err != nil || n == 0 {
		t.Fatalf("audit chain: %d, %v", n, err)
	}
	html, err := os.ReadFile(res.ReportHTML)
	if err != nil || !strings.Contains(string(html), "<svg") {
		t.Fatalf("report.html: %v", err)
	}
	if res.Page.Visibility == nil || res.Page.Study == nil {
		t.Fatal("report page incomplete")
	}
	// A second run replaces the demo's own folder.
	if _, err := Run(context.Background(), Options{Out: out, Seed: 7, Scale: 0.05, Months: 1, Tool: "test", Progress: prog}); err != nil {
		t.Fatalf("rerun: %v", err)
	}
}

func TestRunRefusesForeignFolder(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "precious.txt"), []byte("x"), 0o644)
	_, err := Run(context.Background(), Options{Out: out, Scale: 0.05, Progress: &countProgress{}})
	if err == nil || !strings.Contains(err.Error(), "not made by 'exposure demo'") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "precious.txt")); err != nil {
		t.Fatal("the demo deleted a file it did not write")
	}
}
