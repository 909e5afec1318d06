package identify

import (
	"io/fs"
	"testing"

	"github.com/psd-tools/exposure/rules"
)

// FuzzIdentify feeds arbitrary profiles (invalid UTF-8, emoji, fancy
// letters, huge words) and checks the contract's invariants hold.
func FuzzIdentify(f *testing.F) {
	for _, l := range readLabelled(f, "../testdata/identify/dev.jsonl")[:60] {
		f.Add(l.Handle, l.Name, l.Bio, l.Location)
	}
	f.Add("@PC1234_WMP", "𝐏𝐂 \xff\xfe", "Ex-\u200dpolice 🇺🇸🏴󠁧󠁢󠁷󠁬󠁳󠁿 & co's", "Boston, MA")
	f.Add("a_b_c_d_e_f", "'s's's", "not not not a a a PC <n> 99999999999", ",,,,")
	f.Add("mpshackneyleedsbradfordgmpwmp", "", "retired retired retired", "\x00")
	d := mustLoad(f)
	f.Fuzz(func(t *testing.T, handle, name, bio, location string) {
		p := Profile{ID: "fuzz", Handle: handle, Name: name, Bio: bio, Location: location}
		r := d.Identify(p)
		invariants(t, d, p, r)
		r2, _ := d.Explain(p)
		if r2.Status != r.Status || r2.Force != r.Force || r2.InScope != r.InScope {
			t.Fatalf("Explain decided %+v, Identify %+v", r2, r)
		}
	})
}

// FuzzLoad feeds arbitrary rule files: the loader returns an error or a
// detector that works, never a panic.
func FuzzLoad(f *testing.F) {
	fb, _ := fs.ReadFile(rules.Embedded(), ForcesFile)
	ib, _ := fs.ReadFile(rules.Embedded(), IdentityFile)
	f.Add(fb, ib)
	f.Add([]byte(miniForces), []byte(miniIdentity))
	f.Add([]byte(miniForces), []byte("modifiers:\n  former:\n    before: [ex]\n    after: [ex, <n> x]\nlookalikes:\n  - {class: a, reason: b, override: true, phrases: [c d]}\n"))
	f.Add([]byte("ambiguous_places: [X]\nforces:\n  - {name: A, places: [X]}\n"), []byte("{}"))
	f.Add([]byte("forces: [{name: A, handles: [\"@a\"], weak_aliases: [AA]}]\n"), []byte("abroad: {location_codes: [AA], terms: [zz]}\n"))
	f.Fuzz(func(t *testing.T, forces, identity []byte) {
		d, err := Parse(forces, identity)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, p := range []Profile{
			{Bio: "Police officer, PC 1234, ex-Met, wife of a PCSO", Handle: "GMPStockport", Location: "Leeds, UK"},
			{Bio: string(forces), Name: string(identity)},
		} {
			invariants(t, d, p, d.Identify(p))
		}
		d.Forces()
		d.SeedHandles()
		d.SearchPhrases()
		d.Force(string(forces))
	})
}
