package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psd-tools/exposure/store"
)

// Errors the command line turns into input errors.
var (
	// ErrUnknownReferral means no referral has the id asked for.
	ErrUnknownReferral = errors.New("unknown referral")
	// ErrNoReferrals means the force (since the date) has no referrals.
	ErrNoReferrals = errors.New("no referrals to export")
)

// Request selects what to export: one referral, or every referral to a
// force created at or after Since.
type Request struct {
	Referral string
	Force    string
	Since    time.Time
}

// pack is a document and the evidence files it points at.
type pack struct {
	doc      Document
	payloads map[string]string // sha256 -> path in the pack
	captures []capture         // evidence/captures/*
	warc     []store.Payload   // responses for the WARC file, in order
	warcSeen map[string]bool
}

// addWARC queues a captured HTTP response for the WARC file, once.
func (p *pack) addWARC(pl *store.Payload) {
	if pl == nil || pl.URL == "" || pl.Status == 0 || pl.SHA256 == "" {
		return
	}
	key := pl.URL + "\x00" + pl.FetchedAt.String() + "\x00" + pl.SHA256
	if !p.warcSeen[key] {
		p.warcSeen[key] = true
		p.warc = append(p.warc, *pl)
	}
}

type capture struct {
	path string
	raw  []byte
}

// Load reads the referrals a request selects and everything about their
// posts into a Document, without writing anything.
func Load(ctx context.Context, db *store.DB, req Request) (Document, error) {
	p, err := load(ctx, db, req)
	return p.doc, err
}

func selectReferrals(db *store.DB, req Request) ([]store.Referral, Selection, error) {
	if req.Referral != "" {
		r, err := db.Referral(req.Referral)
		if errors.Is(err, store.ErrNotFound) {
			return nil, Selection{}, fmt.Errorf("referral %q: %w", req.Referral, ErrUnknownReferral)
		}
		if err != nil {
			return nil, Selection{}, err
		}
		return []store.Referral{r}, Selection{Referral: r.ID}, nil
	}
	if strings.TrimSpace(req.Force) == "" {
		return nil, Selection{}, errors.New("export: a referral id or a force is required")
	}
	// Accept the force name in any case; referrals carry the canonical one.
	var all []store.Referral
	forces := map[string]bool{}
	if err := db.Referrals(func(r store.Referral) error {
		forces[r.Force] = true
		if strings.EqualFold(r.Force, strings.TrimSpace(req.Force)) {
			all = append(all, r)
		}
		return nil
	}); err != nil {
		return nil, Selection{}, err
	}
	if len(all) == 0 {
		names := make([]string, 0, len(forces))
		for f := range forces {
			names = append(names, f)
		}
		sort.Strings(names)
		have := "none"
		if len(names) > 0 {
			have = strings.Join(names, "; ")
		}
		return nil, Selection{}, fmt.Errorf("force %q: %w (forces with referrals: %s)", req.Force, ErrNoReferrals, have)
	}
	sel := Selection{Force: all[0].Force}
	if !req.Since.IsZero() {
		since := req.Since.UTC()
		sel.Since = &since
	}
	var out []store.Referral
	for _, r := range all {
		if !r.Created.Before(req.Since) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		last := all[len(all)-1]
		return nil, Selection{}, fmt.Errorf("force %q: %w since %s (latest is %s of %s)", sel.Force, ErrNoReferrals,
			req.Since.UTC().Format("2006-01-02"), last.ID, last.Created.Format("2006-01-02"))
	}
	return out, sel, nil
}

func load(ctx context.Context, db *store.DB, req Request) (*pack, error) {
	refs, sel, err := selectReferrals(db, req)
	if err != nil {
		return nil, err
	}
	p := &pack{payloads: map[string]string{}, warcSeen: map[string]bool{}}
	doc := &p.doc
	doc.Schema, doc.Version, doc.Selection = Schema, Version, sel
	doc.Force = refs[0].Force
	doc.Counts = Counts{ByCategory: map[string]int{}, ByPlatform: map[string]int{}}
	for _, c := range Categories {
		doc.Counts.ByCategory[c] = 0
	}
	profiles := map[[2]string]*Profile{}
	sweeps := map[uint64]*Sweep{}
	seen := map[store.PostKey]bool{}
	for _, r := range refs {
		doc.Referrals = append(doc.Referrals, Referral{ID: r.ID, Force: r.Force, Unit: r.Unit, Created: r.Created,
			CreatedBy: r.CreatedBy, Authority: r.Authority, Note: r.Note, Posts: len(r.Posts)})
		for _, pk := range r.Posts {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if seen[pk] {
				continue
			}
			seen[pk] = true
			post, err := db.Post(pk.Platform, pk.PostID)
			if err != nil {
				return nil, fmt.Errorf("referral %s: %w", r.ID, err)
			}
			flag, err := db.Flag(pk.Platform, pk.PostID)
			if err != nil {
				return nil, fmt.Errorf("referral %s: %w", r.ID, err)
			}
			ep, err := p.post(db, r.ID, post, flag, sweeps)
			if err != nil {
				return nil, err
			}
			pkey := [2]string{post.Platform, post.ProfileID}
			prof := profiles[pkey]
			if prof == nil {
				prof, err = loadProfile(db, post)
				if err != nil {
					return nil, err
				}
				profiles[pkey] = prof
			}
			prof.Posts = append(prof.Posts, ep)
			doc.Counts.Posts++
			doc.Counts.ByPlatform[post.Platform]++
			for _, c := range ep.Categories {
				doc.Counts.ByCategory[c]++
			}
		}
	}
	for _, prof := range profiles {
		sort.Slice(prof.Posts, func(i, j int) bool {
			a, b := prof.Posts[i], prof.Posts[j]
			if !a.CapturedAt.Equal(b.CapturedAt) {
				return a.CapturedAt.Before(b.CapturedAt)
			}
			return a.ID < b.ID
		})
		doc.Profiles = append(doc.Profiles, *prof)
	}
	sort.Slice(doc.Profiles, func(i, j int) bool {
		a, b := doc.Profiles[i], doc.Profiles[j]
		if a.Platform != b.Platform {
			return a.Platform < b.Platform
		}
		if la, lb := strings.ToLower(a.Handle), strings.ToLower(b.Handle); la != lb {
			return la < lb
		}
		return a.ID < b.ID
	})
	doc.Counts.Profiles = len(doc.Profiles)
	sort.Slice(p.captures, func(i, j int) bool { return p.captures[i].path < p.captures[j].path })
	sort.SliceStable(p.warc, func(i, j int) bool {
		a, b := p.warc[i], p.warc[j]
		if !a.FetchedAt.Equal(b.FetchedAt) {
			return a.FetchedAt.Before(b.FetchedAt)
		}
		if a.URL != b.URL {
			return a.URL < b.URL
		}
		return a.SHA256 < b.SHA256
	})
	return p, nil
}

func loadProfile(db *store.DB, post store.Post) (*Profile, error) {
	sp, err := db.Profile(post.Platform, post.ProfileID)
	if errors.Is(err, store.ErrNotFound) {
		// The profile record is gone (purged or never kept): describe it
		// from the capture's snapshot.
		s := post.Profile
		return &Profile{Platform: post.Platform, ID: post.ProfileID, Handle: s.Handle, Name: s.Name, Bio: s.Bio,
			Location: s.Location, URL: s.URL, Role: s.Role, Force: s.Force, Evidence: nonNil(s.Evidence)}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Profile{Platform: sp.Platform, ID: sp.ID, Handle: sp.Handle, Name: sp.Name, Bio: sp.Bio,
		Location: sp.Location, URL: sp.URL, Status: sp.Status, Role: sp.Role, Force: sp.Force,
		Evidence: nonNil(sp.Evidence), FirstSeen: sp.FirstSeen, LastSeen: sp.LastSeen}, nil
}

// post converts one referred post, collecting its evidence files.
func (p *pack) post(db *store.DB, refID string, post store.Post, flag store.Flag, sweeps map[uint64]*Sweep) (Post, error) {
	s := post.Profile
	ep := Post{Referral: refID, Platform: post.Platform, ID: post.ID, Permalink: post.URL, Text: post.Text,
		Repost: post.Repost, RepostText: post.RepostText, Created: post.Created, CapturedAt: post.CapturedAt,
		Snapshot: Snapshot{Handle: s.Handle, Name: s.Name, Bio: s.Bio, Location: s.Location, URL: s.URL,
			Force: s.Force, Role: s.Role, Evidence: nonNil(s.Evidence)},
		Tool: post.ToolVersion, Rules: post.RulesVersion, EvidenceHash: post.EvidenceHash,
		Categories: nonNil(flag.Final()), Classifier: nonNil(flag.Categories), Scores: Scores{},
		State: string(flag.State), Evidence: []Span{}, Reviews: []Review{}, Checks: []Check{}}
	for k, v := range flag.Scores {
		ep.Scores[k] = v
	}
	// The capture record: the exact bytes whose SHA-256 is the evidence
	// hash, so a receiver can check it with sha256sum alone.
	rec := post
	rec.EvidenceHash = ""
	raw, err := json.Marshal(rec)
	if err != nil {
		return ep, err
	}
	ep.HashVerified = post.EvidenceHash != "" && store.SHA256(raw) == post.EvidenceHash && store.EvidenceHash(post) == post.EvidenceHash
	ep.CaptureFile = "evidence/captures/" + safeName(post.Platform) + "_" + safeName(post.ID) + ".json"
	p.captures = append(p.captures, capture{path: ep.CaptureFile, raw: raw})
	for _, sp := range flag.Evidence {
		ep.Evidence = append(ep.Evidence, locate(post.Text, sp))
	}
	if post.SweepID != 0 {
		sw, ok := sweeps[post.SweepID]
		if !ok {
			if st, err := db.Sweep(post.SweepID); err == nil {
				sw = &Sweep{ID: st.ID, Started: st.Started, Operator: st.Operator, Authority: st.Authority}
			}
			sweeps[post.SweepID] = sw
		}
		ep.Sweep = sw
	}
	p.addWARC(post.ProfilePayload)
	p.addWARC(post.Payload)
	if ep.Payload, err = p.payload(db, post.Payload); err != nil {
		return ep, err
	}
	if ep.ProfilePage, err = p.payload(db, post.ProfilePayload); err != nil {
		return ep, err
	}
	reviews, err := db.Reviews(post.Platform, post.ID)
	if err != nil {
		return ep, err
	}
	for _, r := range reviews {
		ep.Reviews = append(ep.Reviews, Review{At: r.At, Reviewer: r.Reviewer, Decision: string(r.Decision),
			Reason: r.Reason, Categories: r.Categories, Note: r.Note})
	}
	checks, err := db.Checks(post.Platform, post.ID)
	if err != nil {
		return ep, err
	}
	for _, c := range checks {
		ec := Check{At: c.At, State: c.State, Text: c.Text, Reason: c.Reason, Operator: c.Operator, Authority: c.Authority}
		p.addWARC(c.Payload)
		if ec.Payload, err = p.payload(db, c.Payload); err != nil {
			return ep, err
		}
		ep.Checks = append(ep.Checks, ec)
	}
	return ep, nil
}

// payload describes a stored payload and registers its body for
// evidence/payloads. A body the store no longer has is marked missing
// rather than failing the export.
func (p *pack) payload(db *store.DB, pl *store.Payload) (*Payload, error) {
	if pl == nil || pl.SHA256 == "" {
		return nil, nil
	}
	out := &Payload{URL: pl.URL, Status: pl.Status, ContentType: pl.ContentType, SHA256: pl.SHA256,
		Size: pl.Size, FetchedAt: pl.FetchedAt}
	if path, ok := p.payloads[pl.SHA256]; ok {
		out.File = path
		return out, nil
	}
	if _, err := db.Payload(pl.SHA256); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			out.Missing = true
			return out, nil
		}
		return nil, err
	}
	out.File = "evidence/payloads/" + pl.SHA256 + extension(pl.ContentType)
	p.payloads[pl.SHA256] = out.File
	return out, nil
}

// locate checks that a span's byte offsets fall on rune boundaries inside
// text and cover the span's text.
func locate(text string, s store.Span) Span {
	out := Span{Category: s.Category, Start: s.Start, End: s.End, Text: s.Text, Reason: s.Reason}
	if s.Start < 0 || s.End <= s.Start || s.End > len(text) {
		return out
	}
	if !utf8.RuneStart(text[s.Start]) || (s.End < len(text) && !utf8.RuneStart(text[s.End])) {
		return out
	}
	got := text[s.Start:s.End]
	if s.Text == "" {
		out.Text = got
	} else if got != s.Text {
		return out
	}
	out.Located = true
	return out
}

// extension picks a file extension for a payload from its content type.
func extension(ct string) string {
	ct = strings.ToLower(ct)
	switch {
	case strings.Contains(ct, "json"):
		return ".json"
	case strings.Contains(ct, "html"):
		return ".html"
	case strings.Contains(ct, "xml"):
		return ".xml"
	case strings.HasPrefix(ct, "text/"):
		return ".txt"
	}
	return ".bin"
}

// safeName keeps a platform name or id usable as a file name on any
// system; anything else is hex-encoded so that two ids never collide.
func safeName(s string) string {
	ok := s != "" && len(s) <= 100
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' && i > 0
	}
	if ok {
		return s
	}
	h := store.SHA256([]byte(s))
	return "x" + h[:32]
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
