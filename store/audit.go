package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"maps"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Audit actions written by the store itself. Callers may use others.
const (
	ActSweepStart   = "sweep.start"
	ActSweepFinish  = "sweep.finish"
	ActReview       = "review"
	ActRefer        = "referral.create"
	ActRecheck      = "recheck"
	ActStateChange  = "recheck.state_change"
	ActExport       = "export"
	ActPurge        = "purge"
	ActConfigChange = "config.change"
)

// Detail keys of a purge's tombstone that record its audit redactions.
const (
	// TombRedacted is how many entries the purge redacted.
	TombRedacted = "audit_redacted"
	// TombDigest is the SHA-256 over those entries as redacted, in
	// sequence order (see redactionDigest).
	TombDigest = "audit_digest"
	// TombLegacy is how many of them were legacy (unsealed) entries.
	TombLegacy = "audit_legacy"
	// TombBroken lists entries about deleted records left unredacted
	// because they fail their own check.
	TombBroken = "audit_broken"
)

// Field names in seals and redactions.
const (
	fieldSubject = "subject"
	fieldDetail  = "detail."
	saltLen      = 16
)

func detailField(key string) string { return fieldDetail + key }

func detailKey(field string) (string, bool) { return strings.CutPrefix(field, fieldDetail) }

func (r *AuditRedaction) fields() map[string]string {
	if r == nil {
		return nil
	}
	return r.Fields
}

// auditHash is the chain hash of an unsealed (schema 1) entry: SHA-256
// over the previous hash and the entry's canonical JSON without its own
// hash. It must never change: every entry written before sealing is
// checked with it.
func auditHash(e AuditEntry) string {
	e.Hash = ""
	raw, _ := json.Marshal(e) // struct with string maps: cannot fail
	return chainHash(e.Prev, raw)
}

// chainHash links an entry's hashed form to the previous entry's hash.
func chainHash(prev string, raw []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// sealedForm is what a sealed entry's hash covers: the fields no purge
// removes, and a commitment to each value a purge may remove. The set of
// fields is covered too, so adding or dropping a detail key is seen.
type sealedForm struct {
	Sealed int               `json:"sealed"` // version of this form
	Seq    uint64            `json:"seq"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`
	Action string            `json:"action"`
	Fields map[string]string `json:"fields"` // field -> hex commitment
}

// fieldSalt derives a field's salt from the entry's. One random salt per
// entry keeps entries small; deriving per field lets a redaction keep the
// salts of the fields it leaves without revealing the entry salt, which
// would let anyone test guesses of a removed value.
func fieldSalt(entry []byte, field string) []byte {
	m := hmac.New(sha256.New, entry)
	m.Write([]byte("exposure audit field salt\x00"))
	m.Write([]byte(field))
	return m.Sum(nil)
}

// commitment binds a value to its field's salt. Without the salt a
// commitment cannot be tested against guesses such as a list of handles.
func commitment(salt []byte, value string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// shown returns the fields e still shows, with their values.
func shown(e AuditEntry) map[string]string {
	out := make(map[string]string, len(e.Detail)+1)
	if !e.SubjectRedacted() {
		out[fieldSubject] = e.Subject
	}
	for k, v := range e.Detail {
		out[detailField(k)] = v
	}
	return out
}

// fieldSalts returns the salt of every field a sealed entry shows.
func fieldSalts(e AuditEntry) (map[string][]byte, error) {
	fields := shown(e)
	out := make(map[string][]byte, len(fields))
	if e.Seal.Salt != "" {
		if len(e.Seal.Salts) > 0 || e.Redaction != nil {
			return nil, errors.New("entry salt kept beside a redaction")
		}
		salt, err := hex.DecodeString(e.Seal.Salt)
		if err != nil || len(salt) != saltLen {
			return nil, errors.New("malformed salt")
		}
		for f := range fields {
			out[f] = fieldSalt(salt, f)
		}
		return out, nil
	}
	for f := range fields {
		s, err := hex.DecodeString(e.Seal.Salts[f])
		if err != nil || len(s) != sha256.Size {
			return nil, fmt.Errorf("no valid salt for %s", f)
		}
		out[f] = s
	}
	if len(e.Seal.Salts) != len(fields) {
		return nil, errors.New("salt for a field that is not there")
	}
	return out, nil
}

// checkRedaction rejects a redaction that also shows what it removed.
func checkRedaction(e AuditEntry) error {
	for f, c := range e.Redaction.fields() {
		if f == fieldSubject && e.Subject != "" {
			return errors.New("subject both shown and redacted")
		}
		if key, ok := detailKey(f); ok {
			if _, dup := e.Detail[key]; dup {
				return fmt.Errorf("detail %q both shown and redacted", key)
			}
		} else if f != fieldSubject {
			return fmt.Errorf("unknown redacted field %q", f)
		}
		if e.Redaction.Legacy != (c == "") {
			return fmt.Errorf("redacted field %s: commitment does not fit the entry's kind", f)
		}
	}
	return nil
}

// sealedHash is the chain hash of a sealed entry, computed from the values
// it shows and the stored commitments of those a purge removed.
func sealedHash(e AuditEntry) (string, error) {
	if err := checkRedaction(e); err != nil {
		return "", err
	}
	salts, err := fieldSalts(e)
	if err != nil {
		return "", err
	}
	form := sealedForm{Sealed: 1, Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, Fields: map[string]string{}}
	for f, v := range shown(e) {
		form.Fields[f] = commitment(salts[f], v)
	}
	for f, c := range e.Redaction.fields() {
		if b, err := hex.DecodeString(c); err != nil || len(b) != sha256.Size {
			return "", fmt.Errorf("malformed commitment for %s", f)
		}
		form.Fields[f] = c
	}
	raw, _ := json.Marshal(form) // string maps: cannot fail
	return chainHash(e.Prev, raw), nil
}

// errAltered is the reason an entry's content does not match its hash.
var errAltered = errors.New("hash mismatch")

// verifyOwn checks e's content against its own hash. A redacted legacy
// entry passes here: its hash covered the removed values, so what remains
// is checked against its tombstone's digest instead (VerifyAudit).
func verifyOwn(e AuditEntry) error {
	switch {
	case e.Seal != nil:
		if e.Redaction != nil && e.Redaction.Legacy {
			return errors.New("sealed entry marked legacy")
		}
		h, err := sealedHash(e)
		if err != nil {
			return err
		}
		if h != e.Hash {
			return errAltered
		}
	case e.Redaction != nil:
		if !e.Redaction.Legacy {
			return errors.New("redaction of an unsealed entry not marked legacy")
		}
		return checkRedaction(e)
	default:
		if auditHash(e) != e.Hash {
			return errAltered
		}
	}
	return nil
}

// redact removes fields from e on behalf of the tombstone numbered by. A
// sealed entry keeps its hash: the removed values' commitments stay, the
// entry salt goes, and the fields left keep their derived salts. A legacy
// entry keeps its hash unchanged too, and is marked so that verification
// checks it against the tombstone's digest.
func redact(e *AuditEntry, fields []string, by uint64) error {
	if e.Redaction != nil {
		return fmt.Errorf("audit entry %d is already redacted", e.Seq)
	}
	rd := &AuditRedaction{By: by, Fields: map[string]string{}, Legacy: e.Seal == nil}
	var salts map[string][]byte
	if e.Seal != nil {
		var err error
		if salts, err = fieldSalts(*e); err != nil {
			return fmt.Errorf("audit entry %d: %w", e.Seq, err)
		}
	}
	values := shown(*e)
	e.Detail = maps.Clone(e.Detail) // the caller's map may be shared
	for _, f := range fields {
		v, ok := values[f]
		if !ok {
			return fmt.Errorf("audit entry %d has no field %s to redact", e.Seq, f)
		}
		if e.Seal != nil {
			rd.Fields[f] = commitment(salts[f], v)
			delete(salts, f)
		} else {
			rd.Fields[f] = ""
		}
		if f == fieldSubject {
			e.Subject = ""
		} else {
			key, _ := detailKey(f)
			delete(e.Detail, key)
		}
	}
	if len(e.Detail) == 0 {
		e.Detail = nil
	}
	e.Redaction = rd
	if e.Seal == nil {
		return nil
	}
	kept := make(map[string]string, len(salts))
	for f, s := range salts {
		kept[f] = hex.EncodeToString(s)
	}
	e.Seal = &AuditSeal{Salts: kept}
	if h, err := sealedHash(*e); err != nil || h != e.Hash {
		return fmt.Errorf("audit entry %d: redaction would break its hash (%v)", e.Seq, err)
	}
	return nil
}

// redactionDigest accumulates the entries one purge redacted, in sequence
// order. The tombstone records the result; verification recomputes it
// from the entries that name that tombstone, so altering a redacted
// entry, redacting one the purge did not, or un-redacting one is seen.
type redactionDigest struct {
	n     int
	first uint64
	h     hash.Hash
}

func (d *redactionDigest) add(e AuditEntry) {
	if d.h == nil {
		d.h, d.first = sha256.New(), e.Seq
	}
	raw, _ := json.Marshal(e) // cannot fail
	sum := sha256.Sum256(raw)
	d.h.Write(seqKey(e.Seq))
	d.h.Write(sum[:])
	d.n++
}

func (d *redactionDigest) sum() string {
	if d == nil || d.h == nil {
		return ""
	}
	return hex.EncodeToString(d.h.Sum(nil))
}

func (d *redactionDigest) count() int {
	if d == nil {
		return 0
	}
	return d.n
}

// checkTombstone compares what tombstone e records of its redactions
// with d, the entries that name it.
func checkTombstone(e AuditEntry, d *redactionDigest) error {
	want := e.Detail[TombRedacted]
	if want == "" {
		want = "0"
	}
	if e.Action != ActPurge {
		return fmt.Errorf("%d entries claim to be redacted by it, but it is not a purge", d.count())
	}
	if want != strconv.Itoa(d.count()) || (d.count() > 0 && e.Detail[TombDigest] != d.sum()) {
		return fmt.Errorf("it records %s redacted entries, but the %d that name it do not match its digest (one was altered, or redacted without it)",
			want, d.count())
	}
	return nil
}

// appendAudit adds e to the log inside tx, chaining it to the last entry
// and sealing it.
func appendAudit(tx *bolt.Tx, e AuditEntry) (AuditEntry, error) {
	b := tx.Bucket(bAudit)
	if _, last := b.Cursor().Last(); last != nil {
		var prev AuditEntry
		if err := decode(last, &prev); err != nil {
			return e, err
		}
		e.Prev = prev.Hash
	}
	seq, err := b.NextSequence()
	if err != nil {
		return e, err
	}
	e.Seq = seq
	e.At = e.At.UTC()
	salt := make([]byte, saltLen)
	rand.Read(salt) // never fails (crypto/rand since Go 1.24)
	e.Seal, e.Redaction = &AuditSeal{Salt: hex.EncodeToString(salt)}, nil
	if e.Hash, err = sealedHash(e); err != nil {
		return e, err
	}
	return e, put(b, seqKey(seq), e)
}

// Audit appends one entry to the audit log on its own. Changes made by the
// store (reviews, referrals, checks, sweeps) audit themselves in their own
// transaction; this is for actions outside the store, such as an export.
func (db *DB) Audit(actor, action, subject string, detail map[string]string) (AuditEntry, error) {
	var out AuditEntry
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		out, err = appendAudit(tx, AuditEntry{At: db.now(), Actor: actor, Action: action, Subject: subject, Detail: detail})
		return err
	})
	return out, err
}

// AuditLog calls fn for every entry from seq from (1 for all), in order.
func (db *DB) AuditLog(from uint64, fn func(AuditEntry) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for key, v := c.Seek(seqKey(from)); key != nil; key, v = c.Next() {
			var e AuditEntry
			if err := decode(v, &e); err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return endScan(err)
			}
		}
		return nil
	})
}

// ChainError names the first audit entry that breaks the chain.
type ChainError struct {
	Seq    uint64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// VerifyAudit walks the audit log and checks every entry's hash and link;
// it returns the number of entries and a *ChainError for the first broken
// one (an edited entry fails its own hash; a deleted one leaves a gap in
// the sequence and a link that points at nothing). A sealed entry's hash
// is recomputed from the values it shows and the commitments of those a
// purge removed. A purge tombstone's digest must match the entries that
// name it as their redactor: that checks what is left of redacted legacy
// entries, whose own hash can no longer be recomputed, and catches a
// redaction no purge recorded.
func (db *DB) VerifyAudit() (int, error) {
	n := 0
	var prevHash string
	var prevSeq uint64
	claims := map[uint64]*redactionDigest{} // tombstone seq -> entries naming it
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAudit).ForEach(func(key, v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return &ChainError{Seq: prevSeq + 1, Reason: "entry is not valid JSON"}
			}
			if got := string(seqKey(e.Seq)); got != string(key) {
				return &ChainError{Seq: e.Seq, Reason: "sequence number does not match its key"}
			}
			if e.Seq != prevSeq+1 {
				return &ChainError{Seq: prevSeq + 1, Reason: fmt.Sprintf("entry missing (next entry is %d)", e.Seq)}
			}
			if e.Prev != prevHash {
				return &ChainError{Seq: e.Seq, Reason: "link to the previous entry does not match"}
			}
			if err := verifyOwn(e); err != nil {
				return &ChainError{Seq: e.Seq, Reason: "entry was altered (" + err.Error() + ")"}
			}
			if r := e.Redaction; r != nil {
				if r.By <= e.Seq {
					return &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("entry was altered (redacted by entry %d, which is not later)", r.By)}
				}
				if claims[r.By] == nil {
					claims[r.By] = &redactionDigest{}
				}
				claims[r.By].add(e)
			}
			if d := claims[e.Seq]; d != nil || (e.Action == ActPurge && e.Detail[TombRedacted] != "" && e.Detail[TombRedacted] != "0") {
				if err := checkTombstone(e, d); err != nil {
					return &ChainError{Seq: e.Seq, Reason: "redaction record broken: " + err.Error()}
				}
				delete(claims, e.Seq)
			}
			prevHash, prevSeq = e.Hash, e.Seq
			n++
			return nil
		})
	})
	if err == nil && len(claims) > 0 {
		var first *redactionDigest
		var by uint64
		for seq, d := range claims {
			if first == nil || d.first < first.first {
				first, by = d, seq
			}
		}
		err = &ChainError{Seq: first.first, Reason: fmt.Sprintf("entry was altered (redacted by entry %d, which does not exist)", by)}
	}
	return n, err
}

// auditAt builds an entry stamped with the store clock.
func (db *DB) auditAt(actor, action, subject string, detail map[string]string) AuditEntry {
	return AuditEntry{At: db.now(), Actor: actor, Action: action, Subject: subject, Detail: detail}
}

// Now returns the store clock's time in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }
