package store

import (
	"sort"
	"time"
)

// recordVersion is the version written into every record's "v" field.
const recordVersion = 1

// Profile is a profile the sweep found in scope (or whose posts were
// referred). Out-of-scope profiles are counted in the sweep summary, not
// kept, per SPEC.md's data-protection rules.
type Profile struct {
	V         int      `json:"v"`
	Platform  string   `json:"platform"`
	ID        string   `json:"id"`
	Handle    string   `json:"handle"`
	Name      string   `json:"name"`
	Bio       string   `json:"bio"`
	Location  string   `json:"location"`
	URL       string   `json:"url"`
	Status    string   `json:"status"`
	Role      string   `json:"role"`
	Force     string   `json:"force"`
	InScope   bool     `json:"in_scope"`
	Evidence  []string `json:"evidence"`
	Reason    string   `json:"reason,omitempty"`
	Protected bool     `json:"protected,omitempty"`
	// AccountState is set when the account could not be read because of
	// its state (account_protected, account_suspended, account_gone).
	AccountState string    `json:"account_state,omitempty"`
	Via          string    `json:"via,omitempty"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	// Cursor is the source's "since" cursor: the next sweep only fetches
	// posts newer than it.
	Cursor string `json:"cursor,omitempty"`
	// PostsSeen counts posts read from this profile over all sweeps.
	PostsSeen int `json:"posts_seen"`
}

// Snapshot is the profile as it was when a post was captured.
type Snapshot struct {
	Handle   string   `json:"handle"`
	Name     string   `json:"name"`
	Bio      string   `json:"bio"`
	Location string   `json:"location"`
	URL      string   `json:"url"`
	Force    string   `json:"force"`
	Role     string   `json:"role"`
	Evidence []string `json:"evidence"`
}

// Payload describes a captured HTTP response kept as evidence; the body
// lives in the payloads bucket under its SHA-256.
type Payload struct {
	URL         string            `json:"url"`
	Status      int               `json:"status"`
	ContentType string            `json:"content_type"`
	Header      map[string]string `json:"header,omitempty"`
	SHA256      string            `json:"sha256"`
	Size        int               `json:"size"`
	FetchedAt   time.Time         `json:"fetched_at"`
}

// Post is a flagged post with everything a referral needs as evidence.
type Post struct {
	V          int       `json:"v"`
	Platform   string    `json:"platform"`
	ID         string    `json:"id"`
	ProfileID  string    `json:"profile_id"`
	Text       string    `json:"text"`
	URL        string    `json:"url"`
	Created    time.Time `json:"created"`
	Repost     bool      `json:"repost,omitempty"`
	RepostText string    `json:"repost_text,omitempty"`
	CapturedAt time.Time `json:"captured_at"`
	SweepID    uint64    `json:"sweep_id"`
	Profile    Snapshot  `json:"profile"`
	Payload    *Payload  `json:"payload,omitempty"`
	// ProfilePayload is the captured profile page, where the source has one.
	ProfilePayload *Payload `json:"profile_payload,omitempty"`
	ToolVersion    string   `json:"tool_version"`
	RulesVersion   string   `json:"rules_version"`
	// EvidenceHash is the SHA-256 over the canonical serialisation of the
	// capture (see EvidenceHash), fixed at capture time.
	EvidenceHash string `json:"evidence_hash"`
}

// Span is a piece of evidence text inside Post.Text.
type Span struct {
	Category string `json:"category"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Text     string `json:"text"`
	Reason   string `json:"reason,omitempty"`
}

// FlagState is where a flag is in the review workflow.
type FlagState string

// Flag states.
const (
	FlagNew       FlagState = "new"
	FlagConfirmed FlagState = "confirmed"
	FlagDismissed FlagState = "dismissed"
	FlagReferred  FlagState = "referred"
)

// FlagStates lists the states in workflow order.
var FlagStates = []FlagState{FlagNew, FlagConfirmed, FlagDismissed, FlagReferred}

// Valid reports whether s is a known state.
func (s FlagState) Valid() bool {
	for _, v := range FlagStates {
		if s == v {
			return true
		}
	}
	return false
}

// Flag is the classifier's verdict on a post and where it is in review.
type Flag struct {
	V          int                `json:"v"`
	Platform   string             `json:"platform"`
	PostID     string             `json:"post_id"`
	ProfileID  string             `json:"profile_id"`
	Force      string             `json:"force"`
	Categories []string           `json:"categories"`
	Scores     map[string]float64 `json:"scores"`
	Evidence   []Span             `json:"evidence"`
	State      FlagState          `json:"state"`
	Created    time.Time          `json:"created"`
	Updated    time.Time          `json:"updated"`
	ReferralID string             `json:"referral_id,omitempty"`
	// Reviewed categories replace the classifier's when a reviewer
	// re-categorises; Categories keeps what the classifier said.
	Reviewed []string `json:"reviewed,omitempty"`
}

// Final is the categories that count: the reviewer's if any, else the
// classifier's.
func (f Flag) Final() []string {
	if len(f.Reviewed) > 0 {
		return f.Reviewed
	}
	return f.Categories
}

// Decision is what a reviewer did.
type Decision string

// Reviewer decisions.
const (
	Confirm      Decision = "confirm"
	Dismiss      Decision = "dismiss"
	Recategorise Decision = "recategorise"
	AddNote      Decision = "note"
)

// Review is one reviewer decision; a post may have many, all kept.
type Review struct {
	V          int       `json:"v"`
	Platform   string    `json:"platform"`
	PostID     string    `json:"post_id"`
	At         time.Time `json:"at"`
	Reviewer   string    `json:"reviewer"`
	Decision   Decision  `json:"decision"`
	Reason     string    `json:"reason,omitempty"`
	Categories []string  `json:"categories,omitempty"`
	Note       string    `json:"note,omitempty"`
}

// PostKey names a post.
type PostKey struct {
	Platform string `json:"platform"`
	PostID   string `json:"post_id"`
}

// Referral bundles confirmed flags for one force.
type Referral struct {
	V         int       `json:"v"`
	ID        string    `json:"id"`
	Force     string    `json:"force"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
	Unit      string    `json:"unit,omitempty"` // the sending unit
	Authority string    `json:"authority,omitempty"`
	Note      string    `json:"note,omitempty"`
	Posts     []PostKey `json:"posts"`
}

// Check is one recheck of a referred post; history is append-only.
type Check struct {
	V         int       `json:"v"`
	Platform  string    `json:"platform"`
	PostID    string    `json:"post_id"`
	At        time.Time `json:"at"`
	State     string    `json:"state"`
	Text      string    `json:"text,omitempty"` // current text when edited
	Reason    string    `json:"reason,omitempty"`
	Payload   *Payload  `json:"payload,omitempty"`
	Operator  string    `json:"operator,omitempty"`
	Authority string    `json:"authority,omitempty"`
}

// SweepStatus is a sweep's lifecycle state.
type SweepStatus string

// Sweep statuses. A running sweep found at start-up was interrupted and is
// resumed.
const (
	SweepRunning  SweepStatus = "running"
	SweepComplete SweepStatus = "complete"
	SweepFailed   SweepStatus = "failed"
)

// Summary holds a sweep's counts: everything the study table needs, since
// unflagged posts and out-of-scope profiles are not kept.
type Summary struct {
	Candidates        int                       `json:"candidates"`
	ByStatus          map[string]int            `json:"by_status"`
	Rejected          map[string]int            `json:"rejected"` // reason -> profiles
	InScope           int                       `json:"in_scope"`
	InScopeByForce    map[string]int            `json:"in_scope_by_force"`
	InScopeByPlatform map[string]int            `json:"in_scope_by_platform"`
	Protected         int                       `json:"protected"`
	PostsRead         int                       `json:"posts_read"`
	PostsByPlatform   map[string]int            `json:"posts_by_platform"`
	Flagged           int                       `json:"flagged"` // posts with >=1 category
	FlaggedByCategory map[string]int            `json:"flagged_by_category"`
	FlaggedByPlatform map[string]int            `json:"flagged_by_platform"`
	FlaggedByForce    map[string]int            `json:"flagged_by_force"`
	FlaggedCatPlat    map[string]map[string]int `json:"flagged_by_category_platform"`
	ProfilesFlagged   int                       `json:"profiles_flagged"`
	Failed            int                       `json:"failed"`             // profiles left for the next run
	Failures          map[string]int            `json:"failures,omitempty"` // reason -> count
	// Discovery holds, per platform, why its discovery stopped short
	// (profiles it never reached are not in Candidates); the next sweep
	// discovers again.
	Discovery map[string]string `json:"discovery_failures,omitempty"`
	// Unavailable holds, per platform, the accounts discovery was told to
	// start from (seed accounts) that the platform says are gone,
	// suspended or protected: not a failure to retry, but a seed list to
	// correct.
	Unavailable map[string]string `json:"seeds_unavailable,omitempty"`
}

// Sweep is one run of the sweep pipeline.
type Sweep struct {
	V          int         `json:"v"`
	ID         uint64      `json:"id"`
	Started    time.Time   `json:"started"`
	Finished   time.Time   `json:"finished,omitempty"`
	Status     SweepStatus `json:"status"`
	Operator   string      `json:"operator"`
	Authority  string      `json:"authority"`
	ConfigHash string      `json:"config_hash"`
	// RulesVersion names the rules and models the sweep classified with.
	RulesVersion string  `json:"rules_version,omitempty"`
	Discovered   bool    `json:"discovered"` // discovery finished; candidates are checkpointed
	Summary      Summary `json:"summary"`
	Error        string  `json:"error,omitempty"`
}

// Checkpoint records a candidate profile of a sweep and whether it is done.
type Checkpoint struct {
	Platform string `json:"platform"`
	ID       string `json:"id"`
	Done     bool   `json:"done"`
	// Candidate is the profile as discovered, so a resumed sweep does not
	// need to discover again.
	Candidate []byte `json:"candidate,omitempty"`
	Error     string `json:"error,omitempty"`
}

// AuditEntry is one line of the append-only, hash-chained audit log.
// Subject and Detail may hold personal data; a purge redacts them when the
// record they are about is deleted (see audit.go), and the chain still
// verifies.
type AuditEntry struct {
	Seq     uint64            `json:"seq"`
	At      time.Time         `json:"at"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Subject string            `json:"subject,omitempty"`
	Detail  map[string]string `json:"detail,omitempty"`
	Prev    string            `json:"prev"`
	Hash    string            `json:"hash"`
	// Seal is set on entries written since schema 2: their hash covers a
	// salted commitment to Subject and to each Detail value instead of
	// the value, so a value can be removed and the hash still checked.
	// Nil on older entries, whose hash covers the values themselves.
	Seal *AuditSeal `json:"seal,omitempty"`
	// Redaction says which values a purge removed; nil if none were.
	Redaction *AuditRedaction `json:"redaction,omitempty"`
}

// AuditSeal holds the salts of a sealed entry's field commitments. Fields
// are named "subject" and "detail.<key>".
type AuditSeal struct {
	// Salt is 16 random bytes (hex) from which each field's salt is
	// derived. Redaction removes it, as it would let anyone test guesses
	// of a removed value against its commitment.
	Salt string `json:"salt,omitempty"`
	// Salts holds, once Salt is gone, the derived salt of each field still
	// shown (field -> hex), so its value can still be checked. A derived
	// salt says nothing about another field's.
	Salts map[string]string `json:"salts,omitempty"`
}

// AuditRedaction records the values a purge removed from an entry.
type AuditRedaction struct {
	// By is the sequence number of the purge's tombstone, which records
	// a digest of every entry it redacted.
	By uint64 `json:"by"`
	// Fields maps each removed field to the commitment the entry's hash
	// covers (hex); empty for a Legacy entry, which has none.
	Fields map[string]string `json:"fields"`
	// Legacy marks an entry written before entries were sealed: its hash
	// covered the removed values and can no longer be recomputed. The
	// tombstone's digest vouches for what remains, and the entry's hash
	// is kept unchanged so the chain still links.
	Legacy bool `json:"legacy,omitempty"`
}

// SubjectRedacted reports whether a purge removed the entry's subject.
func (e AuditEntry) SubjectRedacted() bool {
	_, ok := e.Redaction.fields()[fieldSubject]
	return ok
}

// RedactedDetail returns the detail keys whose values a purge removed,
// sorted.
func (e AuditEntry) RedactedDetail() []string {
	var out []string
	for f := range e.Redaction.fields() {
		if key, ok := detailKey(f); ok {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}
