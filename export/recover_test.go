package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/export/exporttest"
	"github.com/psd-tools/exposure/store"
)

func exportEntries(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	if err := db.AuditLog(1, func(e store.AuditEntry) error {
		if e.Action == store.ActExport {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func leftovers(t *testing.T, out string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var l []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tmpPrefix(out)) {
			l = append(l, e.Name())
		}
	}
	return l
}

// TestInterruptedPlacement stands in for a kill at each point between
// recording an export and having its folder and zip in place: the next
// run finishes placing the recorded pack (no second export, no second
// audit entry), and anything an unrecorded run left is removed.
func TestInterruptedPlacement(t *testing.T) {
	for _, tc := range []struct {
		name  string
		undo  func(t *testing.T, out string) // turn a finished export into an interrupted one
		redo  bool                           // the rerun writes a new pack
		entry int                            // export entries after the rerun
	}{
		{"recorded, nothing moved", func(t *testing.T, out string) {
			os.Rename(out, filepath.Join(filepath.Dir(out), tmpPrefix(out)+"x1"))
			os.Rename(out+".zip", filepath.Join(filepath.Dir(out), tmpPrefix(out)+"x1.zip"))
		}, false, 1},
		{"folder moved, zip not", func(t *testing.T, out string) {
			os.Rename(out+".zip", filepath.Join(filepath.Dir(out), tmpPrefix(out)+"x2.zip"))
		}, false, 1},
		{"killed before recording", func(t *testing.T, out string) {
			os.RemoveAll(out)
			os.Remove(out + ".zip")
			junk := filepath.Join(filepath.Dir(out), tmpPrefix(out)+"x3")
			os.MkdirAll(filepath.Join(junk, "evidence"), 0o755)
			os.WriteFile(filepath.Join(junk, "referral.json"), []byte("{}"), 0o644)
			os.WriteFile(junk+".zip", []byte("PK"), 0o644)
		}, true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := exporttest.Build(t)
			out := filepath.Join(t.TempDir(), "pack")
			first := write(t, fx, Request{Referral: fx.RefA.ID}, out, genAt)
			tc.undo(t, out)
			res := write(t, fx, Request{Referral: fx.RefA.ID}, out, genAt.Add(3600e9))
			if got := exportEntries(t, fx.DB); got != tc.entry {
				t.Errorf("%d export entries in the audit log, want %d", got, tc.entry)
			}
			if l := leftovers(t, out); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
			if err := Verify(os.DirFS(out), nil).Err(); err != nil {
				t.Fatalf("placed pack: %v", err)
			}
			zipped, closer, err := OpenPack(out + ".zip")
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			if err := Verify(zipped, nil).Err(); err != nil {
				t.Fatalf("placed zip: %v", err)
			}
			if tc.redo {
				if res.ManifestSHA256 == first.ManifestSHA256 || len(res.Warnings) != len(first.Warnings) {
					t.Errorf("want a new pack: %+v", res)
				}
				return
			}
			if res.ManifestSHA256 != first.ManifestSHA256 || res.ZipSHA256 != first.ZipSHA256 || res.Audit.Seq != first.Audit.Seq {
				t.Errorf("want the recorded pack placed: got manifest %s zip %s entry %d, recorded %s %s %d",
					res.ManifestSHA256, res.ZipSHA256, res.Audit.Seq, first.ManifestSHA256, first.ZipSHA256, first.Audit.Seq)
			}
			if len(res.Files) != len(first.Files) || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[len(res.Warnings)-1], "finished placing") {
				t.Errorf("recovered result: %d files (want %d), warnings %v", len(res.Files), len(first.Files), res.Warnings)
			}
		})
	}
}

// TestFinishedExportStillRefused checks that a complete export is not
// mistaken for an interrupted one: the output exists.
func TestFinishedExportStillRefused(t *testing.T) {
	fx := exporttest.Build(t)
	out := filepath.Join(t.TempDir(), "pack")
	write(t, fx, Request{Referral: fx.RefA.ID}, out, genAt)
	if _, err := Write(t.Context(), fx.DB, Request{Referral: fx.RefA.ID}, Options{Out: out, Key: testKey(t), Operator: "op", Now: genAt}); err == nil {
		t.Fatal("a second export over a finished one was accepted")
	}
}
