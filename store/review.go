package store

import (
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ErrBadState means a change is not allowed from the flag's current state.
var ErrBadState = errors.New("not allowed in this state")

// Review records a reviewer decision on a flagged post, moves the flag to
// its new state and audits it, in one transaction. A referred flag can take
// notes but no longer be confirmed, dismissed or re-categorised.
func (db *DB) Review(r Review) (Flag, error) {
	if strings.TrimSpace(r.Reviewer) == "" {
		return Flag{}, errors.New("review: reviewer is required")
	}
	var f Flag
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bFlags)
		key := k(r.Platform, r.PostID)
		if err := get(fb, key, &f); err != nil {
			return fmt.Errorf("flag on %s/%s: %w", r.Platform, r.PostID, err)
		}
		old := f.State
		switch r.Decision {
		case Confirm, Dismiss, Recategorise:
			if f.State == FlagReferred {
				return fmt.Errorf("%s flag on %s/%s: already referred in %s: %w", r.Decision, r.Platform, r.PostID, f.ReferralID, ErrBadState)
			}
		case AddNote:
		default:
			return fmt.Errorf("review: unknown decision %q", r.Decision)
		}
		switch r.Decision {
		case Confirm:
			f.State = FlagConfirmed
			if len(r.Categories) > 0 {
				f.Reviewed = r.Categories
			}
		case Dismiss:
			f.State = FlagDismissed
		case Recategorise:
			if len(r.Categories) == 0 {
				return errors.New("review: re-categorise needs at least one category")
			}
			f.Reviewed = r.Categories
		}
		r.V = recordVersion
		r.At = db.now().UTC()
		f.Updated = r.At
		rb := tx.Bucket(bReviews)
		seq, err := rb.NextSequence()
		if err != nil {
			return err
		}
		if err := put(rb, k(r.Platform, r.PostID, seqString(seq)), r); err != nil {
			return err
		}
		if err := put(fb, key, f); err != nil {
			return err
		}
		if old != f.State {
			ib := tx.Bucket(bFlagsByState)
			if err := ib.Delete(k(string(old), r.Platform, r.PostID)); err != nil {
				return err
			}
			if err := ib.Put(k(string(f.State), r.Platform, r.PostID), nil); err != nil {
				return err
			}
		}
		detail := map[string]string{"decision": string(r.Decision), "from": string(old), "to": string(f.State)}
		if r.Reason != "" {
			detail["reason"] = r.Reason
		}
		if len(r.Categories) > 0 {
			detail["categories"] = strings.Join(r.Categories, ",")
		}
		if r.Note != "" {
			detail["note"] = r.Note
		}
		_, err = appendAudit(tx, db.auditAt(r.Reviewer, ActReview, r.Platform+"/"+r.PostID, detail))
		return err
	})
	return f, err
}

// Reviews returns the review history of a post, oldest first.
func (db *DB) Reviews(platform, postID string) ([]Review, error) {
	var out []Review
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return scan(tx.Bucket(bReviews), prefix(platform, postID), func(_, v []byte) error {
			var r Review
			if err := decode(v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// AllReviews calls fn for every review in the store (for training on the
// PSD's own decisions).
func (db *DB) AllReviews(fn func(Review) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return endScan(tx.Bucket(bReviews).ForEach(func(_, v []byte) error {
			var r Review
			if err := decode(v, &r); err != nil {
				return err
			}
			return fn(r)
		}))
	})
}
