package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PurgeOptions set the retention a purge applies.
type PurgeOptions struct {
	// Before: profiles last seen before it that have no referral still
	// kept, and flags dismissed before it, are deleted with their posts.
	Before time.Time
	// ReferralBefore: referrals created before it are past their own
	// retention and deleted with their evidence.
	ReferralBefore time.Time
	// DryRun plans the purge and changes nothing.
	DryRun bool
	// Actor is who runs the purge; Policy says what retention was applied
	// (both go into the tombstone).
	Actor  string
	Policy string
}

// PurgeItem is one thing a purge deletes, and why.
type PurgeItem struct {
	Key string `json:"key"` // platform/id, or a referral id
	Why string `json:"why"`
}

// PurgeResult lists what a purge deleted (or, dry, would delete).
type PurgeResult struct {
	DryRun    bool        `json:"dry_run"`
	Profiles  []PurgeItem `json:"profiles"`
	Posts     []PurgeItem `json:"posts"`
	Referrals []PurgeItem `json:"referrals"`
	Reviews   int         `json:"reviews"`
	Checks    int         `json:"checks"`
	Payloads  int         `json:"payloads"`
	// Checkpoints are a finished sweep's per-candidate records, which name
	// every profile it looked at, in scope or not.
	Checkpoints int `json:"checkpoints"`
	// AuditRedacted counts audit entries whose personal values the purge
	// removed (see redactFields); AuditLegacy how many of them were
	// written before entries were sealed.
	AuditRedacted int `json:"audit_redacted"`
	AuditLegacy   int `json:"audit_legacy"`
	// AuditBroken lists entries about deleted data left as they are
	// because they fail their own hash or link: redacting them would hide
	// the tampering. 'exposure audit verify' names the first.
	AuditBroken []uint64 `json:"audit_broken,omitempty"`
	// Tombstone is the audit entry a real purge wrote.
	Tombstone *AuditEntry `json:"tombstone,omitempty"`
}

// Empty reports whether the purge found nothing to delete.
func (r PurgeResult) Empty() bool {
	return len(r.Profiles)+len(r.Posts)+len(r.Referrals)+r.Reviews+r.Checks+r.Payloads+r.Checkpoints+r.AuditRedacted == 0
}

// purgePlan is the keys a purge deletes, gathered before any deletion so
// that no bucket is changed while a cursor walks it.
type purgePlan struct {
	res         PurgeResult
	profiles    []Profile
	posts       []Post
	postWhy     map[PostKey]string
	referrals   []Referral
	checkpoints [][]byte
	audit       []auditCut
}

// auditCut is an audit entry to redact and the fields that go.
type auditCut struct {
	seq    uint64
	fields []string
}

// Purge deletes personal data past retention, in one transaction, and
// writes a tombstone to the audit log saying what went (counts and
// referral ids, never the deleted content, and a digest of the audit
// entries it redacted). What goes:
//   - referrals created before ReferralBefore, with their posts, flags,
//     reviews and rechecks;
//   - profiles last seen before Before that have no post in a referral
//     still kept, with all their posts;
//   - posts whose flag was dismissed before Before;
//   - checkpoints of sweeps that started before Before and are not running;
//   - payloads that only deleted records used. A payload any remaining post
//     or check refers to stays;
//   - the personal values of audit entries about deleted records (see
//     redactFields): the entries stay, with who, what and when, and the
//     chain still verifies.
//
// Sweeps (counts only) stay.
func (db *DB) Purge(o PurgeOptions) (PurgeResult, error) {
	if strings.TrimSpace(o.Actor) == "" {
		return PurgeResult{}, errors.New("purge: the operator's name is required")
	}
	if o.Before.IsZero() || o.ReferralBefore.IsZero() {
		return PurgeResult{}, errors.New("purge: both retention cut-offs are required")
	}
	var res PurgeResult
	run := func(tx *bolt.Tx) error {
		plan, err := planPurge(tx, o)
		if err != nil {
			return err
		}
		if !o.DryRun {
			if err := plan.apply(tx); err != nil {
				return err
			}
			refs := make([]string, len(plan.res.Referrals))
			for i, r := range plan.res.Referrals {
				refs[i] = r.Key
			}
			detail := map[string]string{
				"before":          o.Before.UTC().Format(time.RFC3339),
				"referral_before": o.ReferralBefore.UTC().Format(time.RFC3339),
				"profiles":        strconv.Itoa(len(plan.res.Profiles)),
				"posts":           strconv.Itoa(len(plan.res.Posts)),
				"referrals":       strings.Join(refs, ","),
				"reviews":         strconv.Itoa(plan.res.Reviews),
				"checks":          strconv.Itoa(plan.res.Checks),
				"payloads":        strconv.Itoa(plan.res.Payloads),
				"checkpoints":     strconv.Itoa(plan.res.Checkpoints),
			}
			if o.Policy != "" {
				detail["policy"] = o.Policy
			}
			// The tombstone comes next; the redacted entries name it.
			tomb := tx.Bucket(bAudit).Sequence() + 1
			digest, err := plan.redactAudit(tx, tomb)
			if err != nil {
				return err
			}
			detail[TombRedacted] = strconv.Itoa(plan.res.AuditRedacted)
			detail[TombLegacy] = strconv.Itoa(plan.res.AuditLegacy)
			if digest != "" {
				detail[TombDigest] = digest
			}
			if len(plan.res.AuditBroken) > 0 {
				seqs := make([]string, len(plan.res.AuditBroken))
				for i, s := range plan.res.AuditBroken {
					seqs[i] = strconv.FormatUint(s, 10)
				}
				detail[TombBroken] = strings.Join(seqs, ",")
			}
			e, err := appendAudit(tx, db.auditAt(o.Actor, ActPurge, "retention", detail))
			if err != nil {
				return err
			}
			if e.Seq != tomb {
				return fmt.Errorf("tombstone is audit entry %d, but the redactions name %d", e.Seq, tomb)
			}
			plan.res.Tombstone = &e
			if beforeCommit != nil {
				if err := beforeCommit(); err != nil {
					return err
				}
			}
		}
		res = plan.res
		return nil
	}
	var err error
	if o.DryRun {
		err = db.bolt.View(run)
	} else {
		err = db.bolt.Update(run)
	}
	if err != nil {
		return PurgeResult{}, fmt.Errorf("purge: %w", err)
	}
	res.DryRun = o.DryRun
	return res, nil
}

// beforeCommit, set by tests, runs when a purge has made every change and
// its transaction is about to commit.
var beforeCommit func() error

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func planPurge(tx *bolt.Tx, o PurgeOptions) (*purgePlan, error) {
	p := &purgePlan{postWhy: map[PostKey]string{}}
	posts := tx.Bucket(bPosts)
	addPost := func(pk PostKey, why string) error {
		if _, dup := p.postWhy[pk]; dup {
			return nil
		}
		var post Post
		if err := get(posts, k(pk.Platform, pk.PostID), &post); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			return err
		}
		p.postWhy[pk] = why
		p.posts = append(p.posts, post)
		return nil
	}

	// Referrals past their own retention, and the posts they still keep.
	expired := map[string]bool{}
	err := tx.Bucket(bReferrals).ForEach(func(_, v []byte) error {
		var r Referral
		if err := decode(v, &r); err != nil {
			return err
		}
		if r.Created.Before(o.ReferralBefore) {
			expired[r.ID] = true
			p.referrals = append(p.referrals, r)
			p.res.Referrals = append(p.res.Referrals, PurgeItem{Key: r.ID, Why: "referred " + day(r.Created) + ", past the referral retention"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range p.referrals {
		for _, pk := range r.Posts {
			if err := addPost(pk, "in referral "+r.ID+", past the referral retention"); err != nil {
				return nil, err
			}
		}
	}
	// Profiles with a post in a referral that is kept are kept whole.
	kept := map[string]bool{}
	err = tx.Bucket(bReferred).ForEach(func(key, ref []byte) error {
		if expired[string(ref)] {
			return nil
		}
		var post Post
		if err := get(posts, key, &post); err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			return err
		}
		kept[string(k(post.Platform, post.ProfileID))] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bProfiles).ForEach(func(key, v []byte) error {
		var pr Profile
		if err := decode(v, &pr); err != nil {
			return err
		}
		seen := pr.LastSeen
		if pr.FirstSeen.After(seen) {
			seen = pr.FirstSeen
		}
		if kept[string(key)] || !seen.Before(o.Before) {
			return nil
		}
		p.profiles = append(p.profiles, pr)
		p.res.Profiles = append(p.res.Profiles, PurgeItem{Key: pr.Platform + "/" + pr.ID,
			Why: "@" + pr.Handle + " not seen since " + day(seen) + ", no referral kept"})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, pr := range p.profiles {
		var keys []PostKey
		if err := scan(tx.Bucket(bPostsByProfile), prefix(pr.Platform, pr.ID), func(key, _ []byte) error {
			keys = append(keys, PostKey{Platform: pr.Platform, PostID: lastPart(key)})
			return nil
		}); err != nil {
			return nil, err
		}
		for _, pk := range keys {
			if err := addPost(pk, "profile "+pr.Platform+"/"+pr.ID+" is purged"); err != nil {
				return nil, err
			}
		}
	}
	// Dismissed flags past retention. Collected first: addPost reads
	// while the scan's cursor is open, which bbolt allows, but keeping the
	// scan pure keeps it obviously safe.
	var dismissed []Flag
	fb := tx.Bucket(bFlags)
	pfx := prefix(string(FlagDismissed))
	if err := scan(tx.Bucket(bFlagsByState), pfx, func(key, _ []byte) error {
		var f Flag
		if err := get(fb, key[len(pfx):], &f); err != nil {
			return err
		}
		if f.Updated.Before(o.Before) {
			dismissed = append(dismissed, f)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, f := range dismissed {
		if err := addPost(PostKey{Platform: f.Platform, PostID: f.PostID}, "flag dismissed "+day(f.Updated)); err != nil {
			return nil, err
		}
	}
	// Checkpoints of finished sweeps name every candidate looked at.
	running := map[string]bool{}
	if err := tx.Bucket(bSweeps).ForEach(func(key, v []byte) error {
		var s Sweep
		if err := decode(v, &s); err != nil {
			return err
		}
		if s.Status == SweepRunning || !s.Started.Before(o.Before) {
			running[string(key)] = true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bCheckpoints).ForEach(func(key, _ []byte) error {
		if len(key) >= 8 && !running[string(key[:8])] {
			p.checkpoints = append(p.checkpoints, append([]byte{}, key...))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	p.res.Checkpoints = len(p.checkpoints)

	sort.Slice(p.posts, func(i, j int) bool {
		a, b := p.posts[i], p.posts[j]
		if a.Platform != b.Platform {
			return a.Platform < b.Platform
		}
		return a.ID < b.ID
	})
	for _, post := range p.posts {
		p.res.Posts = append(p.res.Posts, PurgeItem{Key: post.Platform + "/" + post.ID,
			Why: p.postWhy[PostKey{Platform: post.Platform, PostID: post.ID}]})
		p.res.Reviews += countPrefix(tx.Bucket(bReviews), prefix(post.Platform, post.ID))
		p.res.Checks += countPrefix(tx.Bucket(bChecks), prefix(post.Platform, post.ID))
	}
	// Payloads: count those only deleted records use (exact on apply).
	cands, err := p.payloadCandidates(tx)
	if err != nil {
		return nil, err
	}
	used, err := usedPayloads(tx, p.postWhy)
	if err != nil {
		return nil, err
	}
	for sha := range cands {
		if !used[sha] && tx.Bucket(bPayloads).Get([]byte(sha)) != nil {
			p.res.Payloads++
		}
	}
	if err := p.planAudit(tx); err != nil {
		return nil, err
	}
	return p, nil
}

func countPrefix(b *bolt.Bucket, pfx []byte) int {
	n := 0
	c := b.Cursor()
	for key, _ := c.Seek(pfx); key != nil && bytes.HasPrefix(key, pfx); key, _ = c.Next() {
		n++
	}
	return n
}

// payloadCandidates returns the raw keys of payloads that deleted posts
// and their checks refer to.
func (p *purgePlan) payloadCandidates(tx *bolt.Tx) (map[string]bool, error) {
	out := map[string]bool{}
	add := func(pl *Payload) {
		if pl == nil {
			return
		}
		if key, ok := shaKey(pl.SHA256); ok {
			out[key] = true
		}
	}
	for _, post := range p.posts {
		add(post.Payload)
		add(post.ProfilePayload)
		if err := scan(tx.Bucket(bChecks), prefix(post.Platform, post.ID), func(_, v []byte) error {
			var c Check
			if err := decode(v, &c); err != nil {
				return err
			}
			add(c.Payload)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// usedPayloads returns the raw keys of payloads that posts and checks not
// in gone still refer to.
func usedPayloads(tx *bolt.Tx, gone map[PostKey]string) (map[string]bool, error) {
	used := map[string]bool{}
	add := func(pl *Payload) {
		if pl == nil {
			return
		}
		if key, ok := shaKey(pl.SHA256); ok {
			used[key] = true
		}
	}
	if err := tx.Bucket(bPosts).ForEach(func(_, v []byte) error {
		var post Post
		if err := decode(v, &post); err != nil {
			return err
		}
		if _, g := gone[PostKey{Platform: post.Platform, PostID: post.ID}]; g {
			return nil
		}
		add(post.Payload)
		add(post.ProfilePayload)
		return nil
	}); err != nil {
		return nil, err
	}
	err := tx.Bucket(bChecks).ForEach(func(_, v []byte) error {
		var c Check
		if err := decode(v, &c); err != nil {
			return err
		}
		if _, g := gone[PostKey{Platform: c.Platform, PostID: c.PostID}]; g {
			return nil
		}
		add(c.Payload)
		return nil
	})
	return used, err
}

// shaKey turns a hex SHA-256 into the payloads bucket's raw key.
func shaKey(sha string) (string, bool) {
	b, err := hex.DecodeString(sha)
	if err != nil || len(b) != 32 {
		return "", false
	}
	return string(b), true
}

// apply deletes what the plan lists.
func (p *purgePlan) apply(tx *bolt.Tx) error {
	cands, err := p.payloadCandidates(tx)
	if err != nil {
		return err
	}
	for _, post := range p.posts {
		key := k(post.Platform, post.ID)
		var f Flag
		if err := get(tx.Bucket(bFlags), key, &f); err == nil {
			if err := tx.Bucket(bFlagsByState).Delete(k(string(f.State), post.Platform, post.ID)); err != nil {
				return err
			}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		for _, b := range [][]byte{bFlags, bPosts, bReferred} {
			if err := tx.Bucket(b).Delete(key); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bPostsByProfile).Delete(k(post.Platform, post.ProfileID, post.ID)); err != nil {
			return err
		}
		for _, b := range [][]byte{bReviews, bChecks} {
			if err := deletePrefix(tx.Bucket(b), prefix(post.Platform, post.ID)); err != nil {
				return err
			}
		}
	}
	for _, pr := range p.profiles {
		if err := tx.Bucket(bProfiles).Delete(k(pr.Platform, pr.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bProfilesByForce).Delete(k(pr.Force, pr.Platform, pr.ID)); err != nil {
			return err
		}
	}
	for _, r := range p.referrals {
		if err := tx.Bucket(bReferrals).Delete([]byte(r.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bReferralsByForc).Delete(k(r.Force, r.ID)); err != nil {
			return err
		}
	}
	for _, key := range p.checkpoints {
		if err := tx.Bucket(bCheckpoints).Delete(key); err != nil {
			return err
		}
	}
	used, err := usedPayloads(tx, nil)
	if err != nil {
		return err
	}
	n := 0
	pb := tx.Bucket(bPayloads)
	for sha := range cands {
		if used[sha] || pb.Get([]byte(sha)) == nil {
			continue
		}
		if err := pb.Delete([]byte(sha)); err != nil {
			return err
		}
		n++
	}
	p.res.Payloads = n
	return nil
}

func deletePrefix(b *bolt.Bucket, pfx []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for key, _ := c.Seek(pfx); key != nil && bytes.HasPrefix(key, pfx); key, _ = c.Next() {
		keys = append(keys, append([]byte{}, key...))
	}
	for _, key := range keys {
		if err := b.Delete(key); err != nil {
			return err
		}
	}
	return nil
}

// keepDetail lists the audit detail keys that hold no personal data about
// the people whose records a purge deletes: states, decisions, category
// names, the force and authority, counts, referral ids (the PSD's own
// numbers; the tombstone lists them too), hashes and key fingerprints of
// packs, and the address of the staff member who downloaded one. Every
// other key of an entry about deleted data is redacted, so a key added
// later is redacted until it is judged safe here: free text (reason,
// note), export paths (out, file, which an operator may name after a
// person), and whatever a caller puts in.
var keepDetail = map[string]bool{
	"decision": true, "from": true, "to": true, "categories": true, "status": true,
	"force": true, "authority": true, "policy": true,
	"posts": true, "profiles": true, "files": true, "checked": true, "reviews": true, "checks": true,
	"payloads": true, "checkpoints": true, "in_scope": true, "flagged": true, "failed": true,
	"referrals": true, "zip_sha256": true, "manifest_sha256": true, "key": true, "export_seq": true,
	"config": true, "rules": true, "since": true, "before": true, "referral_before": true, "addr": true,
	// a compaction's sizes and the tombstone it follows
	"bytes_before": true, "bytes_after": true, "tombstone": true,
	// recheck counts per visibility state (crawler.States)
	"visible": true, "edited": true, "removed": true, "account_protected": true,
	"account_suspended": true, "account_gone": true, "unknown": true,
}

// auditTargets is what makes an audit entry "about deleted data".
type auditTargets struct {
	posts     *bolt.Bucket
	gone      map[PostKey]string
	subjects  map[string]bool // post and profile keys, @handles and URLs deleted now
	referrals map[string]bool // referral ids deleted now or by an earlier purge
}

// postGone reports whether the post a review or recheck entry names is
// deleted now or was by an earlier purge (before redaction existed).
func (t *auditTargets) postGone(subject string) bool {
	platform, id, ok := strings.Cut(subject, "/")
	if !ok {
		return false
	}
	if _, now := t.gone[PostKey{Platform: platform, PostID: id}]; now {
		return true
	}
	return t.posts.Get(k(platform, id)) == nil
}

// redactFields returns the fields of e a purge removes, or nil when e is
// not about deleted data. Retention follows the record, not the entry's
// age: a review of a post in a referral still kept is evidence of how
// the referral was made, and stays whole as long as the post does. So an
// entry is about deleted data when
//   - it reviews or records a recheck state change of a post that is
//     deleted now or was by an earlier purge: its subject (the post) and
//     every detail value not in keepDetail go;
//   - its subject is a post or profile deleted now, by key
//     (platform/id), @handle or URL: the same goes;
//   - its subject is a referral deleted now or earlier: the subject (an
//     id, not personal) stays and the detail values not in keepDetail go.
//
// Seq, time, actor (the operator), action, and the kept values stay.
func (t *auditTargets) redactFields(e AuditEntry) []string {
	personal := false
	switch {
	case e.Action == ActReview || e.Action == ActStateChange:
		if !t.postGone(e.Subject) {
			return nil
		}
		personal = true
	case t.subjects[e.Subject]:
		personal = true
	case t.referrals[e.Subject]:
	default:
		return nil
	}
	var out []string
	if personal && e.Subject != "" {
		out = append(out, fieldSubject)
	}
	for key := range e.Detail {
		if !keepDetail[key] {
			out = append(out, detailField(key))
		}
	}
	sort.Strings(out)
	return out
}

// planAudit finds the audit entries to redact. An entry is redacted once:
// one already redacted is left alone (a legacy one could not be again
// without breaking its tombstone's digest). An entry that fails its own
// hash or its link is not redacted but listed: it is evidence.
func (p *purgePlan) planAudit(tx *bolt.Tx) error {
	t := &auditTargets{posts: tx.Bucket(bPosts), gone: p.postWhy, subjects: map[string]bool{}, referrals: map[string]bool{}}
	for _, post := range p.posts {
		t.subjects[post.Platform+"/"+post.ID] = true
		if post.URL != "" {
			t.subjects[post.URL] = true
		}
	}
	for _, pr := range p.profiles {
		t.subjects[pr.Platform+"/"+pr.ID] = true
		if pr.Handle != "" {
			t.subjects["@"+pr.Handle] = true
		}
		if pr.URL != "" {
			t.subjects[pr.URL] = true
		}
	}
	for _, r := range p.referrals {
		t.referrals[r.ID] = true
	}
	b := tx.Bucket(bAudit)
	// Earlier tombstones name the referrals they deleted.
	if err := b.ForEach(func(_, v []byte) error {
		var e AuditEntry
		if err := decode(v, &e); err != nil {
			return err
		}
		if e.Action == ActPurge && e.Detail["referrals"] != "" {
			for _, id := range strings.Split(e.Detail["referrals"], ",") {
				t.referrals[id] = true
			}
		}
		return nil
	}); err != nil {
		return err
	}
	prev := ""
	return b.ForEach(func(_, v []byte) error {
		var e AuditEntry
		if err := decode(v, &e); err != nil {
			return err
		}
		linked := e.Prev == prev
		prev = e.Hash
		if e.Redaction != nil {
			return nil
		}
		fields := t.redactFields(e)
		if len(fields) == 0 {
			return nil
		}
		if !linked || verifyOwn(e) != nil {
			p.res.AuditBroken = append(p.res.AuditBroken, e.Seq)
			return nil
		}
		p.audit = append(p.audit, auditCut{seq: e.Seq, fields: fields})
		p.res.AuditRedacted++
		if e.Seal == nil {
			p.res.AuditLegacy++
		}
		return nil
	})
}

// redactAudit redacts the planned entries on behalf of tombstone tomb and
// returns the digest the tombstone records ("" when none).
func (p *purgePlan) redactAudit(tx *bolt.Tx, tomb uint64) (string, error) {
	b := tx.Bucket(bAudit)
	var d redactionDigest
	for _, c := range p.audit {
		var e AuditEntry
		if err := get(b, seqKey(c.seq), &e); err != nil {
			return "", fmt.Errorf("audit entry %d: %w", c.seq, err)
		}
		if err := redact(&e, c.fields, tomb); err != nil {
			return "", err
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return "", err
		}
		if err := b.Put(seqKey(c.seq), raw); err != nil {
			return "", err
		}
		// Digest the entry as it will be read back, as verification does.
		var back AuditEntry
		if err := decode(raw, &back); err != nil {
			return "", err
		}
		d.add(back)
	}
	return d.sum(), nil
}
