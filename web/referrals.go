package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/psd-tools/exposure/export"
	"github.com/psd-tools/exposure/store"
)

type forceConfirmed struct {
	Force string
	N     int
}

type referralsData struct {
	Confirmed []forceConfirmed
	Referrals []store.Referral
}

func (s *Server) referralsPage(w http.ResponseWriter, r *http.Request, ss session) {
	idx, err := s.queue.get()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	by := map[string]int{}
	for i := range idx.items {
		if idx.items[i].State == store.FlagConfirmed {
			by[idx.items[i].Force]++
		}
	}
	var d referralsData
	for f, n := range by {
		d.Confirmed = append(d.Confirmed, forceConfirmed{f, n})
	}
	sort.Slice(d.Confirmed, func(i, j int) bool { return d.Confirmed[i].Force < d.Confirmed[j].Force })
	err = s.db.Referrals(func(ref store.Referral) error {
		d.Referrals = append(d.Referrals, ref)
		return nil
	})
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	// Newest first: ids are in creation order.
	for i, j := 0, len(d.Referrals)-1; i < j; i, j = i+1, j-1 {
		d.Referrals[i], d.Referrals[j] = d.Referrals[j], d.Referrals[i]
	}
	s.render(w, r, ss, http.StatusOK, "referrals", "Referrals", d)
}

type candidate struct {
	Item *qItem
	Ref  string
	Text string
}

type referralNewData struct {
	Force      string
	Candidates []candidate
	Unit       string
}

// defaultUnit is the sending unit printed on a referral unless changed.
const defaultUnit = "Professional Standards Department"

func (s *Server) referralNewPage(w http.ResponseWriter, r *http.Request, ss session) {
	force := r.URL.Query().Get("force")
	idx, err := s.queue.get()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d := referralNewData{Force: force, Unit: defaultUnit}
	for i := range idx.items {
		it := &idx.items[i]
		if it.State != store.FlagConfirmed || it.Force != force {
			continue
		}
		p, err := s.db.Post(it.Platform, it.PostID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, ss, err)
			return
		}
		d.Candidates = append(d.Candidates, candidate{Item: it, Ref: it.Platform + "/" + it.PostID, Text: short(p.Text, 200)})
	}
	title := "New referral"
	if force != "" {
		title += " to " + short(force, 60)
	}
	s.render(w, r, ss, http.StatusOK, "referral_new", title, d)
}

func (s *Server) createReferral(w http.ResponseWriter, r *http.Request, ss session) {
	force := r.PostFormValue("force")
	back := "/referrals/new?force=" + url.QueryEscape(force)
	bad := func(msg string) { s.redirect(w, r, ss, back, flash{Msg: msg, Error: true}) }
	unit := strings.TrimSpace(r.PostFormValue("unit"))
	authority := strings.TrimSpace(r.PostFormValue("authority"))
	note := strings.TrimSpace(r.PostFormValue("note"))
	if force == "" {
		bad("Pick a force.")
		return
	}
	if utf8.RuneCountInString(unit) > 200 || utf8.RuneCountInString(authority) > 200 || utf8.RuneCountInString(note) > maxNote {
		bad("The unit, authority or note is too long.")
		return
	}
	var posts []store.PostKey
	for _, ref := range r.PostForm["post"] {
		platform, id, ok := strings.Cut(ref, "/")
		if !ok || platform == "" || id == "" {
			bad(fmt.Sprintf("Post %q: want PLATFORM/ID.", short(ref, 60)))
			return
		}
		posts = append(posts, store.PostKey{Platform: platform, PostID: id})
	}
	if len(posts) == 0 {
		bad("Tick at least one confirmed flag to refer.")
		return
	}
	before, err := s.db.Version()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	ref, err := s.db.CreateReferral(store.NewReferral{Force: force, CreatedBy: ss.User, Unit: unit,
		Authority: authority, Note: note, Posts: posts})
	switch {
	case errors.Is(err, store.ErrBadState), errors.Is(err, store.ErrNotFound):
		// The store's message names the post and why (not confirmed, other
		// force); it holds no internal detail.
		bad("Not referred: " + err.Error() + ".")
		return
	case err != nil:
		s.fail(w, r, ss, err)
		return
	}
	if after, err := s.db.Version(); err == nil {
		var flags []store.Flag
		for _, k := range ref.Posts {
			if f, err := s.db.Flag(k.Platform, k.PostID); err == nil {
				flags = append(flags, f)
			}
		}
		if len(flags) == len(ref.Posts) {
			s.queue.patch(before, after, flags...)
		}
	}
	s.reports.stale()
	s.log.Info().Str("user", ss.User).Str("referral", ref.ID).Int("posts", len(ref.Posts)).Msg("referral created")
	s.redirect(w, r, ss, "/referrals/"+url.PathEscape(ref.ID),
		flash{Msg: fmt.Sprintf("Referral %s created with %d post(s).", ref.ID, len(ref.Posts))})
}

type referralPost struct {
	Key   store.PostKey
	Post  store.Post
	Flag  store.Flag
	Last  *store.Check
	Found bool
}

type referralData struct {
	Ref       store.Referral
	Posts     []referralPost
	CanExport bool // the server has a signing key
}

func (s *Server) referralPage(w http.ResponseWriter, r *http.Request, ss session) {
	ref, err := s.db.Referral(r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, ss, http.StatusNotFound, "There is no referral with this id.")
		return
	} else if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d := referralData{Ref: ref, CanExport: s.opt.Export != nil}
	for _, k := range ref.Posts {
		rp := referralPost{Key: k}
		if p, err := s.db.Post(k.Platform, k.PostID); err == nil {
			rp.Post, rp.Found = p, true
		} else if !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, ss, err)
			return
		}
		if f, err := s.db.Flag(k.Platform, k.PostID); err == nil {
			rp.Flag = f
		} else if !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, ss, err)
			return
		}
		c, ok, err := s.db.LastCheck(k.Platform, k.PostID)
		if err != nil {
			s.fail(w, r, ss, err)
			return
		}
		if ok {
			rp.Last = &c
		}
		d.Posts = append(d.Posts, rp)
	}
	s.render(w, r, ss, http.StatusOK, "referral", "Referral "+ref.ID, d)
}

// unsafeName matches what a file name may not hold: it keeps letters, digits, dot, dash and underscore: referral ids
// are made by the store, but a file name is built from one here.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// downloadPack writes a fresh, signed export pack for a referral and sends
// its zip. export.Write audits the export under the admin's name; the
// download itself is audited too, with the zip's hash.
func (s *Server) downloadPack(w http.ResponseWriter, r *http.Request, ss session) {
	if s.opt.Export == nil {
		s.errorPage(w, r, ss, http.StatusNotFound, "Export packs are not enabled on this server: run 'exposure keys init' and restart it.")
		return
	}
	ref, err := s.db.Referral(r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, ss, http.StatusNotFound, "There is no referral with this id.")
		return
	} else if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	name := unsafeName.ReplaceAllString(ref.ID, "_")
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	out := filepath.Join(s.opt.Export.Dir, fmt.Sprintf("%s-%s-%x", name, s.now().UTC().Format("20060102T150405Z"), suffix))
	res, err := export.Write(r.Context(), s.db, export.Request{Referral: ref.ID},
		export.Options{Out: out, Key: s.opt.Export.Key, Operator: ss.User, Tool: s.opt.Export.Tool})
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	f, err := os.Open(res.Zip)
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	if _, err := s.db.Audit(ss.User, ActDownload, ref.ID, map[string]string{"file": filepath.Base(res.Zip),
		"zip_sha256": res.ZipSHA256, "addr": s.clientAddr(r), "export_seq": strconv.FormatUint(res.Audit.Seq, 10)}); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.log.Info().Str("user", ss.User).Str("referral", ref.ID).Str("zip", res.Zip).Msg("export pack downloaded")
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".zip"}))
	h.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	h.Set("Cache-Control", "no-store")
	_, _ = io.Copy(w, f)
}
