package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/psd-tools/exposure/store"
)

// session is a signed-in browser. The cookie holds a random token; the
// store and the map hold only its SHA-256.
type session struct {
	User    string    `json:"user"`
	Role    Role      `json:"role"`
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`
	// token is the cookie value of the request's session (not stored).
	token string
	// flash is a one-time message for the next page (not stored).
	flash flash
}

// flash is a message shown once, after a redirect.
type flash struct {
	Msg   string
	Error bool
}

// sessions keeps sessions in memory, written through to kv.sessions so a
// restart does not sign everyone out.
type sessions struct {
	kv      *store.KV
	idle    time.Duration
	maxAge  time.Duration
	mu      sync.Mutex
	byToken map[string]*session // key: hex SHA-256 of the token
}

func newSessions(db *store.DB, idle, maxAge time.Duration, now time.Time) (*sessions, error) {
	s := &sessions{kv: db.KV("sessions"), idle: idle, maxAge: maxAge, byToken: map[string]*session{}}
	var stale [][]byte
	err := s.kv.Scan(nil, func(k, v []byte) error {
		var ss session
		if json.Unmarshal(v, &ss) != nil || s.expired(&ss, now) {
			stale = append(stale, k)
			return nil
		}
		s.byToken[string(k)] = &ss
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range stale {
		if err := s.kv.Delete(k); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *sessions) expired(ss *session, now time.Time) bool {
	return now.Sub(ss.Seen) > s.idle || now.Sub(ss.Created) > s.maxAge
}

func tokenKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session and returns its cookie token.
func (s *sessions) create(u User, now time.Time) (string, *session, error) {
	token := randomToken()
	ss := &session{User: u.Name, Role: u.Role, CSRF: randomToken(), Created: now, Seen: now}
	raw, _ := json.Marshal(ss)
	key := tokenKey(token)
	if err := s.kv.Put([]byte(key), raw); err != nil {
		return "", nil, err
	}
	s.mu.Lock()
	s.byToken[key] = ss
	var stale []string
	for k, o := range s.byToken {
		if s.expired(o, now) {
			stale = append(stale, k)
			delete(s.byToken, k)
		}
	}
	s.mu.Unlock()
	// Sessions abandoned without logging out are dropped at the next login.
	for _, k := range stale {
		_ = s.kv.Delete([]byte(k))
	}
	return token, ss, nil
}

// get returns the live session for a cookie token and marks it seen. An
// expired session is deleted.
func (s *sessions) get(token string, now time.Time) (session, bool) {
	if token == "" || len(token) > 128 {
		return session{}, false
	}
	key := tokenKey(token)
	s.mu.Lock()
	ss, ok := s.byToken[key]
	if !ok {
		s.mu.Unlock()
		return session{}, false
	}
	if s.expired(ss, now) {
		delete(s.byToken, key)
		s.mu.Unlock()
		_ = s.kv.Delete([]byte(key))
		return session{}, false
	}
	ss.Seen = now
	out := *ss
	s.mu.Unlock()
	return out, true
}

// save writes every live session's last-seen time to the store, so that a
// restarted server keeps them signed in. It runs at shutdown rather than
// on each request: a write per page view would make every page a disk
// write and would change the store's version, which the queue index
// keys on. After a crash, sessions simply expire sooner.
func (s *sessions) save() error {
	s.mu.Lock()
	raw := make(map[string][]byte, len(s.byToken))
	for k, ss := range s.byToken {
		raw[k], _ = json.Marshal(ss)
	}
	s.mu.Unlock()
	for k, v := range raw {
		if err := s.kv.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}

// setFlash keeps a message for the session's next page.
func (s *sessions) setFlash(token string, f flash) {
	s.mu.Lock()
	if ss, ok := s.byToken[tokenKey(token)]; ok {
		ss.flash = f
	}
	s.mu.Unlock()
}

// popFlash returns and clears the session's message.
func (s *sessions) popFlash(token string) flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byToken[tokenKey(token)]
	if !ok {
		return flash{}
	}
	f := ss.flash
	ss.flash = flash{}
	return f
}

// end deletes a session.
func (s *sessions) end(token string) error {
	key := tokenKey(token)
	s.mu.Lock()
	delete(s.byToken, key)
	s.mu.Unlock()
	return s.kv.Delete([]byte(key))
}

// endUser deletes every session of a user (removed or demoted).
func (s *sessions) endUser(name string) error {
	s.mu.Lock()
	var keys []string
	for k, ss := range s.byToken {
		if strings.EqualFold(ss.User, name) {
			keys = append(keys, k)
			delete(s.byToken, k)
		}
	}
	s.mu.Unlock()
	for _, k := range keys {
		if err := s.kv.Delete([]byte(k)); err != nil {
			return err
		}
	}
	return nil
}

// validCSRF compares a submitted token with the session's in constant time.
func (ss session) validCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(ss.CSRF)) == 1
}
