package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVColumns are referral.csv's columns, version 1 (SCHEMA.md).
var CSVColumns = []string{
	"referral_id", "force", "sending_unit", "platform", "profile_id", "handle", "name", "profile_url", "bio",
	"location", "role", "post_id", "permalink", "posted_at", "captured_at", "text", "repost_text",
	"categories", "classifier_categories", "score_offensive", "score_procedure", "score_negativity",
	"score_political", "evidence", "evidence_hash", "evidence_hash_verified", "capture_file", "payload_file",
	"payload_sha256", "tool_version", "rules_version", "sweep_id", "sweep_operator", "sweep_authority",
	"flag_state", "reviews", "last_decision", "last_reviewer", "last_reviewed_at", "checks",
	"last_check_state", "last_check_at",
}

// RenderCSV writes one row per referred post (RFC 4180, UTF-8, CRLF).
// Histories (evidence spans, reviews, checks) are one entry per line
// inside their cell; referral.json has them as structured data.
func RenderCSV(w io.Writer, doc *Document) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	refs := map[string]Referral{}
	for _, r := range doc.Referrals {
		refs[r.ID] = r
	}
	for _, p := range doc.Profiles {
		for _, t := range p.Posts {
			row := []string{
				t.Referral, refs[t.Referral].Force, refs[t.Referral].Unit, t.Platform, p.ID, p.Handle, p.Name,
				p.URL, p.Bio, p.Location, p.Role, t.ID, t.Permalink, stamp(t.Created), stamp(t.CapturedAt),
				t.Text, t.RepostText, strings.Join(t.Categories, ";"), strings.Join(t.Classifier, ";"),
				score(t.Scores, "offensive"), score(t.Scores, "procedure"), score(t.Scores, "negativity"),
				score(t.Scores, "political"), spansCell(t.Evidence), t.EvidenceHash,
				strconv.FormatBool(t.HashVerified), t.CaptureFile, "", "", t.Tool, t.Rules, "", "", "",
				t.State, reviewsCell(t.Reviews), "", "", "", checksCell(t.Checks), "", "",
			}
			if t.Payload != nil {
				row[27], row[28] = t.Payload.File, t.Payload.SHA256
			}
			if t.Sweep != nil {
				row[31], row[32], row[33] = strconv.FormatUint(t.Sweep.ID, 10), t.Sweep.Operator, t.Sweep.Authority
			}
			if n := len(t.Reviews); n > 0 {
				r := t.Reviews[n-1]
				row[36], row[37], row[38] = r.Decision, r.Reviewer, stamp(r.At)
			}
			if n := len(t.Checks); n > 0 {
				c := t.Checks[n-1]
				row[40], row[41] = c.State, stamp(c.At)
			}
			for i := range row {
				row[i] = inert(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// inert stops a spreadsheet from running a cell as a formula: a cell that
// starts with = + - @ or a tab or carriage return gets a leading
// apostrophe (the OWASP advice). referral.json keeps the exact text.
func inert(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func score(s Scores, c string) string {
	v, ok := s[c]
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func spansCell(spans []Span) string {
	lines := make([]string, len(spans))
	for i, s := range spans {
		lines[i] = fmt.Sprintf("%s [%d:%d] %q", s.Category, s.Start, s.End, s.Text)
		if !s.Located {
			lines[i] += " (not found at these offsets)"
		}
	}
	return strings.Join(lines, "\n")
}

func reviewsCell(rs []Review) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		parts := []string{stamp(r.At), r.Reviewer, r.Decision}
		if r.Reason != "" {
			parts = append(parts, "reason: "+r.Reason)
		}
		if len(r.Categories) > 0 {
			parts = append(parts, "categories: "+strings.Join(r.Categories, ";"))
		}
		if r.Note != "" {
			parts = append(parts, "note: "+r.Note)
		}
		lines[i] = strings.Join(parts, " | ")
	}
	return strings.Join(lines, "\n")
}

func checksCell(cs []Check) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		parts := []string{stamp(c.At), c.State}
		if c.Reason != "" {
			parts = append(parts, c.Reason)
		}
		if c.Text != "" {
			parts = append(parts, "text now: "+c.Text)
		}
		lines[i] = strings.Join(parts, " | ")
	}
	return strings.Join(lines, "\n")
}
