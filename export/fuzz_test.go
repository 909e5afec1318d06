package export

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/psd-tools/exposure/export/exporttest"
)

var (
	fuzzOnce  sync.Once
	fuzzFiles map[string][]byte
	fuzzNames []string
)

// fuzzPack writes one real pack and keeps its files in memory.
func fuzzPack(t *testing.T) {
	fuzzOnce.Do(func() {
		fx := exporttest.Build(t)
		dir, err := os.MkdirTemp("", "exposure-fuzz-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		write(t, fx, Request{Referral: fx.RefA.ID}, filepath.Join(dir, "p"), genAt)
		fuzzFiles = files(t, filepath.Join(dir, "p"))
		for n := range fuzzFiles {
			fuzzNames = append(fuzzNames, n)
		}
		sort.Strings(fuzzNames)
	})
}

// FuzzVerify mutates one file of a real pack (flip, truncate, append,
// delete, or add a file) and requires that Verify never panics and never
// passes a pack that differs from the one sealed.
func FuzzVerify(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint32(10), []byte{1})
	f.Add(uint8(4), uint8(0), uint32(3), []byte("x"))    // manifest.json
	f.Add(uint8(5), uint8(1), uint32(0), []byte{})       // truncate manifest.sig
	f.Add(uint8(3), uint8(2), uint32(0), []byte("<!--")) // append to a capture
	f.Add(uint8(7), uint8(3), uint32(0), []byte{})       // delete a file
	f.Add(uint8(0), uint8(4), uint32(0), []byte("new"))  // add a file
	f.Fuzz(func(t *testing.T, which, mode uint8, off uint32, data []byte) {
		fuzzPack(t)
		pub := testKey(t).Public().(ed25519.PublicKey)
		m := fstest.MapFS{}
		for n, b := range fuzzFiles {
			m[n] = &fstest.MapFile{Data: append([]byte{}, b...)}
		}
		name := fuzzNames[int(which)%len(fuzzNames)]
		b := m[name].Data
		switch mode % 5 {
		case 0: // overwrite bytes at an offset
			if len(b) == 0 {
				return
			}
			i := int(off) % len(b)
			copy(b[i:], data)
		case 1:
			m[name].Data = b[:int(off)%(len(b)+1)]
		case 2:
			m[name].Data = append(b, data...)
		case 3:
			delete(m, name)
		case 4:
			extra := "evidence/" + filepath.Base(string(data))
			if !fsValid(extra) {
				return
			}
			if _, ok := m[extra]; !ok {
				m[extra] = &fstest.MapFile{Data: data}
			}
		}
		changed := len(m) != len(fuzzFiles)
		for n, f := range m {
			if orig, ok := fuzzFiles[n]; !ok || !bytes.Equal(orig, f.Data) {
				changed = true
			}
		}
		for _, key := range []ed25519.PublicKey{pub, nil} {
			rep := Verify(m, key)
			if changed && rep.Err() == nil {
				t.Fatalf("changed pack verified (mode %d on %s)", mode%5, name)
			}
			if !changed && rep.Err() != nil {
				t.Fatalf("unchanged pack failed: %v", rep.Err())
			}
		}
	})
}

func fsValid(p string) bool {
	m := fstest.MapFS{p: &fstest.MapFile{}}
	_, err := m.Open(p)
	return err == nil && p != "evidence/." && p != "evidence/.."
}
