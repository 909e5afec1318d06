package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/export/exporttest"
	"github.com/psd-tools/exposure/export/warc"
	"github.com/psd-tools/exposure/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

var genAt = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	// A fixed seed keeps signatures, and so manifests, reproducible.
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

func write(t *testing.T, fx *exporttest.Fixture, req Request, out string, now time.Time) *Result {
	t.Helper()
	res, err := Write(context.Background(), fx.DB, req, Options{Out: out, Key: testKey(t), Operator: "op-dave", Tool: "0.1.0-test", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteAndVerify(t *testing.T) {
	fx := exporttest.Build(t)
	out := filepath.Join(t.TempDir(), "REF-A")
	res := write(t, fx, Request{Referral: fx.RefA.ID}, out, genAt)
	got := files(t, out)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{
		HowTo, "evidence/capture.warc.gz", "evidence/captures/facebook_20.json", "evidence/captures/twitter_10.json",
		"evidence/captures/twitter_11.json", ManifestFile, SignatureFile, PublicKeyPEM, CSVFile, HTMLFile, JSONFile,
	}
	var payloads int
	for _, n := range names {
		if strings.HasPrefix(n, "evidence/payloads/") {
			payloads++
		}
	}
	// t-10, t-11, f-20 post bodies, f-20's profile page, t-10's 404 recheck.
	if payloads != 5 {
		t.Errorf("%d payload files, want 5: %v", payloads, names)
	}
	for _, w := range want {
		if got[w] == nil {
			t.Errorf("missing %s (have %v)", w, names)
		}
	}
	if res.Posts != 3 || res.Profiles != 2 || len(res.Referrals) != 1 || len(res.Files) != len(got)-2 {
		t.Errorf("result = %+v", res)
	}
	rep := Verify(os.DirFS(out), testKey(t).Public().(ed25519.PublicKey))
	if err := rep.Err(); err != nil || !rep.Trusted || rep.Checked != len(got)-2 {
		t.Fatalf("verify: %v trusted=%v checked=%d", err, rep.Trusted, rep.Checked)
	}
	// The zip holds the same pack under one folder and verifies too.
	zfs, closer, err := OpenPack(res.Zip)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if err := Verify(zfs, nil).Err(); err != nil {
		t.Fatalf("verify zip: %v", err)
	}
	// Each capture record hashes to its post's evidence hash.
	var doc Document
	if err := json.Unmarshal(got[JSONFile], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != Schema || doc.Version != Version || doc.Counts.Posts != 3 || doc.Counts.ByCategory["procedure"] != 2 ||
		doc.Counts.ByCategory["negativity"] != 2 || doc.Counts.ByCategory["offensive"] != 1 || doc.Counts.ByCategory["political"] != 0 {
		t.Errorf("counts = %+v", doc.Counts)
	}
	for _, p := range doc.Profiles {
		for _, post := range p.Posts {
			sp, _ := fx.DB.Post(post.Platform, post.ID)
			if !post.HashVerified || store.SHA256(got[post.CaptureFile]) != sp.EvidenceHash || post.EvidenceHash != sp.EvidenceHash {
				t.Errorf("post %s: capture record does not hash to the evidence hash", post.ID)
			}
			if post.Payload == nil || store.SHA256(got[post.Payload.File]) != post.Payload.SHA256 {
				t.Errorf("post %s: payload file = %+v", post.ID, post.Payload)
			}
			if post.Text != sp.Text {
				t.Errorf("post %s: text changed", post.ID)
			}
			if post.Sweep == nil || post.Sweep.Authority != "PSD-AUTH-2026-001" {
				t.Errorf("post %s: sweep = %+v", post.ID, post.Sweep)
			}
		}
	}
	t10 := findPost(t, &doc, "10")
	if len(t10.Reviews) != 2 || t10.Reviews[1].Note == "" || len(t10.Checks) != 2 || t10.Checks[1].State != "removed" ||
		t10.Checks[1].Payload == nil || t10.Checks[1].Payload.File == "" {
		t.Errorf("t-10 history: reviews %+v checks %+v", t10.Reviews, t10.Checks)
	}
	located := 0
	for _, s := range t10.Evidence {
		if s.Located {
			located++
		}
	}
	if located != 3 || len(t10.Evidence) != 4 {
		t.Errorf("t-10 spans = %+v", t10.Evidence)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "not found") {
		t.Errorf("warnings = %v", res.Warnings)
	}
	t11 := findPost(t, &doc, "11")
	if strings.Join(t11.Categories, ",") != "procedure,negativity" || strings.Join(t11.Classifier, ",") != "procedure" {
		t.Errorf("t-11 categories %v classifier %v", t11.Categories, t11.Classifier)
	}
	// The export is in the audit log, with the operator, and the chain holds.
	var last store.AuditEntry
	fx.DB.AuditLog(1, func(e store.AuditEntry) error { last = e; return nil })
	if last.Action != store.ActExport || last.Actor != "op-dave" || last.Subject != fx.RefA.ID ||
		last.Detail["zip_sha256"] != res.ZipSHA256 || last.Detail["manifest_sha256"] != store.SHA256(got[ManifestFile]) {
		t.Errorf("audit entry = %+v", last)
	}
	if _, err := fx.DB.VerifyAudit(); err != nil {
		t.Error(err)
	}
	// No temporary folder or zip is left beside the pack.
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 2 {
		var n []string
		for _, e := range ents {
			n = append(n, e.Name())
		}
		t.Errorf("beside the pack: %v", n)
	}
}

func findPost(t *testing.T, doc *Document, id string) Post {
	t.Helper()
	for _, p := range doc.Profiles {
		for _, post := range p.Posts {
			if post.ID == id {
				return post
			}
		}
	}
	t.Fatalf("post %s not in the document", id)
	return Post{}
}

func TestWARCInPack(t *testing.T) {
	fx := exporttest.Build(t)
	out := filepath.Join(t.TempDir(), "p")
	write(t, fx, Request{Referral: fx.RefA.ID}, out, genAt)
	got := files(t, out)
	r, err := warc.NewReader(bytes.NewReader(got[WARCFile]))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, rec.Type())
		if rec.Type() != warc.TypeResponse {
			continue
		}
		_, _, body, err := warc.ParseHTTP(rec.Block)
		if err != nil {
			t.Fatal(err)
		}
		sha := store.SHA256(body)
		found := false
		for name, b := range got {
			if strings.HasPrefix(name, "evidence/payloads/"+sha) && bytes.Equal(b, body) {
				found = true
			}
		}
		if !found {
			t.Errorf("WARC response %s has no matching payload file", rec.Header.Get("WARC-Target-URI"))
		}
	}
	// warcinfo, then t-10, t-11, f-20 page and profile page, t-10's recheck.
	if strings.Join(types, ",") != "warcinfo,response,response,response,response,response" {
		t.Errorf("records = %v", types)
	}
}

// Exporting the same referral twice gives the same files, except the
// documented timestamped ones.
func TestHashStability(t *testing.T) {
	fx := exporttest.Build(t)
	dir := t.TempDir()
	// The zip's top folder is the pack's name, so compare packs of one name.
	a := write(t, fx, Request{Referral: fx.RefA.ID}, filepath.Join(dir, "a", "pack"), genAt)
	b := write(t, fx, Request{Referral: fx.RefA.ID}, filepath.Join(dir, "b", "pack"), genAt)
	later := genAt.Add(49 * time.Hour)
	write(t, fx, Request{Referral: fx.RefA.ID}, filepath.Join(dir, "c"), later)
	if a.ManifestSHA256 != b.ManifestSHA256 || a.ZipSHA256 != b.ZipSHA256 {
		t.Fatalf("same referral, same time: manifests %s/%s zips %s/%s", a.ManifestSHA256, b.ManifestSHA256, a.ZipSHA256, b.ZipSHA256)
	}
	fa, fc := files(t, filepath.Join(dir, "a", "pack")), files(t, filepath.Join(dir, "c"))
	var differ []string
	for name := range fa {
		if !bytes.Equal(fa[name], fc[name]) {
			differ = append(differ, name)
		}
	}
	sort.Strings(differ)
	// TimestampedFiles is what SCHEMA.md documents.
	if strings.Join(differ, ",") != strings.Join(TimestampedFiles, ",") {
		t.Fatalf("files that changed with the export time: %v, documented: %v", differ, TimestampedFiles)
	}
	// Beyond the generation time, the report and document are identical.
	for _, name := range []string{HTMLFile, JSONFile} {
		norm := func(b []byte, at time.Time) string {
			s := string(b)
			for _, f := range []string{time.RFC3339, "2006-01-02 15:04:05 UTC"} {
				s = strings.ReplaceAll(s, at.Format(f), "<generated>")
			}
			return s
		}
		if norm(fa[name], genAt) != norm(fc[name], later) {
			t.Errorf("%s differs beyond its generation time", name)
		}
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	for name, b := range files(t, src) {
		p := filepath.Join(dst, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func problemFiles(r *Report) []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.File)
	}
	return out
}

func TestTamperDetected(t *testing.T) {
	fx := exporttest.Build(t)
	out := filepath.Join(t.TempDir(), "pack")
	write(t, fx, Request{Referral: fx.RefA.ID}, out, genAt)
	pub := testKey(t).Public().(ed25519.PublicKey)
	for name := range files(t, out) {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, out)
			p := filepath.Join(dir, filepath.FromSlash(name))
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o644)
			rep := Verify(os.DirFS(dir), pub)
			if rep.Err() == nil {
				t.Fatal("tampered pack verified")
			}
			if rep.Problems[0].File != name && !(name == SignatureFile && rep.Problems[0].File == ManifestFile) {
				t.Fatalf("first problem %v, want one naming %s", rep.Problems, name)
			}
		})
	}
	t.Run("deleted", func(t *testing.T) {
		dir := copyDir(t, out)
		os.Remove(filepath.Join(dir, CSVFile))
		rep := Verify(os.DirFS(dir), pub)
		if rep.Err() == nil || rep.Problems[0].File != CSVFile || !strings.Contains(rep.Problems[0].Reason, "missing") {
			t.Fatalf("problems = %v", rep.Problems)
		}
	})
	t.Run("added", func(t *testing.T) {
		dir := copyDir(t, out)
		os.WriteFile(filepath.Join(dir, "evidence", "extra.txt"), []byte("x"), 0o644)
		rep := Verify(os.DirFS(dir), pub)
		if rep.Err() == nil || strings.Join(problemFiles(rep), ",") != "evidence/extra.txt" {
			t.Fatalf("problems = %v", rep.Problems)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		other, _, _ := ed25519.GenerateKey(rand.Reader)
		rep := Verify(os.DirFS(out), other)
		if rep.Err() == nil || rep.Trusted || rep.Problems[0].File != PublicKeyPEM {
			t.Fatalf("problems = %v", rep.Problems)
		}
	})
	t.Run("re-signed by someone else", func(t *testing.T) {
		// An attacker edits a file and re-seals the pack with their own key:
		// the pack is consistent, so only the trusted key catches it.
		dir := copyDir(t, out)
		os.WriteFile(filepath.Join(dir, CSVFile), []byte("forged"), 0o644)
		_, evil, _ := ed25519.GenerateKey(rand.Reader)
		os.WriteFile(filepath.Join(dir, PublicKeyPEM), PublicPEM(evil.Public().(ed25519.PublicKey)), 0o644)
		var m Manifest
		raw, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
		json.Unmarshal(raw, &m)
		if _, err := seal(dir, m, evil); err != nil {
			t.Fatal(err)
		}
		if err := Verify(os.DirFS(dir), nil).Err(); err != nil {
			t.Fatalf("self-consistent forgery should pass without a trusted key: %v", err)
		}
		rep := Verify(os.DirFS(dir), pub)
		if rep.Err() == nil || rep.Problems[0].File != PublicKeyPEM {
			t.Fatalf("problems = %v", rep.Problems)
		}
	})
	t.Run("zip", func(t *testing.T) {
		src, _ := os.ReadFile(out + ".zip")
		zr, _ := zip.NewReader(bytes.NewReader(src), int64(len(src)))
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			if strings.HasSuffix(f.Name, "/"+JSONFile) {
				b = bytes.Replace(b, []byte("rev-carol"), []byte("rev-mallo"), 1)
			}
			w, _ := zw.Create(f.Name)
			w.Write(b)
		}
		zw.Close()
		zp := filepath.Join(t.TempDir(), "t.zip")
		os.WriteFile(zp, buf.Bytes(), 0o644)
		zfs, c, err := OpenPack(zp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		rep := Verify(zfs, pub)
		if rep.Err() == nil || rep.Problems[0].File != JSONFile {
			t.Fatalf("problems = %v", rep.Problems)
		}
	})
}

func TestBadRequests(t *testing.T) {
	fx := exporttest.Build(t)
	dir := t.TempDir()
	opt := func(out string) Options {
		return Options{Out: out, Key: testKey(t), Operator: "op", Tool: "t", Now: genAt}
	}
	ctx := context.Background()
	if _, err := Write(ctx, fx.DB, Request{Referral: "REF-1999-00001"}, opt(filepath.Join(dir, "x"))); !errors.Is(err, ErrUnknownReferral) {
		t.Errorf("unknown referral: %v", err)
	}
	if _, err := Write(ctx, fx.DB, Request{Force: "Gwent Police"}, opt(filepath.Join(dir, "x"))); !errors.Is(err, ErrNoReferrals) ||
		!strings.Contains(err.Error(), exporttest.ForceA) {
		t.Errorf("force without referrals: %v", err)
	}
	if _, err := Write(ctx, fx.DB, Request{Force: exporttest.ForceA, Since: genAt}, opt(filepath.Join(dir, "x"))); !errors.Is(err, ErrNoReferrals) {
		t.Errorf("nothing since: %v", err)
	}
	full := filepath.Join(dir, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644)
	if _, err := Write(ctx, fx.DB, Request{Referral: fx.RefA.ID}, opt(full)); !errors.Is(err, ErrOutExists) {
		t.Errorf("non-empty folder: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(full, "keep.txt")); string(b) != "mine" {
		t.Error("an existing file was touched")
	}
	os.WriteFile(filepath.Join(dir, "z.zip"), nil, 0o644)
	if _, err := Write(ctx, fx.DB, Request{Referral: fx.RefA.ID}, opt(filepath.Join(dir, "z"))); !errors.Is(err, ErrOutExists) {
		t.Errorf("existing zip: %v", err)
	}
	noKey := opt(filepath.Join(dir, "k"))
	noKey.Key = nil
	if _, err := Write(ctx, fx.DB, Request{Referral: fx.RefA.ID}, noKey); !errors.Is(err, ErrKey) {
		t.Errorf("no key: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("after failed exports the folder holds %d entries, want 2", len(ents))
	}
	// An empty folder is fine: it is replaced.
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if _, err := Write(ctx, fx.DB, Request{Referral: fx.RefA.ID}, opt(empty)); err != nil {
		t.Errorf("empty folder: %v", err)
	}
	// A cancelled export leaves nothing behind.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Write(cctx, fx.DB, Request{Referral: fx.RefA.ID}, opt(filepath.Join(dir, "c"))); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "c")); err == nil {
		t.Error("cancelled export left its folder")
	}
}

func TestForceSelection(t *testing.T) {
	fx := exporttest.Build(t)
	doc, err := Load(context.Background(), fx.DB, Request{Force: strings.ToUpper(exporttest.ForceB), Since: exporttest.Start})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Force != exporttest.ForceB || len(doc.Referrals) != 1 || doc.Referrals[0].ID != fx.RefB.ID ||
		doc.Counts.Posts != 1 || doc.Counts.ByCategory["political"] != 1 || doc.Selection.Since == nil {
		t.Fatalf("doc = %+v", doc)
	}
}

func TestCSV(t *testing.T) {
	fx := exporttest.Build(t)
	doc, err := Load(context.Background(), fx.DB, Request{Referral: fx.RefA.ID})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := RenderCSV(&b, &doc); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || len(rows[0]) != len(CSVColumns) {
		t.Fatalf("%d rows of %d columns", len(rows), len(rows[0]))
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	for _, r := range rows[1:] {
		if r[col["post_id"]] != "10" {
			continue
		}
		if r[col["text"]] != exporttest.HostileText {
			t.Errorf("text = %q", r[col["text"]])
		}
		if !strings.Contains(r[col["reviews"]], "note: =HYPERLINK") || r[col["last_check_state"]] != "removed" {
			t.Errorf("reviews %q, last check %q", r[col["reviews"]], r[col["last_check_state"]])
		}
		return
	}
	t.Fatal("post 10 not in the CSV")
}

func TestInert(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+x": "'+x", "-2": "'-2", "@SUM": "'@SUM", "ok": "ok", "": ""} {
		if got := inert(in); got != want {
			t.Errorf("inert(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocateAndSegments(t *testing.T) {
	text := "a😀b <x>"
	emoji := strings.Index(text, "😀")
	cases := []struct {
		s  store.Span
		ok bool
	}{
		{store.Span{Start: emoji, End: emoji + 4, Text: "😀"}, true},
		{store.Span{Start: emoji + 1, End: emoji + 4}, false}, // inside the rune
		{store.Span{Start: 0, End: emoji + 2}, false},
		{store.Span{Start: 0, End: 99}, false},
		{store.Span{Start: -1, End: 1}, false},
		{store.Span{Start: 2, End: 1}, false},
		{store.Span{Start: 0, End: 1, Text: "z"}, false},
		{store.Span{Start: 0, End: 1}, true},
	}
	for _, c := range cases {
		if got := locate(text, c.s).Located; got != c.ok {
			t.Errorf("locate(%+v) = %v", c.s, got)
		}
	}
	segs := segments(text, []Span{
		{Category: "offensive", Start: 0, End: emoji + 4, Located: true},
		{Category: "procedure", Start: emoji, End: len(text), Located: true},
		{Category: "political", Start: 0, End: 3, Located: false},
	})
	var joined string
	var shape []string
	for _, s := range segs {
		joined += s.Text
		shape = append(shape, s.Text+"="+strings.Join(s.Cats, "+"))
	}
	if joined != text || strings.Join(shape, "|") != "a=offensive|😀=offensive+procedure|b <x>=procedure" {
		t.Fatalf("segments = %v", shape)
	}
}
