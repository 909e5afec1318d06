package export

import "time"

// The referral document's schema (referral.json); SCHEMA.md documents it.
// Bump Version on any change a consumer could notice, and say what
// changed there.
const (
	Schema  = "exposure.referral"
	Version = 1
)

// Document is everything a pack says, in the form referral.json carries;
// referral.html and referral.csv are rendered from it.
type Document struct {
	Schema         string     `json:"schema"`
	Version        int        `json:"schema_version"`
	GeneratedAt    time.Time  `json:"generated_at"`
	GeneratedBy    string     `json:"generated_by"`
	ToolVersion    string     `json:"tool_version"`
	KeyFingerprint string     `json:"signing_key_fingerprint"`
	Selection      Selection  `json:"selection"`
	Force          string     `json:"force"`
	Referrals      []Referral `json:"referrals"`
	Counts         Counts     `json:"counts"`
	Profiles       []Profile  `json:"profiles"`
}

// Selection is what the operator asked to export.
type Selection struct {
	Referral string     `json:"referral,omitempty"`
	Force    string     `json:"force,omitempty"`
	Since    *time.Time `json:"since,omitempty"`
}

// Referral is one referral in the pack.
type Referral struct {
	ID        string    `json:"id"`
	Force     string    `json:"force"`
	Unit      string    `json:"sending_unit"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
	Authority string    `json:"authority"`
	Note      string    `json:"note"`
	Posts     int       `json:"posts"`
}

// Counts summarise the pack for its cover page.
type Counts struct {
	Profiles   int            `json:"profiles"`
	Posts      int            `json:"posts"`
	ByCategory map[string]int `json:"by_category"`
	ByPlatform map[string]int `json:"by_platform"`
}

// Profile is a referred person's profile as stored, with the referred
// posts.
type Profile struct {
	Platform  string    `json:"platform"`
	ID        string    `json:"id"`
	Handle    string    `json:"handle"`
	Name      string    `json:"name"`
	Bio       string    `json:"bio"`
	Location  string    `json:"location"`
	URL       string    `json:"url"`
	Status    string    `json:"status"`
	Role      string    `json:"role"`
	Force     string    `json:"force"`
	Evidence  []string  `json:"identity_evidence"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Posts     []Post    `json:"posts"`
}

// Post is one referred post with its evidence, review and recheck
// history.
type Post struct {
	Referral   string    `json:"referral_id"`
	Platform   string    `json:"platform"`
	ID         string    `json:"id"`
	Permalink  string    `json:"permalink"`
	Text       string    `json:"text"`
	Repost     bool      `json:"repost"`
	RepostText string    `json:"repost_text,omitempty"`
	Created    time.Time `json:"created"`
	CapturedAt time.Time `json:"captured_at"`
	Snapshot   Snapshot  `json:"profile_at_capture"`
	Tool       string    `json:"tool_version"`
	Rules      string    `json:"rules_version"`
	// EvidenceHash is the hash fixed at capture; CaptureFile holds the
	// exact bytes it is the SHA-256 of, and HashVerified says they match.
	EvidenceHash string   `json:"evidence_hash"`
	HashVerified bool     `json:"evidence_hash_verified"`
	CaptureFile  string   `json:"capture_file"`
	Categories   []string `json:"categories"`
	Classifier   []string `json:"classifier_categories"`
	Scores       Scores   `json:"scores"`
	Evidence     []Span   `json:"evidence"`
	State        string   `json:"flag_state"`
	Sweep        *Sweep   `json:"sweep,omitempty"`
	Payload      *Payload `json:"payload,omitempty"`
	ProfilePage  *Payload `json:"profile_payload,omitempty"`
	Reviews      []Review `json:"reviews"`
	Checks       []Check  `json:"checks"`
}

// Scores maps a category to the classifier's score in [0,1].
type Scores map[string]float64

// Snapshot is the profile as it was when the post was captured.
type Snapshot struct {
	Handle   string   `json:"handle"`
	Name     string   `json:"name"`
	Bio      string   `json:"bio"`
	Location string   `json:"location"`
	URL      string   `json:"url"`
	Force    string   `json:"force"`
	Role     string   `json:"role"`
	Evidence []string `json:"identity_evidence"`
}

// Span is a piece of the post text that caused a flag. Start and End are
// byte offsets into the UTF-8 text; Located is false when they do not
// point at Text inside the captured post (the report then shows the span
// but highlights nothing).
type Span struct {
	Category string `json:"category"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Text     string `json:"text"`
	Reason   string `json:"reason,omitempty"`
	Located  bool   `json:"located"`
}

// Sweep says which sweep captured the post, who ran it and under what
// authority.
type Sweep struct {
	ID        uint64    `json:"id"`
	Started   time.Time `json:"started"`
	Operator  string    `json:"operator"`
	Authority string    `json:"authority"`
}

// Payload is a captured HTTP response kept in evidence/payloads.
type Payload struct {
	URL         string    `json:"url"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type"`
	SHA256      string    `json:"sha256"`
	Size        int       `json:"size"`
	FetchedAt   time.Time `json:"fetched_at"`
	// File is the payload's path in the pack; empty when the store no
	// longer has the body (Missing says so).
	File    string `json:"file"`
	Missing bool   `json:"missing,omitempty"`
}

// Review is one reviewer decision, oldest first.
type Review struct {
	At         time.Time `json:"at"`
	Reviewer   string    `json:"reviewer"`
	Decision   string    `json:"decision"`
	Reason     string    `json:"reason,omitempty"`
	Categories []string  `json:"categories,omitempty"`
	Note       string    `json:"note,omitempty"`
}

// Check is one recheck of the post, oldest first.
type Check struct {
	At        time.Time `json:"at"`
	State     string    `json:"state"`
	Text      string    `json:"text,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Operator  string    `json:"operator,omitempty"`
	Authority string    `json:"authority,omitempty"`
	Payload   *Payload  `json:"payload,omitempty"`
}

// Categories in the order reports list them (SPEC.md).
var Categories = []string{"offensive", "procedure", "negativity", "political"}

// CategoryLabel is the study's wording for a category.
var CategoryLabel = map[string]string{
	"offensive":  "Offensive language or behaviour",
	"procedure":  "Comments on police protocol or procedure",
	"negativity": "Negativity towards work",
	"political":  "Extreme opinions on Government",
}
