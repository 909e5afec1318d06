package report

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psd-tools/exposure/crawler"
)

// Event is a change of a referred post's state seen between two checks
// with known states (unknown checks are skipped: a failed check is not a
// change). The state before the first check is visible, with the captured
// text: that is what was referred.
type Event struct {
	Platform   string   `json:"platform"`
	PostID     string   `json:"post_id"`
	ReferralID string   `json:"referral_id"`
	Force      string   `json:"force"`
	Categories []string `json:"categories"`
	Handle     string   `json:"handle,omitempty"`
	URL        string   `json:"url,omitempty"`
	// At is the check that saw the new state; Prev the last check with a
	// known state before it (the referral time if none): the change
	// happened between the two.
	At     time.Time     `json:"at"`
	Prev   time.Time     `json:"prev"`
	From   crawler.State `json:"from"`
	To     crawler.State `json:"to"`
	Reason string        `json:"reason,omitempty"`
	// Before and After are the texts around an edit (capped at MaxText
	// bytes), with a word diff between them.
	Before string     `json:"before,omitempty"`
	After  string     `json:"after,omitempty"`
	Diff   []DiffPart `json:"diff,omitempty"`
}

// MaxText caps the texts an event carries; the full texts stay in the
// store and the export.
const MaxText = 2000

// Kind names the change for people.
func (e Event) Kind() string {
	switch {
	case e.To == crawler.StateEdited && e.From == crawler.StateEdited:
		return "edited again"
	case e.To == crawler.StateEdited && e.From == crawler.StateVisible:
		return "edited"
	case e.To == crawler.StateVisible && e.From == crawler.StateEdited:
		return "edit reverted"
	case e.To.StillVisible():
		return "visible again"
	case e.To == crawler.StateRemoved:
		return "post removed"
	case e.To == crawler.StateAccountProtected:
		return "account went private"
	case e.To == crawler.StateAccountSuspended:
		return "account suspended"
	case e.To == crawler.StateAccountGone:
		return "account deleted or renamed"
	}
	return string(e.From) + " to " + string(e.To)
}

// MarshalJSON adds the kind.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		Kind string `json:"kind"`
		plain
	}{e.Kind(), plain(e)})
}

// transitions lists the state changes in a subject's checks (sorted, up to
// the report time).
func transitions(s *Subject, checks []Check) []Event {
	var out []Event
	state, text, prev := crawler.StateVisible, s.Text, s.Referred
	for _, c := range checks {
		if c.State == crawler.StateUnknown || !c.State.Valid() {
			continue
		}
		cur := c.Text
		switch c.State {
		case crawler.StateVisible:
			cur = s.Text // visible means "matches the capture"
		case crawler.StateEdited:
		default:
			cur = text // not visible: the last text seen stays the reference
		}
		changed := c.State != state || (c.State == crawler.StateEdited && cur != text)
		if changed {
			e := Event{Platform: s.Platform, PostID: s.PostID, ReferralID: s.ReferralID, Force: s.Force,
				Categories: s.Categories, Handle: s.Handle, URL: s.URL,
				At: c.At.UTC(), Prev: prev.UTC(), From: state, To: c.State, Reason: c.Reason}
			if c.State.StillVisible() && (state.StillVisible() || c.State == crawler.StateEdited) && cur != text {
				e.Before, e.After = capText(text), capText(cur)
				e.Diff = WordDiff(e.Before, e.After)
			}
			out = append(out, e)
		}
		state, text, prev = c.State, cur, c.At
	}
	return out
}

// capText cuts s to at most MaxText bytes on a rune boundary.
func capText(s string) string {
	if len(s) <= MaxText {
		return s
	}
	i := MaxText
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// Unverified is a referred post whose recent checks have all been unknown
// for longer than Options.CannotVerifyAfter.
type Unverified struct {
	Platform   string `json:"platform"`
	PostID     string `json:"post_id"`
	ReferralID string `json:"referral_id"`
	Force      string `json:"force"`
	Handle     string `json:"handle,omitempty"`
	URL        string `json:"url,omitempty"`
	// Since is the first unknown check after the last check with a known
	// state; Attempts counts the unknown checks since then.
	Since      time.Time `json:"since"`
	Days       float64   `json:"days"` // report time minus Since
	Attempts   int       `json:"attempts"`
	LastReason string    `json:"last_reason,omitempty"`
	// LastKnown is the last known state and when it was seen; empty if the
	// post was never checked successfully.
	LastKnown   crawler.State `json:"last_known,omitempty"`
	LastKnownAt time.Time     `json:"last_known_at,omitzero"`
}

// unverified applies the "cannot verify" rule: the latest check is
// unknown, and the run of unknown checks it ends began more than after
// before at.
func unverified(s *Subject, checks []Check, at time.Time, after time.Duration) *Unverified {
	if len(checks) == 0 || checks[len(checks)-1].State != crawler.StateUnknown {
		return nil
	}
	i := len(checks) - 1
	for i > 0 && checks[i-1].State == crawler.StateUnknown {
		i--
	}
	since := checks[i].At.UTC()
	if at.Sub(since) <= after {
		return nil
	}
	u := &Unverified{Platform: s.Platform, PostID: s.PostID, ReferralID: s.ReferralID, Force: s.Force,
		Handle: s.Handle, URL: s.URL, Since: since, Days: at.Sub(since).Hours() / 24,
		Attempts: len(checks) - i, LastReason: checks[len(checks)-1].Reason}
	if i > 0 {
		u.LastKnown, u.LastKnownAt = checks[i-1].State, checks[i-1].At.UTC()
	}
	return u
}

// DiffPart is one run of a word diff: Op is "=" (kept), "-" (only in the
// old text) or "+" (only in the new).
type DiffPart struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// maxDiffCells bounds the LCS table; longer texts diff as one replacement.
const maxDiffCells = 1 << 18

// WordDiff is a word-level diff of a and b (whitespace kept with the word
// before it), from a longest common subsequence.
func WordDiff(a, b string) []DiffPart {
	wa, wb := words(a), words(b)
	n, m := len(wa), len(wb)
	if n*m > maxDiffCells {
		return merge([]DiffPart{{"-", a}, {"+", b}})
	}
	// lcs[i][j] = LCS length of wa[i:], wb[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if strings.TrimSpace(wa[i]) == strings.TrimSpace(wb[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffPart
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case strings.TrimSpace(wa[i]) == strings.TrimSpace(wb[j]):
			out = append(out, DiffPart{"=", wb[j]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffPart{"-", wa[i]})
			i++
		default:
			out = append(out, DiffPart{"+", wb[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffPart{"-", wa[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffPart{"+", wb[j]})
	}
	return merge(out)
}

// words splits s into words, each keeping its trailing whitespace.
func words(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := r == ' ' || r == '\t' || r == '\n' || r == '\r'
		if inSpace && !sp {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// merge joins adjacent parts with the same op and drops empty ones.
func merge(parts []DiffPart) []DiffPart {
	var out []DiffPart
	for _, p := range parts {
		if p.Text == "" {
			continue
		}
		if len(out) > 0 && out[len(out)-1].Op == p.Op {
			out[len(out)-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}
