package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// auditHash is the chain hash of e: SHA-256 over the previous hash and the
// entry's canonical JSON without its own hash.
func auditHash(e AuditEntry) string {
	e.Hash = ""
	raw, _ := json.Marshal(e) // struct with string maps: cannot fail
	h := sha256.New()
	h.Write([]byte(e.Prev))
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit adds e to the log inside tx, chaining it to the last entry.
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
	e.Hash = auditHash(e)
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
// the sequence and a link that points at nothing).
func (db *DB) VerifyAudit() (int, error) {
	n := 0
	var prevHash string
	var prevSeq uint64
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
			if auditHash(e) != e.Hash {
				return &ChainError{Seq: e.Seq, Reason: "entry was altered (hash mismatch)"}
			}
			prevHash, prevSeq = e.Hash, e.Seq
			n++
			return nil
		})
	})
	return n, err
}

// auditAt builds an entry stamped with the store clock.
func (db *DB) auditAt(actor, action, subject string, detail map[string]string) AuditEntry {
	return AuditEntry{At: db.now(), Actor: actor, Action: action, Subject: subject, Detail: detail}
}

// Now returns the store clock's time in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }
