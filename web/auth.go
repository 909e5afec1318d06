package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

type loginData struct {
	Next    string
	User    string
	Error   string
	NoUsers bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, ss session) {
	next := localPath(r.URL.Query().Get("next"), "/")
	if ss.User != "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginData{Next: next})
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	users, err := s.users.List()
	if err != nil {
		s.fail(w, r, session{}, err)
		return
	}
	d.NoUsers = len(users) == 0
	s.render(w, r, session{}, status, "login", "Sign in", d)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ session) {
	name := strings.TrimSpace(r.PostFormValue("user"))
	pw := r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"), "/")
	addr := s.clientAddr(r)
	acct := strings.ToLower(name)
	now := s.now()
	d := loginData{Next: next, User: short(name, 64)}
	if len(name) > 256 || len(pw) > 1024 {
		d.Error = "Wrong user name or password."
		s.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	blockedA, waitA := s.byAddr.blocked(addr, now)
	blockedU, waitU := s.byUser.blocked(acct, now)
	if blockedA || blockedU {
		wait := max(waitA, waitU)
		s.log.Warn().Str("addr", addr).Bool("account_locked", blockedU).Msg("login refused: too many failures")
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		d.Error = fmt.Sprintf("Too many failed sign-ins. Try again in %d minute(s).", int(math.Ceil(wait.Minutes())))
		s.renderLogin(w, r, http.StatusTooManyRequests, d)
		return
	}
	usr, err := s.users.Check(name, pw)
	if errors.Is(err, ErrBadLogin) {
		s.byAddr.fail(addr, now)
		s.byUser.fail(acct, now)
		s.log.Warn().Str("addr", addr).Str("user", short(name, 64)).Msg("login failed")
		d.Error = "Wrong user name or password."
		s.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		s.fail(w, r, session{}, err)
		return
	}
	s.byUser.reset(acct)
	token, _, err := s.sessions.create(usr, now)
	if err != nil {
		s.fail(w, r, session{}, err)
		return
	}
	if _, err := s.db.Audit(usr.Name, ActLogin, usr.Name, map[string]string{"addr": addr}); err != nil {
		s.fail(w, r, session{}, err)
		return
	}
	s.log.Info().Str("user", usr.Name).Msg("signed in")
	s.setCookie(w, r, token, 0)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, ss session) {
	if err := s.sessions.end(ss.token); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.setCookie(w, r, "", -1)
	if _, err := s.db.Audit(ss.User, ActLogout, ss.User, nil); err != nil {
		s.log.Error().Err(err).Msg("audit logout")
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
