package web

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/report"
	"github.com/psd-tools/exposure/store"
)

// Options configure a Server.
type Options struct {
	DB  *store.DB
	Log zerolog.Logger
	// TLS says the server is reached over HTTPS (it terminates TLS itself):
	// cookies are Secure and __Host- prefixed, and HSTS is sent.
	TLS bool
	// BehindProxy trusts the X-Forwarded-For and X-Forwarded-Proto headers
	// of a reverse proxy for the client address (rate limiting) and for
	// whether the browser used HTTPS (Secure cookies).
	BehindProxy bool
	// Loopback says the server listens only on the loopback interface: it
	// then answers only requests addressed to localhost or a loopback IP,
	// so a web page whose DNS name is rebound to 127.0.0.1 cannot reach it.
	Loopback bool
	// TrustedOrigins are extra origins ("https://exposure.example") allowed
	// to make state-changing requests, for a proxy that rewrites Host.
	TrustedOrigins []string
	// Idle is how long a session lasts without a request (default 30m);
	// MaxAge is a session's absolute lifetime (default 12h).
	Idle, MaxAge time.Duration
	// Jobs are run in-process on their schedules by Serve or RunJobs.
	Jobs []Job
	// BcryptCost is the password hashing cost (0 for the default).
	BcryptCost int
	// Now is the clock (default time.Now); tests move it to expire sessions.
	Now func() time.Time
	// Retention is what an admin's purge applies (default 6 months for
	// personal data, 6 years for referrals, as config.Retention).
	Retention Retention
	// Report tunes the visibility report (horizons, cannot-verify age).
	Report report.Options
	// Export configures the referral pack download; nil disables it (the
	// referral page says how to enable it).
	Export *ExportOptions
}

// Retention periods for purges.
type Retention struct {
	Profiles, Referrals time.Duration
}

// ExportOptions say how the server writes export packs.
type ExportOptions struct {
	// Key signs every pack's manifest (from 'exposure keys init').
	Key ed25519.PrivateKey
	// Dir is where packs are written and kept, one folder and zip per
	// download, so the audit log's "out" names a file that exists.
	Dir string
	// Tool is the exposure version recorded in the pack.
	Tool string
}

// Login rate limits: failures allowed per window, per account and per
// client address.
const (
	accountFailures = 5
	addressFailures = 20
	failureWindow   = 15 * time.Minute
)

// Server is the web application.
type Server struct {
	db       *store.DB
	log      zerolog.Logger
	opt      Options
	now      func() time.Time
	users    *Users
	sessions *sessions
	byUser   *limiter
	byAddr   *limiter
	jobs     *scheduler
	queue    *queueCache
	reports  reportCache
	tmpl     *templates
	handler  http.Handler

	shutdownOnce sync.Once
}

// New builds a server over an open store.
func New(opt Options) (*Server, error) {
	if opt.DB == nil {
		return nil, errors.New("web: no database")
	}
	if opt.Idle <= 0 {
		opt.Idle = 30 * time.Minute
	}
	if opt.MaxAge <= 0 {
		opt.MaxAge = 12 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Retention.Profiles <= 0 {
		opt.Retention.Profiles = 180 * 24 * time.Hour
	}
	if opt.Retention.Referrals <= 0 {
		opt.Retention.Referrals = 6 * 365 * 24 * time.Hour
	}
	if opt.Export != nil && (opt.Export.Key == nil || opt.Export.Dir == "") {
		return nil, errors.New("web: export needs a signing key and a folder")
	}
	s := &Server{db: opt.DB, log: opt.Log.With().Str("component", "web").Logger(), opt: opt, now: opt.Now,
		users:  NewUsers(opt.DB, opt.BcryptCost),
		byUser: newLimiter(accountFailures, failureWindow),
		byAddr: newLimiter(addressFailures, failureWindow),
		queue:  &queueCache{db: opt.DB},
	}
	var err error
	if s.sessions, err = newSessions(opt.DB, opt.Idle, opt.MaxAge, opt.Now()); err != nil {
		return nil, fmt.Errorf("web: load sessions: %w", err)
	}
	if s.jobs, err = newScheduler(opt.DB, s.log, opt.Now, opt.Jobs); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.tmpl, err = parseTemplates(); err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s.handler, err = s.routes()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	return s, nil
}

// Users returns the account manager.
func (s *Server) Users() *Users { return s.users }

// Handler is the application's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// RunJobs runs the scheduled jobs until ctx is cancelled and they return.
func (s *Server) RunJobs(ctx context.Context) { s.jobs.run(ctx) }

// Jobs returns the status of every scheduled job.
func (s *Server) Jobs() []JobStatus { return s.jobs.statuses() }

// Serve serves on ln (over TLS when certFile and keyFile are set) and runs
// the scheduled jobs, until ctx is cancelled; it then stops accepting,
// lets requests in flight finish for up to 10 seconds, and waits for the
// jobs to return.
func (s *Server) Serve(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // export packs can be large
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
	jctx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.RunJobs(jctx)
	}()
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- hs.ServeTLS(ln, certFile, keyFile)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = hs.Shutdown(sctx)
		cancel()
		<-errc
	}
	stopJobs()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if serr := s.Close(); serr != nil && err == nil {
		err = serr
	}
	return err
}

// Close saves the sessions' last-seen times so that a restart keeps
// reviewers signed in. Serve calls it on the way out.
func (s *Server) Close() error {
	if err := s.sessions.save(); err != nil {
		return fmt.Errorf("web: save sessions: %w", err)
	}
	return nil
}

// CheckAddr refuses to listen beyond the loopback interface unless the
// server terminates TLS itself or the operator says a TLS proxy is in
// front: reviewers' passwords and sessions must not cross a network in
// clear text.
func CheckAddr(addr string, tls, behindProxy bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if tls || behindProxy {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		host = "every interface"
	}
	return fmt.Errorf("--addr %q listens on %s, beyond this machine: give --tls-cert and --tls-key, or --insecure-behind-proxy if a TLS proxy is in front", addr, host)
}
