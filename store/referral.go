package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// NewReferral is what CreateReferral needs.
type NewReferral struct {
	Force     string
	CreatedBy string
	Unit      string
	Authority string
	Note      string
	// Posts are the confirmed flags to refer; all must be confirmed and
	// attributed to Force.
	Posts []PostKey
}

// CreateReferral bundles confirmed flags into a referral with a stable id
// (REF-<year>-<sequence>), moves them to referred and audits it, in one
// transaction.
func (db *DB) CreateReferral(n NewReferral) (Referral, error) {
	if strings.TrimSpace(n.CreatedBy) == "" {
		return Referral{}, errors.New("referral: creator is required")
	}
	if len(n.Posts) == 0 {
		return Referral{}, fmt.Errorf("referral for %s: no confirmed flags to refer", n.Force)
	}
	var ref Referral
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bReferrals)
		seq, err := rb.NextSequence()
		if err != nil {
			return err
		}
		now := db.now().UTC()
		ref = Referral{V: recordVersion, ID: fmt.Sprintf("REF-%d-%05d", now.Year(), seq), Force: n.Force,
			Created: now, CreatedBy: n.CreatedBy, Unit: n.Unit, Authority: n.Authority, Note: n.Note}
		fb := tx.Bucket(bFlags)
		ib := tx.Bucket(bFlagsByState)
		seen := map[PostKey]bool{}
		for _, pk := range n.Posts {
			if seen[pk] {
				continue
			}
			seen[pk] = true
			key := k(pk.Platform, pk.PostID)
			var f Flag
			if err := get(fb, key, &f); err != nil {
				return fmt.Errorf("flag on %s/%s: %w", pk.Platform, pk.PostID, err)
			}
			if f.State != FlagConfirmed {
				return fmt.Errorf("flag on %s/%s is %s, not confirmed: %w", pk.Platform, pk.PostID, f.State, ErrBadState)
			}
			if f.Force != n.Force {
				return fmt.Errorf("flag on %s/%s belongs to %q, not %q: %w", pk.Platform, pk.PostID, f.Force, n.Force, ErrBadState)
			}
			f.State, f.ReferralID, f.Updated = FlagReferred, ref.ID, now
			if err := put(fb, key, f); err != nil {
				return err
			}
			if err := ib.Delete(k(string(FlagConfirmed), pk.Platform, pk.PostID)); err != nil {
				return err
			}
			if err := ib.Put(k(string(FlagReferred), pk.Platform, pk.PostID), nil); err != nil {
				return err
			}
			if err := tx.Bucket(bReferred).Put(key, []byte(ref.ID)); err != nil {
				return err
			}
			ref.Posts = append(ref.Posts, pk)
		}
		if err := put(rb, []byte(ref.ID), ref); err != nil {
			return err
		}
		if err := tx.Bucket(bReferralsByForc).Put(k(n.Force, ref.ID), nil); err != nil {
			return err
		}
		_, err = appendAudit(tx, db.auditAt(n.CreatedBy, ActRefer, ref.ID, map[string]string{
			"force": n.Force, "posts": strconv.Itoa(len(ref.Posts)), "authority": n.Authority}))
		return err
	})
	return ref, err
}

// Referral returns a referral by id.
func (db *DB) Referral(id string) (Referral, error) {
	var r Referral
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return get(tx.Bucket(bReferrals), []byte(id), &r)
	})
	if err != nil {
		return r, fmt.Errorf("referral %s: %w", id, err)
	}
	return r, nil
}

// Referrals calls fn for every referral, by id (which is creation order).
func (db *DB) Referrals(fn func(Referral) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return endScan(tx.Bucket(bReferrals).ForEach(func(_, v []byte) error {
			var r Referral
			if err := decode(v, &r); err != nil {
				return err
			}
			return fn(r)
		}))
	})
}

// ReferralsByForce calls fn for every referral to force.
func (db *DB) ReferralsByForce(force string, fn func(Referral) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bReferrals)
		return endScan(scan(tx.Bucket(bReferralsByForc), prefix(force), func(key, _ []byte) error {
			var r Referral
			if err := get(rb, []byte(lastPart(key)), &r); err != nil {
				return err
			}
			return fn(r)
		}))
	})
}

// ReferralOf returns the id of the referral a post belongs to, or "".
func (db *DB) ReferralOf(platform, postID string) (string, error) {
	var id string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bReferred).Get(k(platform, postID)))
		return nil
	})
	return id, err
}
