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
	fs, err := db.ReviewBatch([]Review{r})
	if err != nil {
		return Flag{}, err
	}
	return fs[0], nil
}

// ReviewBatch records several decisions in one transaction: all of them or,
// if any is refused, none.
func (db *DB) ReviewBatch(rs []Review) ([]Flag, error) {
	for _, r := range rs {
		if strings.TrimSpace(r.Reviewer) == "" {
			return nil, errors.New("review: reviewer is required")
		}
	}
	out := make([]Flag, 0, len(rs))
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		out = out[:0]
		for _, r := range rs {
			f, err := db.review(tx, r)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

func (db *DB) review(tx *bolt.Tx, r Review) (Flag, error) {
	var f Flag
	fb := tx.Bucket(bFlags)
	key := k(r.Platform, r.PostID)
	if err := get(fb, key, &f); err != nil {
		return f, fmt.Errorf("flag on %s/%s: %w", r.Platform, r.PostID, err)
	}
	old := f.State
	switch r.Decision {
	case Confirm, Dismiss, Recategorise:
		if f.State == FlagReferred {
			return f, fmt.Errorf("%s flag on %s/%s: already referred in %s: %w", r.Decision, r.Platform, r.PostID, f.ReferralID, ErrBadState)
		}
	case AddNote:
	default:
		return f, fmt.Errorf("review: unknown decision %q", r.Decision)
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
			return f, errors.New("review: re-categorise needs at least one category")
		}
		f.Reviewed = r.Categories
	}
	r.V = recordVersion
	r.At = db.now().UTC()
	f.Updated = r.At
	rb := tx.Bucket(bReviews)
	seq, err := rb.NextSequence()
	if err != nil {
		return f, err
	}
	if err := put(rb, k(r.Platform, r.PostID, seqString(seq)), r); err != nil {
		return f, err
	}
	if err := put(fb, key, f); err != nil {
		return f, err
	}
	if old != f.State {
		ib := tx.Bucket(bFlagsByState)
		if err := ib.Delete(k(string(old), r.Platform, r.PostID)); err != nil {
			return f, err
		}
		if err := ib.Put(k(string(f.State), r.Platform, r.PostID), nil); err != nil {
			return f, err
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
