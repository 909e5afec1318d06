package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Profile returns a stored profile.
func (db *DB) Profile(platform, id string) (Profile, error) {
	var p Profile
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return get(tx.Bucket(bProfiles), k(platform, id), &p)
	})
	if err != nil {
		return p, fmt.Errorf("profile %s/%s: %w", platform, id, err)
	}
	return p, nil
}

// Profiles calls fn for every stored profile, by platform and id.
func (db *DB) Profiles(fn func(Profile) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return endScan(tx.Bucket(bProfiles).ForEach(func(_, v []byte) error {
			var p Profile
			if err := decode(v, &p); err != nil {
				return err
			}
			return fn(p)
		}))
	})
}

// ProfilesByForce calls fn for every stored profile attributed to force.
func (db *DB) ProfilesByForce(force string, fn func(Profile) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bProfiles)
		return endScan(scan(tx.Bucket(bProfilesByForce), prefix(force), func(key, _ []byte) error {
			var p Profile
			if err := get(pb, key[len(force)+1:], &p); err != nil {
				return err
			}
			return fn(p)
		}))
	})
}

// Post returns a captured post.
func (db *DB) Post(platform, id string) (Post, error) {
	var p Post
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return get(tx.Bucket(bPosts), k(platform, id), &p)
	})
	if err != nil {
		return p, fmt.Errorf("post %s/%s: %w", platform, id, err)
	}
	return p, nil
}

// PostsByProfile calls fn for each captured post of a profile.
func (db *DB) PostsByProfile(platform, profileID string, fn func(Post) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPosts)
		return endScan(scan(tx.Bucket(bPostsByProfile), prefix(platform, profileID), func(key, _ []byte) error {
			var p Post
			if err := get(pb, k(platform, lastPart(key)), &p); err != nil {
				return err
			}
			return fn(p)
		}))
	})
}

// Flag returns the flag on a post.
func (db *DB) Flag(platform, postID string) (Flag, error) {
	var f Flag
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return get(tx.Bucket(bFlags), k(platform, postID), &f)
	})
	if err != nil {
		return f, fmt.Errorf("flag on %s/%s: %w", platform, postID, err)
	}
	return f, nil
}

// Flags calls fn for every flag in state ("" for all states), in key order.
func (db *DB) Flags(state FlagState, fn func(Flag) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		fb := tx.Bucket(bFlags)
		if state == "" {
			return endScan(fb.ForEach(func(_, v []byte) error {
				var f Flag
				if err := decode(v, &f); err != nil {
					return err
				}
				return fn(f)
			}))
		}
		pfx := prefix(string(state))
		return endScan(scan(tx.Bucket(bFlagsByState), pfx, func(key, _ []byte) error {
			var f Flag
			if err := get(fb, key[len(pfx):], &f); err != nil {
				return err
			}
			return fn(f)
		}))
	})
}

// CountFlags returns the number of flags in each state.
func (db *DB) CountFlags() (map[FlagState]int, error) {
	out := map[FlagState]int{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bFlagsByState).Cursor()
		for _, st := range FlagStates {
			pfx := prefix(string(st))
			for key, _ := c.Seek(pfx); key != nil && hasPrefix(key, pfx); key, _ = c.Next() {
				out[st]++
			}
		}
		return nil
	})
	return out, err
}

func hasPrefix(b, p []byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == string(p) }

// Stats are whole-store counts for dashboards and tests.
type Stats struct {
	Profiles, Posts, Flags, Reviews, Referrals, Checks, Sweeps, Audit, Payloads int
}

// Stats counts the records in each bucket.
func (db *DB) Stats() (Stats, error) {
	var s Stats
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n := func(b []byte) int { return tx.Bucket(b).Stats().KeyN }
		s = Stats{Profiles: n(bProfiles), Posts: n(bPosts), Flags: n(bFlags), Reviews: n(bReviews),
			Referrals: n(bReferrals), Checks: n(bChecks), Sweeps: n(bSweeps), Audit: n(bAudit), Payloads: n(bPayloads)}
		return nil
	})
	return s, err
}
