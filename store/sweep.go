package store

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// StartSweep records a new running sweep and audits it.
func (db *DB) StartSweep(operator, authority, configHash string) (Sweep, error) {
	return db.BeginSweep(SweepStart{Operator: operator, Authority: authority, ConfigHash: configHash})
}

// SweepStart describes a sweep about to run.
type SweepStart struct {
	Operator, Authority string
	ConfigHash          string
	RulesVersion        string
}

// BeginSweep records a new running sweep and audits it. When the
// configuration or the rules differ from the previous sweep's, that change
// is audited too, in the same transaction: a referral can always be traced
// to the exact settings that produced it.
func (db *DB) BeginSweep(st SweepStart) (Sweep, error) {
	var s Sweep
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSweeps)
		var prev Sweep
		_, last := b.Cursor().Last()
		hadPrev := last != nil && decode(last, &prev) == nil
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		s = Sweep{V: recordVersion, ID: id, Started: db.now().UTC(), Status: SweepRunning,
			Operator: st.Operator, Authority: st.Authority, ConfigHash: st.ConfigHash, RulesVersion: st.RulesVersion,
			Summary: newSummary()}
		if err := put(b, seqKey(id), s); err != nil {
			return err
		}
		if hadPrev && prev.ConfigHash != st.ConfigHash {
			if _, err := appendAudit(tx, db.auditAt(st.Operator, ActConfigChange, "sweep configuration",
				map[string]string{"from": prev.ConfigHash, "to": st.ConfigHash})); err != nil {
				return err
			}
		}
		if hadPrev && prev.RulesVersion != "" && st.RulesVersion != "" && prev.RulesVersion != st.RulesVersion {
			if _, err := appendAudit(tx, db.auditAt(st.Operator, ActConfigChange, "rules and models",
				map[string]string{"from": prev.RulesVersion, "to": st.RulesVersion})); err != nil {
				return err
			}
		}
		detail := map[string]string{"authority": st.Authority, "config": st.ConfigHash}
		if st.RulesVersion != "" {
			detail["rules"] = st.RulesVersion
		}
		_, err = appendAudit(tx, db.auditAt(st.Operator, ActSweepStart, sweepName(id), detail))
		return err
	})
	return s, err
}

func sweepName(id uint64) string { return "sweep " + strconv.FormatUint(id, 10) }

func newSummary() Summary {
	var s Summary
	s.fill()
	return s
}

// fill makes every map in s non-nil (new summaries, and records written
// before a map was added).
func (s *Summary) fill() {
	for _, m := range []*map[string]int{&s.ByStatus, &s.Rejected, &s.InScopeByForce, &s.InScopeByPlatform,
		&s.PostsByPlatform, &s.FlaggedByCategory, &s.FlaggedByPlatform, &s.FlaggedByForce, &s.Failures} {
		if *m == nil {
			*m = map[string]int{}
		}
	}
	if s.FlaggedCatPlat == nil {
		s.FlaggedCatPlat = map[string]map[string]int{}
	}
}

// Sweep returns the sweep with the given id.
func (db *DB) Sweep(id uint64) (Sweep, error) {
	var s Sweep
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if err := get(tx.Bucket(bSweeps), seqKey(id), &s); err != nil {
			return fmt.Errorf("sweep %d: %w", id, err)
		}
		return nil
	})
	s.Summary.fill()
	return s, err
}

// Sweeps returns every sweep, oldest first.
func (db *DB) Sweeps() ([]Sweep, error) {
	var out []Sweep
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bSweeps).ForEach(func(_, v []byte) error {
			var s Sweep
			if err := decode(v, &s); err != nil {
				return err
			}
			s.Summary.fill()
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// Unfinished returns the newest running sweep with the given config hash,
// which a new sweep resumes instead of starting again.
func (db *DB) Unfinished(configHash string) (Sweep, bool, error) {
	all, err := db.Sweeps()
	if err != nil {
		return Sweep{}, false, err
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Status == SweepRunning && all[i].ConfigHash == configHash {
			return all[i], true, nil
		}
	}
	return Sweep{}, false, nil
}

// AddCandidates checkpoints discovered profiles for a sweep (pending). A
// profile already checkpointed is left as it is, so discovery can be
// repeated after a crash without duplicates.
func (db *DB) AddCandidates(sweepID uint64, cands []Checkpoint) (added int, err error) {
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bCheckpoints)
		sw := tx.Bucket(bSweeps)
		var s Sweep
		if err := get(sw, seqKey(sweepID), &s); err != nil {
			return fmt.Errorf("sweep %d: %w", sweepID, err)
		}
		s.Summary.fill()
		for _, c := range cands {
			key := k(seqString(sweepID), c.Platform, c.ID)
			if b.Get(key) != nil {
				continue
			}
			c.Done = false
			if err := put(b, key, c); err != nil {
				return err
			}
			added++
		}
		s.Summary.Candidates += added
		return put(sw, seqKey(sweepID), s)
	})
	return added, err
}

// MarkDiscovered records that discovery finished for the sweep.
func (db *DB) MarkDiscovered(sweepID uint64) error {
	return db.updateSweep(sweepID, func(s *Sweep) error { s.Discovered = true; return nil })
}

// NoteDiscovery records how a platform's discovery ended: reason says why
// it stopped short ("" for complete), unavailable lists the starting
// accounts the platform says no longer exist or cannot be read ("" for
// none).
func (db *DB) NoteDiscovery(sweepID uint64, platform, reason, unavailable string) error {
	return db.updateSweep(sweepID, func(s *Sweep) error {
		setOrDelete(&s.Summary.Discovery, platform, reason)
		setOrDelete(&s.Summary.Unavailable, platform, unavailable)
		return nil
	})
}

// setOrDelete sets m[k] = v, or deletes k when v is empty.
func setOrDelete(m *map[string]string, k, v string) {
	if v == "" {
		delete(*m, k)
		return
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = v
}

func (db *DB) updateSweep(id uint64, fn func(*Sweep) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSweeps)
		var s Sweep
		if err := get(b, seqKey(id), &s); err != nil {
			return fmt.Errorf("sweep %d: %w", id, err)
		}
		s.Summary.fill()
		if err := fn(&s); err != nil {
			return err
		}
		return put(b, seqKey(id), s)
	})
}

// Pending calls fn for each candidate of the sweep that is not done yet, in
// key order.
func (db *DB) Pending(sweepID uint64, fn func(Checkpoint) error) error {
	var list []Checkpoint
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return db.eachPending(tx, sweepID, func(c Checkpoint) { list = append(list, c) })
	})
	if err != nil {
		return err
	}
	// Call fn outside the read transaction: it does network I/O and writes.
	for _, c := range list {
		if err := fn(c); err != nil {
			return endScan(err)
		}
	}
	return nil
}

// PendingCount returns how many candidates of the sweep are not done yet,
// per platform.
func (db *DB) PendingCount(sweepID uint64) (map[string]int, error) {
	out := map[string]int{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return db.eachPending(tx, sweepID, func(c Checkpoint) { out[c.Platform]++ })
	})
	return out, err
}

// eachPending calls fn for each candidate of the sweep not done yet, in key
// order, handing back the mapped pages as it goes (a sweep has tens of
// thousands of checkpoints).
func (db *DB) eachPending(tx *bolt.Tx, sweepID uint64, fn func(Checkpoint)) error {
	release := db.releasing(tx)
	return scan(tx.Bucket(bCheckpoints), prefix(seqString(sweepID)), func(_, v []byte) error {
		release()
		var c Checkpoint
		if err := decode(v, &c); err != nil {
			return err
		}
		if !c.Done {
			fn(c)
		}
		return nil
	})
}

// PendingPage returns up to n candidates of the sweep on platform that are
// not done, in id order, starting after the id after ("" for the first).
// A sweep pages through its candidates this way instead of holding them
// all (with their discovered profiles) in memory.
func (db *DB) PendingPage(sweepID uint64, platform, after string, n int) ([]Checkpoint, error) {
	var out []Checkpoint
	err := db.bolt.View(func(tx *bolt.Tx) error {
		pfx := prefix(seqString(sweepID), platform)
		c := tx.Bucket(bCheckpoints).Cursor()
		key, v := c.Seek(pfx)
		if after != "" {
			from := k(seqString(sweepID), platform, after)
			key, v = c.Seek(from)
			if key != nil && bytes.Equal(key, from) {
				key, v = c.Next()
			}
		}
		for ; key != nil && bytes.HasPrefix(key, pfx) && len(out) < n; key, v = c.Next() {
			var cp Checkpoint
			if err := decode(v, &cp); err != nil {
				return err
			}
			if !cp.Done {
				out = append(out, cp)
			}
		}
		return nil
	})
	return out, err
}

// Captured is one flagged post to store with its evidence.
type Captured struct {
	Post       Post
	Flag       Flag
	Raw        []byte // payload body for Post.Payload
	ProfileRaw []byte // payload body for Post.ProfilePayload
}

// ProfileResult is everything a sweep learnt about one candidate profile.
// CommitProfile stores it in one transaction.
type ProfileResult struct {
	Platform string
	ID       string
	Status   string // identify status
	Reason   string // why out of scope, if it is
	// Profile is the in-scope profile to store; nil when out of scope.
	Profile   *Profile
	Posts     []Captured
	PostsRead int
	// Err is set when the profile could not be read this time (transient);
	// the checkpoint stays pending and the cursor is not moved.
	Err string
}

// CommitProfile stores one profile's results and marks its checkpoint done,
// all in one transaction. Committing a profile that is already done is a
// no-op, so a resumed sweep never counts or stores anything twice.
func (db *DB) CommitProfile(sweepID uint64, r ProfileResult) error {
	return db.CommitProfiles(sweepID, []ProfileResult{r})
}

// CommitProfiles commits several profiles' results in one transaction:
// all of them or none. The sweep batches its commits this way because a
// transaction's fixed cost (a page write and an fsync) dwarfs the work for
// the thousands of candidates that turn out to be out of scope.
func (db *DB) CommitProfiles(sweepID uint64, rs []ProfileResult) error {
	if len(rs) == 0 {
		return nil
	}
	defer db.releaseMapped()
	return db.bolt.Update(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bSweeps)
		var s Sweep
		if err := get(sb, seqKey(sweepID), &s); err != nil {
			return fmt.Errorf("sweep %d: %w", sweepID, err)
		}
		s.Summary.fill()
		changed := false
		for _, r := range rs {
			c, err := commitProfile(tx, sweepID, &s.Summary, r)
			if err != nil {
				return err
			}
			changed = changed || c
		}
		if !changed {
			return nil
		}
		return put(sb, seqKey(sweepID), s)
	})
}

// commitProfile applies one result inside tx and reports whether the
// sweep's summary changed.
func commitProfile(tx *bolt.Tx, sweepID uint64, sum *Summary, r ProfileResult) (bool, error) {
	cb := tx.Bucket(bCheckpoints)
	ckey := k(seqString(sweepID), r.Platform, r.ID)
	var cp Checkpoint
	if err := get(cb, ckey, &cp); err != nil {
		if !errors.Is(err, ErrNotFound) {
			return false, err
		}
		cp = Checkpoint{Platform: r.Platform, ID: r.ID}
	}
	if cp.Done {
		return false, nil
	}
	if r.Err != "" {
		cp.Error = r.Err
		return false, put(cb, ckey, cp)
	}
	sum.ByStatus[r.Status]++
	if r.Profile == nil {
		if r.Reason != "" {
			sum.Rejected[r.Reason]++
		}
	} else {
		p := r.Profile
		sum.InScope++
		sum.InScopeByForce[p.Force]++
		sum.InScopeByPlatform[p.Platform]++
		if p.Protected {
			sum.Protected++
		}
		sum.PostsRead += r.PostsRead
		sum.PostsByPlatform[p.Platform] += r.PostsRead
		if err := putProfile(tx, p); err != nil {
			return false, err
		}
		flagged := 0
		for _, c := range r.Posts {
			if len(c.Flag.Categories) == 0 {
				continue
			}
			if err := putCaptured(tx, sweepID, c); err != nil {
				return false, err
			}
			flagged++
			sum.Flagged++
			sum.FlaggedByPlatform[p.Platform]++
			sum.FlaggedByForce[p.Force]++
			for _, cat := range c.Flag.Categories {
				sum.FlaggedByCategory[cat]++
				m := sum.FlaggedCatPlat[cat]
				if m == nil {
					m = map[string]int{}
					sum.FlaggedCatPlat[cat] = m
				}
				m[p.Platform]++
			}
		}
		if flagged > 0 {
			sum.ProfilesFlagged++
		}
	}
	cp.Done, cp.Error, cp.Candidate = true, "", nil
	return true, put(cb, ckey, cp)
}

// putProfile upserts a profile and its force index, keeping FirstSeen and
// moving the index when the force changed.
func putProfile(tx *bolt.Tx, p *Profile) error {
	b := tx.Bucket(bProfiles)
	key := k(p.Platform, p.ID)
	var old Profile
	switch err := get(b, key, &old); {
	case err == nil:
		if !old.FirstSeen.IsZero() {
			p.FirstSeen = old.FirstSeen
		}
		p.PostsSeen += old.PostsSeen
		if old.Force != p.Force {
			if err := tx.Bucket(bProfilesByForce).Delete(k(old.Force, p.Platform, p.ID)); err != nil {
				return err
			}
		}
	case !errors.Is(err, ErrNotFound):
		return err
	}
	p.V = recordVersion
	if err := put(b, key, p); err != nil {
		return err
	}
	return tx.Bucket(bProfilesByForce).Put(k(p.Force, p.Platform, p.ID), nil)
}

// putCaptured stores a flagged post, its payloads and its flag, unless the
// post is already stored (a post is captured once; later sweeps that see it
// again do not overwrite the evidence).
func putCaptured(tx *bolt.Tx, sweepID uint64, c Captured) error {
	pb := tx.Bucket(bPosts)
	key := k(c.Post.Platform, c.Post.ID)
	if pb.Get(key) != nil {
		return nil
	}
	p := c.Post
	p.V = recordVersion
	p.SweepID = sweepID
	p.CapturedAt = p.CapturedAt.UTC()
	if c.Raw != nil && p.Payload != nil {
		sha, err := putPayload(tx, c.Raw)
		if err != nil {
			return fmt.Errorf("post %s: %w", p.ID, err)
		}
		p.Payload.SHA256, p.Payload.Size = sha, len(c.Raw)
	}
	if c.ProfileRaw != nil && p.ProfilePayload != nil {
		sha, err := putPayload(tx, c.ProfileRaw)
		if err != nil {
			return fmt.Errorf("profile page for post %s: %w", p.ID, err)
		}
		p.ProfilePayload.SHA256, p.ProfilePayload.Size = sha, len(c.ProfileRaw)
	}
	p.EvidenceHash = EvidenceHash(p)
	if err := put(pb, key, p); err != nil {
		return err
	}
	if err := tx.Bucket(bPostsByProfile).Put(k(p.Platform, p.ProfileID, p.ID), nil); err != nil {
		return err
	}
	f := c.Flag
	f.V = recordVersion
	f.Platform, f.PostID, f.ProfileID = p.Platform, p.ID, p.ProfileID
	if f.State == "" {
		f.State = FlagNew
	}
	f.Created = p.CapturedAt
	f.Updated = p.CapturedAt
	sortSpans(f.Evidence)
	if err := put(tx.Bucket(bFlags), key, f); err != nil {
		return err
	}
	return tx.Bucket(bFlagsByState).Put(k(string(f.State), p.Platform, p.ID), nil)
}

func sortSpans(s []Span) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Start < s[j].Start })
}

// FinishSweep marks a sweep complete (or failed, with errText) and audits it.
func (db *DB) FinishSweep(sweepID uint64, errText string) (Sweep, error) {
	var s Sweep
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSweeps)
		if err := get(b, seqKey(sweepID), &s); err != nil {
			return fmt.Errorf("sweep %d: %w", sweepID, err)
		}
		s.Summary.fill()
		// Profiles still pending (transient failures) are counted from the
		// checkpoints, so a resumed sweep does not count them twice.
		s.Summary.Failed = 0
		s.Summary.Failures = map[string]int{}
		if err := db.eachPending(tx, sweepID, func(c Checkpoint) {
			s.Summary.Failed++
			reason := c.Error
			if reason == "" {
				reason = "not reached"
			}
			s.Summary.Failures[shortReason(reason)]++
		}); err != nil {
			return err
		}
		s.Finished = db.now().UTC()
		s.Status = SweepComplete
		if errText != "" {
			s.Status, s.Error = SweepFailed, errText
		}
		if err := put(b, seqKey(sweepID), s); err != nil {
			return err
		}
		detail := map[string]string{
			"status":    string(s.Status),
			"in_scope":  strconv.Itoa(s.Summary.InScope),
			"posts":     strconv.Itoa(s.Summary.PostsRead),
			"flagged":   strconv.Itoa(s.Summary.Flagged),
			"failed":    strconv.Itoa(s.Summary.Failed),
			"authority": s.Authority,
		}
		_, err := appendAudit(tx, db.auditAt(s.Operator, ActSweepFinish, sweepName(sweepID), detail))
		return err
	})
	return s, err
}

// shortReason keeps failure reasons groupable: the text before any detail
// in parentheses or after a colon-separated URL.
func shortReason(s string) string {
	if i := bytes.IndexByte([]byte(s), '('); i > 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}
