package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// NewCheck is one recheck result to append.
type NewCheck struct {
	Check Check
	Raw   []byte // the platform's raw answer, kept compressed
}

// AddChecks appends recheck results in one transaction. A check whose state
// differs from the post's previous check is also written to the audit log
// as a state change. Checks are never overwritten.
func (db *DB) AddChecks(actor string, checks []NewCheck) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bChecks)
		for _, nc := range checks {
			c := nc.Check
			c.V = recordVersion
			c.At = c.At.UTC()
			if c.At.IsZero() {
				c.At = db.now().UTC()
			}
			if nc.Raw != nil {
				sha, err := putPayload(tx, nc.Raw)
				if err != nil {
					return fmt.Errorf("check %s/%s: %w", c.Platform, c.PostID, err)
				}
				if c.Payload == nil {
					c.Payload = &Payload{}
				}
				c.Payload.SHA256, c.Payload.Size = sha, len(nc.Raw)
			}
			prev, had := lastCheck(cb, c.Platform, c.PostID)
			seq, err := cb.NextSequence()
			if err != nil {
				return err
			}
			if err := put(cb, k(c.Platform, c.PostID, timeKey(c.At), seqString(seq)), c); err != nil {
				return err
			}
			if had && prev.State != c.State {
				detail := map[string]string{"from": prev.State, "to": c.State}
				if c.Reason != "" {
					detail["reason"] = c.Reason
				}
				if _, err := appendAudit(tx, db.auditAt(actor, ActStateChange, c.Platform+"/"+c.PostID, detail)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func lastCheck(cb *bolt.Bucket, platform, postID string) (Check, bool) {
	pfx := prefix(platform, postID)
	c := cb.Cursor()
	// Seek past the last key with this prefix, then step back.
	end := append(append([]byte{}, pfx[:len(pfx)-1]...), sep+1)
	key, v := c.Seek(end)
	if key == nil {
		key, v = c.Last()
	} else {
		key, v = c.Prev()
	}
	if key == nil || !hasPrefix(key, pfx) {
		return Check{}, false
	}
	var out Check
	if decode(v, &out) != nil {
		return Check{}, false
	}
	return out, true
}

// Checks returns every check of a post, oldest first.
func (db *DB) Checks(platform, postID string) ([]Check, error) {
	var out []Check
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scan(tx.Bucket(bChecks), prefix(platform, postID), func(_, v []byte) error {
			var c Check
			if err := decode(v, &c); err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// LastCheck returns the most recent check of a post.
func (db *DB) LastCheck(platform, postID string) (Check, bool, error) {
	var c Check
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c, ok = lastCheck(tx.Bucket(bChecks), platform, postID)
		return nil
	})
	return c, ok, err
}

// AllChecks calls fn for every post's check history in key order (grouped
// by post, oldest first within a post). It is one read transaction over
// the checks bucket: the report's single pass.
func (db *DB) AllChecks(fn func(platform, postID string, checks []Check) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		var cur []Check
		flush := func() error {
			if len(cur) == 0 {
				return nil
			}
			err := fn(cur[0].Platform, cur[0].PostID, cur)
			cur = nil
			return err
		}
		err := tx.Bucket(bChecks).ForEach(func(_, v []byte) error {
			var c Check
			if err := decode(v, &c); err != nil {
				return err
			}
			if len(cur) > 0 && (cur[0].Platform != c.Platform || cur[0].PostID != c.PostID) {
				if err := flush(); err != nil {
					return err
				}
			}
			cur = append(cur, c)
			return nil
		})
		if err != nil {
			return endScan(err)
		}
		return endScan(flush())
	})
}

// Due returns the referred posts whose last check is older than cutoff,
// that were never checked, or whose last check is unknown: a transient
// failure is retried on the next run (SPEC.md), not a month later.
func (db *DB) Due(cutoff time.Time) ([]PostKey, error) {
	var out []PostKey
	err := db.bolt.View(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bChecks)
		return tx.Bucket(bReferred).ForEach(func(key, _ []byte) error {
			i := indexByte(key, sep)
			platform, id := string(key[:i]), string(key[i+1:])
			last, ok := lastCheck(cb, platform, id)
			if !ok || last.State == stateUnknown || last.At.Before(cutoff) {
				out = append(out, PostKey{Platform: platform, PostID: id})
			}
			return nil
		})
	})
	return out, err
}

// stateUnknown is crawler.StateUnknown (store does not import crawler).
const stateUnknown = "unknown"

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
