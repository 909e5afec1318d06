package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/psd-tools/exposure/store"
)

// auditPageSize is how many audit entries a page shows.
const auditPageSize = 100

type auditData struct {
	Entries  []store.AuditEntry
	Verified int
	ChainErr string
	Actor    string
	Action   string
	Before   uint64
	Older    string
	Newer    bool
}

// auditPage shows the log newest first, filtered by actor and action,
// with the result of verifying the whole hash chain.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, ss session) {
	q := r.URL.Query()
	d := auditData{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action"))}
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseUint(b, 10, 64)
		if err != nil || n == 0 {
			s.errorPage(w, r, ss, http.StatusBadRequest, fmt.Sprintf("before %q: want an entry number.", short(b, 40)))
			return
		}
		d.Before, d.Newer = n, true
	}
	n, err := s.db.VerifyAudit()
	d.Verified = n
	var ce *store.ChainError
	if errors.As(err, &ce) {
		d.ChainErr = ce.Error()
	} else if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	// Keep the last page-size matching entries before the bound: one pass,
	// bounded memory.
	ring := make([]store.AuditEntry, 0, auditPageSize+1)
	more := false
	err = s.db.AuditLog(1, func(e store.AuditEntry) error {
		if d.Before != 0 && e.Seq >= d.Before {
			return store.Stop
		}
		if d.Actor != "" && !strings.EqualFold(e.Actor, d.Actor) {
			return nil
		}
		if d.Action != "" && e.Action != d.Action {
			return nil
		}
		ring = append(ring, e)
		if len(ring) > auditPageSize {
			ring = ring[1:]
			more = true
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	for i := len(ring) - 1; i >= 0; i-- {
		d.Entries = append(d.Entries, ring[i])
	}
	if more && len(ring) > 0 {
		v := url.Values{}
		v.Set("before", strconv.FormatUint(ring[0].Seq, 10))
		if d.Actor != "" {
			v.Set("actor", d.Actor)
		}
		if d.Action != "" {
			v.Set("action", d.Action)
		}
		d.Older = "/audit?" + v.Encode()
	}
	s.render(w, r, ss, http.StatusOK, "audit", "Audit log", d)
}

type usersData struct {
	Users []User
	Me    string
	Min   int
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, ss session) {
	users, err := s.users.List()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.render(w, r, ss, http.StatusOK, "users", "Users", usersData{Users: users, Me: ss.User, Min: MinPassword})
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, ss session) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	role := Role(r.PostFormValue("role"))
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		s.redirect(w, r, ss, "/users", flash{Msg: "The two passwords differ.", Error: true})
		return
	}
	err := s.users.Add(ss.User, name, role, pw)
	if err != nil {
		// Add's errors are about the input (name, role, password, exists)
		// unless the store failed.
		var msg string
		switch {
		case errors.Is(err, ErrUserExists), errors.Is(err, ErrBadPassword), !role.Valid(), ValidName(name) != nil:
			msg = err.Error()
		default:
			s.fail(w, r, ss, err)
			return
		}
		s.redirect(w, r, ss, "/users", flash{Msg: msg, Error: true})
		return
	}
	s.log.Info().Str("user", ss.User).Str("added", name).Str("role", string(role)).Msg("user added")
	s.redirect(w, r, ss, "/users", flash{Msg: fmt.Sprintf("Added %s (%s).", name, role)})
}

func (s *Server) removeUser(w http.ResponseWriter, r *http.Request, ss session) {
	name := r.PostFormValue("name")
	users, err := s.users.List()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	admins := 0
	var target *User
	for i, u := range users {
		if u.Role == Admin {
			admins++
		}
		if strings.EqualFold(u.Name, name) {
			target = &users[i]
		}
	}
	if target == nil {
		s.redirect(w, r, ss, "/users", flash{Msg: fmt.Sprintf("There is no user %q.", short(name, 64)), Error: true})
		return
	}
	if target.Role == Admin && admins == 1 {
		s.redirect(w, r, ss, "/users", flash{Msg: "The last admin cannot be removed.", Error: true})
		return
	}
	if err := s.users.Remove(ss.User, target.Name); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	if err := s.sessions.endUser(target.Name); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.log.Info().Str("user", ss.User).Str("removed", target.Name).Msg("user removed")
	s.redirect(w, r, ss, "/users", flash{Msg: fmt.Sprintf("Removed %s.", target.Name)})
}

func (s *Server) runJob(w http.ResponseWriter, r *http.Request, ss session) {
	name := r.PostFormValue("job")
	if err := s.jobs.runNow(name); err != nil {
		s.redirect(w, r, ss, "/", flash{Msg: fmt.Sprintf("There is no job %q.", short(name, 40)), Error: true})
		return
	}
	if _, err := s.db.Audit(ss.User, ActJobRun, name, nil); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.redirect(w, r, ss, "/", flash{Msg: fmt.Sprintf("Job %s started.", name)})
}

type purgeData struct {
	Res            store.PurgeResult
	Before, RefBef time.Time
	Profiles       string
	Referrals      string
	Items          []purgeLine
	More           int
}

type purgeLine struct{ Kind, Key, Why string }

// purgeList caps the items a purge page lists.
const purgeList = 200

func (s *Server) purgeOptions(actor string, dry bool) store.PurgeOptions {
	now := s.db.Now()
	return store.PurgeOptions{Before: now.Add(-s.opt.Retention.Profiles), ReferralBefore: now.Add(-s.opt.Retention.Referrals),
		DryRun: dry, Actor: actor, Policy: fmt.Sprintf("web: personal data %s, referrals %s",
			days(s.opt.Retention.Profiles), days(s.opt.Retention.Referrals))}
}

func days(d time.Duration) string { return fmt.Sprintf("%dd", int(d.Hours()/24)) }

// purgePage shows what a purge with the server's retention would delete
// (a dry run), with the button that does it.
func (s *Server) purgePage(w http.ResponseWriter, r *http.Request, ss session) {
	o := s.purgeOptions(ss.User, true)
	res, err := s.db.Purge(o)
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d := purgeData{Res: res, Before: o.Before, RefBef: o.ReferralBefore,
		Profiles: days(s.opt.Retention.Profiles), Referrals: days(s.opt.Retention.Referrals)}
	for _, l := range []struct {
		kind  string
		items []store.PurgeItem
	}{{"referral", res.Referrals}, {"profile", res.Profiles}, {"post", res.Posts}} {
		for _, it := range l.items {
			if len(d.Items) == purgeList {
				d.More++
				continue
			}
			d.Items = append(d.Items, purgeLine{l.kind, it.Key, it.Why})
		}
	}
	s.render(w, r, ss, http.StatusOK, "purge", "Purge", d)
}

// purge deletes what is past retention; the store writes the tombstone to
// the audit log under the admin's name.
func (s *Server) purge(w http.ResponseWriter, r *http.Request, ss session) {
	if r.PostFormValue("confirm") != "yes" {
		s.redirect(w, r, ss, "/purge", flash{Msg: "Tick the box to confirm the purge.", Error: true})
		return
	}
	res, err := s.db.Purge(s.purgeOptions(ss.User, false))
	s.reports.stale()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.log.Info().Str("user", ss.User).Int("profiles", len(res.Profiles)).Int("posts", len(res.Posts)).
		Int("referrals", len(res.Referrals)).Msg("purge done")
	s.redirect(w, r, ss, "/purge", flash{Msg: fmt.Sprintf("Purged %d profile(s), %d post(s) and %d referral(s), and redacted %d audit entries; the tombstone is in the audit log. The file is not compacted: see below.",
		len(res.Profiles), len(res.Posts), len(res.Referrals), res.AuditRedacted)})
}
