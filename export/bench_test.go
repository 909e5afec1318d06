package export

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/psd-tools/exposure/export/exporttest"
)

// BenchmarkWrite measures a whole export of the fixture referral (three
// posts, five payloads): load, render, seal, self-verify, zip, audit.
func BenchmarkWrite(b *testing.B) {
	fx := exporttest.Build(b)
	dir := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		_, err := Write(context.Background(), fx.DB, Request{Referral: fx.RefA.ID},
			Options{Out: filepath.Join(dir, fmt.Sprint(i)), Key: testKey(b), Operator: "bench", Tool: "bench", Now: genAt})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures checking a written pack folder.
func BenchmarkVerify(b *testing.B) {
	fx := exporttest.Build(b)
	out := filepath.Join(b.TempDir(), "p")
	if _, err := Write(context.Background(), fx.DB, Request{Referral: fx.RefA.ID},
		Options{Out: out, Key: testKey(b), Operator: "bench", Tool: "bench", Now: genAt}); err != nil {
		b.Fatal(err)
	}
	pub := testKey(b).Public().(ed25519.PublicKey)
	fsys := os.DirFS(out)
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(fsys, pub).Err(); err != nil {
			b.Fatal(err)
		}
	}
}
