package export

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Names of the files that seal a pack.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.sig"
	PublicKeyPEM  = "public_key.pem"
)

// Manifest schema.
const (
	ManifestSchema  = "exposure.manifest"
	ManifestVersion = 1
)

// maxManifest caps the manifest Verify reads into memory.
const maxManifest = 16 << 20

// Manifest lists every file of a pack with its SHA-256. manifest.sig holds
// the raw 64-byte Ed25519 signature over the exact bytes of manifest.json,
// and public_key.pem the key that made it.
type Manifest struct {
	Schema    string    `json:"schema"`
	Version   int       `json:"version"`
	Created   time.Time `json:"created"`
	Tool      string    `json:"tool"`
	Referrals []string  `json:"referrals"`
	// KeyFingerprint is the hex SHA-256 of the signing public key.
	KeyFingerprint string `json:"key_fingerprint"`
	Files          []File `json:"files"`
}

// File is one manifest entry.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// seal lists every file under dir in a manifest, writes manifest.json and
// signs it into manifest.sig. It returns the manifest bytes.
func seal(dir string, m Manifest, priv ed25519.PrivateKey) ([]byte, error) {
	m.Schema, m.Version = ManifestSchema, ManifestVersion
	m.KeyFingerprint = Fingerprint(priv.Public().(ed25519.PublicKey))
	m.Files = nil
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestFile || rel == SignatureFile {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sum, n, err := hashReader(f)
		if err != nil {
			return fmt.Errorf("hash %s: %w", rel, err)
		}
		m.Files = append(m.Files, File{Path: rel, SHA256: sum, Size: n})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	raw = append(raw, '\n')
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), raw, 0o644); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, SignatureFile), ed25519.Sign(priv, raw), 0o644); err != nil {
		return nil, fmt.Errorf("manifest signature: %w", err)
	}
	return raw, nil
}

func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// Problem is one reason a pack fails verification, naming the file.
type Problem struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.File + ": " + p.Reason }

// Report is the outcome of Verify.
type Report struct {
	Manifest *Manifest
	// KeyFingerprint is the fingerprint of the key in the pack.
	KeyFingerprint string
	// Trusted is true when a trusted key was given and the pack was
	// signed with it.
	Trusted bool
	// Checked counts files whose hash matched.
	Checked  int
	Problems []Problem
}

// VerifyError is returned by Report.Err when a pack fails verification.
type VerifyError struct{ Problems []Problem }

func (e *VerifyError) Error() string {
	msg := "pack fails verification: " + e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem(s))", n)
	}
	return msg
}

// Err is nil when the pack verified, else a *VerifyError.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return &VerifyError{Problems: r.Problems}
}

func (r *Report) fail(file, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Reason: fmt.Sprintf(format, args...)})
}

// Verify checks a pack: the manifest parses, its signature verifies
// against the pack's public key (and that key is trusted, when trusted is
// not nil), every listed file exists with its size and SHA-256, and no
// file is present that the manifest does not list. Every problem is
// reported with the file it concerns; a pack verifies only when there are
// none.
func Verify(fsys fs.FS, trusted ed25519.PublicKey) *Report {
	r := &Report{}
	raw, err := readCapped(fsys, ManifestFile, maxManifest)
	if err != nil {
		r.fail(ManifestFile, "%v", err)
		return r
	}
	sig, err := readCapped(fsys, SignatureFile, 1024)
	switch {
	case err != nil:
		r.fail(SignatureFile, "%v", err)
	case len(sig) != ed25519.SignatureSize:
		r.fail(SignatureFile, "is %d bytes, not a %d-byte Ed25519 signature", len(sig), ed25519.SignatureSize)
		sig = nil
	}
	var pub ed25519.PublicKey
	if pemRaw, err := readCapped(fsys, PublicKeyPEM, 16<<10); err != nil {
		r.fail(PublicKeyPEM, "%v", err)
	} else if pub, err = ParsePublicPEM(pemRaw); err != nil {
		r.fail(PublicKeyPEM, "%v", err)
	} else {
		r.KeyFingerprint = Fingerprint(pub)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		r.fail(ManifestFile, "not a valid manifest: %v", err)
		return r
	}
	if dec.More() {
		r.fail(ManifestFile, "not a valid manifest: data after the JSON object")
		return r
	}
	if m.Schema != ManifestSchema || m.Version != ManifestVersion {
		r.fail(ManifestFile, "schema %q version %d; this exposure reads %s version %d", m.Schema, m.Version, ManifestSchema, ManifestVersion)
		return r
	}
	r.Manifest = &m
	if pub != nil {
		if m.KeyFingerprint != r.KeyFingerprint {
			r.fail(PublicKeyPEM, "key %s is not the key %s named in %s", short(r.KeyFingerprint), short(m.KeyFingerprint), ManifestFile)
		}
		if trusted != nil {
			if pub.Equal(trusted) {
				r.Trusted = true
			} else {
				r.fail(PublicKeyPEM, "pack was signed with key %s, not the trusted key %s", short(r.KeyFingerprint), short(Fingerprint(trusted)))
			}
		}
		if sig != nil && !ed25519.Verify(pub, raw, sig) {
			r.fail(ManifestFile, "signature in %s does not match: %s or the signature was changed", SignatureFile, ManifestFile)
		}
	}
	listed := map[string]bool{ManifestFile: true, SignatureFile: true}
	for _, f := range m.Files {
		if !fs.ValidPath(f.Path) || f.Path == "." || strings.Contains(f.Path, `\`) {
			r.fail(ManifestFile, "lists an invalid path %q", f.Path)
			continue
		}
		if listed[f.Path] {
			r.fail(ManifestFile, "lists %s twice or lists a seal file", f.Path)
			continue
		}
		listed[f.Path] = true
		r.checkFile(fsys, f)
	}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			r.fail(p, "cannot be read: %v", err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			r.fail(p, "is not a regular file")
			return nil
		}
		if !listed[p] {
			r.fail(p, "is not listed in %s (added after the pack was sealed)", ManifestFile)
		}
		return nil
	})
	if err != nil {
		r.fail(".", "cannot be listed: %v", err)
	}
	return r
}

func (r *Report) checkFile(fsys fs.FS, f File) {
	fh, err := fsys.Open(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		r.fail(f.Path, "is missing")
		return
	}
	if err != nil {
		r.fail(f.Path, "cannot be read: %v", err)
		return
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		r.fail(f.Path, "is not a regular file")
		return
	}
	sum, n, err := hashReader(fh)
	switch {
	case err != nil:
		r.fail(f.Path, "cannot be read: %v", err)
	case n != f.Size:
		r.fail(f.Path, "is %d bytes, the manifest says %d: the file was changed", n, f.Size)
	case sum != f.SHA256:
		r.fail(f.Path, "SHA-256 %s does not match the manifest's %s: the file was changed", short(sum), short(f.SHA256))
	default:
		r.Checked++
	}
}

func readCapped(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("is missing")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %v", err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("is larger than %d bytes", max)
	}
	return b, nil
}

// short abbreviates a hex digest for messages.
func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// OpenPack opens a pack folder, or the zip of one, as a file system rooted
// at the pack. Close the returned closer when done.
func OpenPack(path string) (fs.FS, io.Closer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("pack %s: %w", path, err)
	}
	if st.IsDir() {
		return os.DirFS(path), io.NopCloser(nil), nil
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, fmt.Errorf("pack %s: not a folder or a zip: %w", path, err)
	}
	seen := map[string]bool{}
	top := map[string]bool{}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, "/")
		if !fs.ValidPath(name) || strings.Contains(name, `\`) {
			zr.Close()
			return nil, nil, fmt.Errorf("pack %s: zip entry %q is not a safe path", path, f.Name)
		}
		if seen[name] {
			zr.Close()
			return nil, nil, fmt.Errorf("pack %s: zip entry %q appears twice", path, f.Name)
		}
		seen[name] = true
		first, _, _ := strings.Cut(name, "/")
		top[first] = true
	}
	if seen[ManifestFile] || len(top) != 1 {
		return zr, zr, nil
	}
	for root := range top {
		sub, err := fs.Sub(zr, root)
		if err != nil {
			zr.Close()
			return nil, nil, err
		}
		return sub, zr, nil
	}
	return zr, zr, nil
}
