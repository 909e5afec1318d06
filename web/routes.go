package web

import (
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// access is who may use a route.
type access int

const (
	public access = iota
	anyUser
	adminOnly
)

// handlerFunc is a handler that knows who is signed in (a zero session for
// public routes).
type handlerFunc func(w http.ResponseWriter, r *http.Request, ss session)

// route is one entry of the route table; the table is also what the
// authorisation tests walk.
type route struct {
	pattern string
	access  access
	h       handlerFunc
}

// Routes returns the method and path pattern of every route with the role
// it needs ("public", "user" or "admin"), for tests and documentation.
func (s *Server) Routes() map[string]string {
	out := map[string]string{}
	for _, rt := range s.table() {
		out[rt.pattern] = [...]string{"public", "user", "admin"}[rt.access]
	}
	return out
}

func (s *Server) table() []route {
	return []route{
		{"GET /login", public, s.loginPage},
		{"POST /login", public, s.login},
		{"GET /healthz", public, func(w http.ResponseWriter, _ *http.Request, _ session) { fmt.Fprintln(w, "ok") }},
		{"POST /logout", anyUser, s.logout},
		{"GET /{$}", anyUser, s.dashboard},
		{"GET /queue", anyUser, s.queuePage},
		{"POST /review", anyUser, s.review},
		{"GET /post/{platform}/{id}", anyUser, s.postPage},
		{"GET /profile/{platform}/{id}", anyUser, s.profilePage},
		{"GET /referrals", anyUser, s.referralsPage},
		{"GET /referrals/new", anyUser, s.referralNewPage},
		{"POST /referrals", anyUser, s.createReferral},
		{"GET /referrals/{id}", anyUser, s.referralPage},
		{"POST /referrals/{id}/pack", adminOnly, s.downloadPack},
		{"GET /report", anyUser, s.reportPage},
		{"GET /report/print", anyUser, s.reportPrint},
		{"GET /audit", adminOnly, s.auditPage},
		{"GET /users", adminOnly, s.usersPage},
		{"POST /users", adminOnly, s.addUser},
		{"POST /users/remove", adminOnly, s.removeUser},
		{"POST /jobs/run", adminOnly, s.runJob},
		{"GET /purge", adminOnly, s.purgePage},
		{"POST /purge", adminOnly, s.purge},
	}
}

func (s *Server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	for _, rt := range s.table() {
		mux.Handle(rt.pattern, s.guard(rt))
	}
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.errorPage(w, r, session{}, http.StatusNotFound, "There is no page at this address.")
			return
		}
		// Asset URLs carry a content hash (?v=), so they can be cached.
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	}))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, session{}, http.StatusNotFound, "There is no page at this address.")
	}))
	cop := http.NewCrossOriginProtection()
	for _, o := range s.opt.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn().Str("path", r.URL.Path).Str("addr", s.clientAddr(r)).Msg("cross-origin request refused")
		s.errorPage(w, r, session{}, http.StatusForbidden, "Cross-origin request refused.")
	}))
	return s.headers(cop.Handler(mux)), nil
}

// csp allows only this origin's own files: no inline script or style, no
// plugins, no framing, forms posting only here. Scraped text that escaped
// html/template could still not run.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the security headers on every response and logs it.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if s.opt.Loopback && !loopbackHost(r.Host) {
			s.log.Warn().Str("host", short(r.Host, 100)).Msg("request for a non-loopback host refused")
			http.Error(w, "this server only answers requests to localhost", http.StatusMisdirectedRequest)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.Debug().Str("method", r.Method).Str("path", r.URL.Path).Int("status", sw.status).
			Dur("took", time.Since(start)).Msg("request")
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// maxForm caps a request body: forms here are small (a referral of a few
// thousand posts fits easily).
const maxForm = 1 << 20

// guard enforces a route's access rule and, for every POST, the session's
// CSRF token (on top of the cross-origin check that wraps the mux).
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				s.errorPage(w, r, session{}, http.StatusBadRequest, "The form could not be read.")
				return
			}
		}
		ss, signedIn := s.session(r)
		if rt.access == public {
			rt.h(w, r, ss)
			return
		}
		if !signedIn {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, session{}, http.StatusForbidden, "Your session has ended. Sign in again.")
			return
		}
		if r.Method == http.MethodPost && !ss.validCSRF(r.PostFormValue("csrf")) {
			s.log.Warn().Str("path", r.URL.Path).Str("user", ss.User).Msg("CSRF token missing or wrong")
			s.errorPage(w, r, ss, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
			return
		}
		if rt.access == adminOnly && ss.Role != Admin {
			s.errorPage(w, r, ss, http.StatusForbidden, "Only an admin can do this.")
			return
		}
		if r.Method == http.MethodGet {
			w.Header().Set("Cache-Control", "no-store")
		}
		rt.h(w, r, ss)
	})
}

// cookieName is the session cookie; over HTTPS it takes the __Host- prefix,
// which browsers only accept Secure, host-only and for path /.
func (s *Server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return "__Host-exposure"
	}
	return "exposure"
}

// secure reports whether the browser reached us over HTTPS.
func (s *Server) secure(r *http.Request) bool {
	if s.opt.TLS || r.TLS != nil {
		return true
	}
	return s.opt.BehindProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// session returns the signed-in session of the request, if any.
func (s *Server) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(s.cookieName(r))
	if err != nil {
		return session{}, false
	}
	ss, ok := s.sessions.get(c.Value, s.now())
	if ok {
		ss.token = c.Value
	}
	return ss, ok
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(r), Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: maxAge})
}

// clientAddr is the address login failures are counted against: the
// connection's, or behind a proxy the last address the proxy appended.
func (s *Server) clientAddr(r *http.Request) string {
	if s.opt.BehindProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if a := strings.TrimSpace(parts[len(parts)-1]); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loopbackHost reports whether a Host header names this machine by a
// loopback address or "localhost".
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// localPath accepts a redirect target only if it stays on this site.
func localPath(p, fallback string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\r\n\\") {
		return fallback
	}
	return p
}
