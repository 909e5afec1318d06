package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/psd-tools/exposure/export/warc"
	"github.com/psd-tools/exposure/store"
)

// Names of the files a pack holds, besides the seal files in manifest.go.
const (
	HTMLFile = "referral.html"
	CSVFile  = "referral.csv"
	JSONFile = "referral.json"
	WARCFile = "evidence/capture.warc.gz"
	HowTo    = "VERIFY.txt"
)

// ErrOutExists means the output folder exists and is not empty, or the zip
// beside it exists.
var ErrOutExists = errors.New("output already exists")

// Options say where and how to write a pack.
type Options struct {
	// Out is the folder to create; the zip goes beside it as Out + ".zip".
	Out string
	// Key signs the manifest.
	Key ed25519.PrivateKey
	// Operator is who runs the export, recorded in the pack and the audit
	// log.
	Operator string
	// Tool is the exposure version.
	Tool string
	// Now is the generation time (default: the store clock).
	Now time.Time
}

// Result describes a written pack.
type Result struct {
	Dir, Zip       string
	Referrals      []string
	Profiles       int
	Posts          int
	Files          []File
	ManifestSHA256 string
	ZipSHA256      string
	KeyFingerprint string
	// Warnings are things the receiving force should know (an evidence
	// hash that no longer matches, a payload the store lost).
	Warnings []string
	Audit    store.AuditEntry
}

// Write builds the pack a request selects in a temporary folder beside
// opt.Out, seals and checks it, zips it, moves both into place and appends
// the export to the audit log. On any error nothing is left behind.
func Write(ctx context.Context, db *store.DB, req Request, opt Options) (*Result, error) {
	if strings.TrimSpace(opt.Operator) == "" {
		return nil, errors.New("export: the operator's name is required")
	}
	if opt.Key == nil {
		return nil, fmt.Errorf("export: no signing key: %w", ErrKey)
	}
	out, err := filepath.Abs(opt.Out)
	if err != nil || opt.Out == "" {
		return nil, fmt.Errorf("export: output folder %q: not a usable path", opt.Out)
	}
	zipPath := out + ".zip"
	// A run killed after recording its export but before moving the pack
	// into place left it beside out: finish that one rather than refuse
	// (out half placed) or write another.
	if res, err := recoverPlacement(db, out, zipPath); err != nil || res != nil {
		return res, err
	}
	replaceEmpty, err := checkOut(out, zipPath)
	if err != nil {
		return nil, err
	}
	p, err := load(ctx, db, req)
	if err != nil {
		return nil, err
	}
	now := opt.Now
	if now.IsZero() {
		now = db.Now()
	}
	pub := opt.Key.Public().(ed25519.PublicKey)
	doc := &p.doc
	doc.GeneratedAt = now.UTC().Truncate(time.Second)
	doc.GeneratedBy = opt.Operator
	doc.ToolVersion = opt.Tool
	doc.KeyFingerprint = Fingerprint(pub)

	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, tmpPrefix(out))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	tmpZip := tmp + ".zip"
	placed := false
	defer func() {
		if !placed {
			os.RemoveAll(tmp)
			os.Remove(tmpZip)
		}
	}()
	res := &Result{Dir: out, Zip: zipPath, Profiles: doc.Counts.Profiles, Posts: doc.Counts.Posts,
		KeyFingerprint: doc.KeyFingerprint}
	for _, r := range doc.Referrals {
		res.Referrals = append(res.Referrals, r.ID)
	}
	res.Warnings = warnings(doc)
	if err := p.writeFiles(ctx, db, tmp, pub); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	manifest, err := seal(tmp, Manifest{Created: doc.GeneratedAt, Tool: opt.Tool, Referrals: res.Referrals}, opt.Key)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	res.ManifestSHA256 = store.SHA256(manifest)
	// Check the sealed pack as a receiver would before it leaves.
	rep := Verify(os.DirFS(tmp), pub)
	if err := rep.Err(); err != nil {
		return nil, fmt.Errorf("export: the pack just written does not verify: %w", err)
	}
	res.Files = rep.Manifest.Files
	if res.ZipSHA256, err = zipDir(tmp, tmpZip, filepath.Base(out), doc.GeneratedAt); err != nil {
		return nil, fmt.Errorf("export: zip: %w", err)
	}
	// The audit entry comes before the pack is moved into place, so that
	// no pack exists that the log does not record; a kill between the two
	// leaves the sealed pack beside out, and the next run places it (see
	// recoverPlacement). Nothing is removed after this point on failure.
	detail := map[string]string{
		"referrals":       strings.Join(res.Referrals, ","),
		"force":           doc.Force,
		"out":             out,
		"zip_sha256":      res.ZipSHA256,
		"manifest_sha256": res.ManifestSHA256,
		"key":             res.KeyFingerprint,
		"files":           strconv.Itoa(len(res.Files)),
		"posts":           strconv.Itoa(res.Posts),
		"profiles":        strconv.Itoa(res.Profiles),
	}
	subject := res.Referrals[0]
	if req.Referral == "" {
		subject = "force:" + doc.Force
		if doc.Selection.Since != nil {
			detail["since"] = doc.Selection.Since.Format(time.RFC3339)
		}
	}
	res.Audit, err = db.Audit(opt.Operator, store.ActExport, subject, detail)
	if err != nil {
		return nil, fmt.Errorf("export: audit: %w", err)
	}
	placed = true
	if replaceEmpty {
		if err := os.Remove(out); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	if err := place(tmp, tmpZip, out, zipPath); err != nil {
		return nil, err
	}
	return res, nil
}

// place moves a sealed pack and its zip into place: the folder first, the
// zip last, so that a folder without its zip means the move was
// interrupted.
func place(tmp, tmpZip, out, zipPath string) error {
	if tmp != out {
		if err := os.Rename(tmp, out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if tmpZip != zipPath {
		if err := os.Rename(tmpZip, zipPath); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// tmpPrefix is the name prefix of the folder (and zip) a pack for out is
// built in, beside out.
func tmpPrefix(out string) string { return "." + filepath.Base(out) + ".tmp-" }

// recoverPlacement finds the work of an earlier run for out that was
// killed part way. A pack whose export the audit log records (same out,
// same manifest and zip hashes) but that is not all in place is moved into
// place, and its Result returned with a warning. Anything else built for
// out and never recorded is removed. It returns nil when there was nothing
// to finish.
func recoverPlacement(db *store.DB, out, zipPath string) (*Result, error) {
	parent, prefix := filepath.Dir(out), tmpPrefix(out)
	ents, err := os.ReadDir(parent)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("export: %w", err)
	}
	var leftovers []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			leftovers = append(leftovers, filepath.Join(parent, e.Name()))
		}
	}
	if len(leftovers) == 0 {
		return nil, nil
	}
	// The last export recorded for out.
	var last *store.AuditEntry
	err = db.AuditLog(1, func(e store.AuditEntry) error {
		if e.Action == store.ActExport && e.Detail["out"] == out {
			last = &e
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var res *Result
	if last != nil {
		if res, err = finishPlacement(*last, leftovers, out, zipPath); err != nil {
			return nil, err
		}
	}
	for _, l := range leftovers {
		if err := os.RemoveAll(l); err != nil {
			return nil, fmt.Errorf("export: remove what an interrupted export left: %w", err)
		}
	}
	return res, nil
}

// finishPlacement moves the recorded pack e among the leftovers into
// place, if that is what they are.
func finishPlacement(e store.AuditEntry, leftovers []string, out, zipPath string) (*Result, error) {
	manifestOf := func(dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
		if err != nil {
			return ""
		}
		return store.SHA256(b)
	}
	fileSHA := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			return ""
		}
		return store.SHA256(b)
	}
	dir, zip := "", ""
	if manifestOf(out) == e.Detail["manifest_sha256"] {
		dir = out
	}
	if fileSHA(zipPath) == e.Detail["zip_sha256"] {
		zip = zipPath
	}
	for _, l := range leftovers {
		if strings.HasSuffix(l, ".zip") {
			if zip == "" && fileSHA(l) == e.Detail["zip_sha256"] {
				zip = l
			}
		} else if dir == "" && manifestOf(l) == e.Detail["manifest_sha256"] {
			dir = l
		}
	}
	if dir == "" || zip == "" || (dir == out && zip == zipPath) {
		return nil, nil
	}
	if dir != out {
		if _, err := os.Lstat(out); err == nil {
			return nil, nil // out holds something else: leave it to checkOut
		}
	}
	if err := place(dir, zip, out, zipPath); err != nil {
		return nil, err
	}
	rep := Verify(os.DirFS(out), nil)
	if err := rep.Err(); err != nil {
		return nil, fmt.Errorf("export: the interrupted export placed at %s does not verify: %w", out, err)
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	res := &Result{Dir: out, Zip: zipPath, Referrals: strings.Split(e.Detail["referrals"], ","),
		Profiles: atoi(e.Detail["profiles"]), Posts: atoi(e.Detail["posts"]), Files: rep.Manifest.Files,
		ManifestSHA256: e.Detail["manifest_sha256"], ZipSHA256: e.Detail["zip_sha256"], KeyFingerprint: e.Detail["key"],
		Audit: e, Warnings: []string{fmt.Sprintf("finished placing the export recorded in audit entry %d, which an earlier run was stopped before completing", e.Seq)}}
	return res, nil
}

// checkOut refuses an output folder that exists and is not empty, and an
// existing zip. It reports whether out is an empty folder to replace.
func checkOut(out, zipPath string) (bool, error) {
	replace := false
	st, err := os.Lstat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return false, fmt.Errorf("export: %w", err)
	case !st.IsDir():
		return false, fmt.Errorf("export: %s exists and is not a folder: %w", out, ErrOutExists)
	default:
		ents, err := os.ReadDir(out)
		if err != nil {
			return false, fmt.Errorf("export: %w", err)
		}
		if len(ents) > 0 {
			return false, fmt.Errorf("export: %s exists and is not empty: %w", out, ErrOutExists)
		}
		replace = true
	}
	if _, err := os.Lstat(zipPath); err == nil {
		return false, fmt.Errorf("export: %s exists: %w", zipPath, ErrOutExists)
	}
	return replace, nil
}

func warnings(doc *Document) []string {
	var out []string
	for _, p := range doc.Profiles {
		for _, t := range p.Posts {
			if !t.HashVerified {
				out = append(out, fmt.Sprintf("post %s/%s: evidence hash does not match the stored capture", t.Platform, t.ID))
			}
			for _, pl := range []*Payload{t.Payload, t.ProfilePage} {
				if pl != nil && pl.Missing {
					out = append(out, fmt.Sprintf("post %s/%s: payload %s is missing from the store", t.Platform, t.ID, short(pl.SHA256)))
				}
			}
			for _, s := range t.Evidence {
				if !s.Located {
					out = append(out, fmt.Sprintf("post %s/%s: %s span %d-%d not found in the captured text", t.Platform, t.ID, s.Category, s.Start, s.End))
				}
			}
		}
	}
	return out
}

// writeFiles writes everything but the seal files into dir.
func (p *pack) writeFiles(ctx context.Context, db *store.DB, dir string, pub ed25519.PublicKey) error {
	put := func(name string, data []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, data, 0o644)
	}
	var b bytes.Buffer
	if err := RenderHTML(&b, &p.doc); err != nil {
		return fmt.Errorf("render %s: %w", HTMLFile, err)
	}
	if err := put(HTMLFile, b.Bytes()); err != nil {
		return err
	}
	b.Reset()
	if err := RenderCSV(&b, &p.doc); err != nil {
		return fmt.Errorf("render %s: %w", CSVFile, err)
	}
	if err := put(CSVFile, b.Bytes()); err != nil {
		return err
	}
	js, err := json.MarshalIndent(&p.doc, "", "  ")
	if err != nil {
		return fmt.Errorf("render %s: %w", JSONFile, err)
	}
	if err := put(JSONFile, append(js, '\n')); err != nil {
		return err
	}
	for _, c := range p.captures {
		if err := put(c.path, c.raw); err != nil {
			return err
		}
	}
	shas := sortedKeys(p.payloads)
	bodies := map[string][]byte{}
	for _, sha := range shas {
		if err := ctx.Err(); err != nil {
			return err
		}
		body, err := db.Payload(sha)
		if err != nil {
			return err
		}
		if err := put(p.payloads[sha], body); err != nil {
			return err
		}
		bodies[sha] = body
	}
	b.Reset()
	if err := p.writeWARC(&b, bodies); err != nil {
		return err
	}
	if err := put(WARCFile, b.Bytes()); err != nil {
		return err
	}
	if err := put(PublicKeyPEM, PublicPEM(pub)); err != nil {
		return err
	}
	return put(HowTo, []byte(howTo(&p.doc)))
}

// writeWARC archives every captured HTTP response, oldest first.
func (p *pack) writeWARC(w io.Writer, bodies map[string][]byte) error {
	ww := warc.NewWriter(w)
	refs := make([]string, len(p.doc.Referrals))
	for i, r := range p.doc.Referrals {
		refs[i] = r.ID
	}
	info, err := ww.Info(p.doc.GeneratedAt, filepath.Base(WARCFile), warc.Header{
		{Name: "software", Value: "exposure " + p.doc.ToolVersion},
		{Name: "format", Value: "WARC File Format 1.1"},
		{Name: "conformsTo", Value: "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{Name: "description", Value: "HTTP responses captured as evidence for referrals to " + p.doc.Force},
		{Name: "isPartOf", Value: strings.Join(refs, " ")},
		{Name: "operator", Value: p.doc.GeneratedBy},
	})
	if err != nil {
		return err
	}
	for _, pl := range p.warc {
		body, ok := bodies[pl.SHA256]
		if !ok {
			continue // missing from the store; the document says so
		}
		if _, err := ww.Response(warc.Response{URI: pl.URL, Date: pl.FetchedAt, Status: pl.Status,
			ContentType: pl.ContentType, Header: pl.Header, Body: body, InfoID: info}); err != nil {
			return err
		}
	}
	return nil
}

// zipDir zips every file under dir below a top-level folder named root,
// with fixed times and order so the same pack zips to the same bytes.
func zipDir(dir, zipPath, root string, mod time.Time) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	f, err := os.OpenFile(zipPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, name := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: root + "/" + name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return "", err
		}
		src, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return "", err
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	sum, _, err := hashReader(f)
	return sum, err
}

func howTo(doc *Document) string {
	return `This folder is an evidence pack written by exposure ` + doc.ToolVersion + `.

Every file is listed with its SHA-256 in manifest.json. manifest.sig is the
raw Ed25519 signature over the exact bytes of manifest.json, made with the
key in public_key.pem (fingerprint, the SHA-256 of the raw key:
` + doc.KeyFingerprint + `).

Check it with exposure, against the sender's key you were given apart
from this pack:

    exposure verify --pubkey sender.pub THIS-FOLDER

or with standard tools:

    openssl pkeyutl -verify -pubin -inkey sender.pub -rawin \
        -in manifest.json -sigfile manifest.sig
    sha256sum <file>      # compare with manifest.json

Each post's evidence hash is the SHA-256 of its capture record in
evidence/captures/, fixed when the post was captured. evidence/payloads/
holds the raw HTTP bodies captured, named by their SHA-256, and
evidence/capture.warc.gz the same responses as WARC/1.1 for web-archive
replay tools. referral.json follows the schema ` + Schema + ` version ` + strconv.Itoa(Version) + `.
`
}

// TimestampedFiles are the pack files whose bytes change with the export
// time, sorted (the zip changes with them); every other file is the same
// each time a referral is exported. SCHEMA.md lists them.
var TimestampedFiles = []string{WARCFile, ManifestFile, SignatureFile, HTMLFile, JSONFile}
