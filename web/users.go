package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/psd-tools/exposure/store"
)

// Role is what a user may do. Reviewers review and refer; admins also
// download export packs, run jobs, read the audit log and manage users.
type Role string

// Roles.
const (
	Reviewer Role = "reviewer"
	Admin    Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Reviewer || r == Admin }

// Audit actions written by this package.
const (
	ActUserAdd    = "user.add"
	ActUserRemove = "user.remove"
	ActLogin      = "login"
	ActLogout     = "logout"
	ActJobRun     = "job.run"
	ActDownload   = "download"
)

// Password rules. bcrypt reads at most 72 bytes, so longer passwords are
// refused rather than silently truncated.
const (
	MinPassword = 12
	MaxPassword = 72
)

// Errors callers branch on.
var (
	ErrUserExists  = errors.New("user already exists")
	ErrNoUser      = errors.New("no such user")
	ErrBadLogin    = errors.New("wrong user name or password")
	ErrBadPassword = errors.New("unacceptable password")
)

// User is an account, stored as JSON in kv.users under its name.
type User struct {
	V         int       `json:"v"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Hash      []byte    `json:"hash"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"created_by"`
}

// Users manages accounts in the store.
type Users struct {
	db   *store.DB
	kv   *store.KV
	cost int
	// dummy is compared against when the user does not exist, so that a
	// login for an unknown name takes as long as one with a wrong password.
	// It is made on first use: commands that never check a login skip it.
	dummyOnce sync.Once
	dummy     []byte
}

// NewUsers returns the account manager for db. cost is the bcrypt cost
// (0 for bcrypt.DefaultCost; tests use bcrypt.MinCost).
func NewUsers(db *store.DB, cost int) *Users {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	return &Users{db: db, kv: db.KV("users"), cost: cost}
}

// ValidName checks a user name: 1 to 64 printable characters without
// slashes or surrounding spaces, since it is shown on pages and written in
// the audit log.
func ValidName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return fmt.Errorf("user name %q: want 1 to 64 characters", name)
	}
	if !utf8.ValidString(name) || strings.TrimSpace(name) != name {
		return fmt.Errorf("user name %q: no leading or trailing spaces, valid UTF-8 only", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == '/' || !unicode.IsPrint(r) && r != ' ' {
			return fmt.Errorf("user name %q: only printable characters, no '/'", name)
		}
	}
	return nil
}

// ValidPassword checks a new password's length.
func ValidPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPassword:
		return fmt.Errorf("%w: at least %d characters (three random words work well)", ErrBadPassword, MinPassword)
	case len(pw) > MaxPassword:
		return fmt.Errorf("%w: at most %d bytes (bcrypt ignores the rest)", ErrBadPassword, MaxPassword)
	}
	return nil
}

func userKey(name string) []byte { return []byte(strings.ToLower(name)) }

// Get returns a user by name (case-insensitive).
func (u *Users) Get(name string) (User, error) {
	raw, err := u.kv.Get(userKey(name))
	if err != nil {
		return User{}, err
	}
	if raw == nil {
		return User{}, fmt.Errorf("user %q: %w", name, ErrNoUser)
	}
	var out User
	if err := json.Unmarshal(raw, &out); err != nil {
		return User{}, fmt.Errorf("user %q: bad record: %w", name, err)
	}
	return out, nil
}

// Add creates a user and audits it under actor.
func (u *Users) Add(actor, name string, role Role, password string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("role %q: want reviewer or admin", role)
	}
	if err := ValidPassword(password); err != nil {
		return err
	}
	if _, err := u.Get(name); err == nil {
		return fmt.Errorf("user %q: %w", name, ErrUserExists)
	} else if !errors.Is(err, ErrNoUser) {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), u.cost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	raw, _ := json.Marshal(User{V: 1, Name: name, Role: role, Hash: hash, Created: u.db.Now(), CreatedBy: actor})
	if err := u.kv.Put(userKey(name), raw); err != nil {
		return err
	}
	_, err = u.db.Audit(actor, ActUserAdd, name, map[string]string{"role": string(role)})
	return err
}

// Remove deletes a user and their stored sessions, and audits it under
// actor. A running server also drops the sessions it holds in memory.
func (u *Users) Remove(actor, name string) error {
	usr, err := u.Get(name)
	if err != nil {
		return err
	}
	if err := u.kv.Delete(userKey(name)); err != nil {
		return err
	}
	sess := u.db.KV("sessions")
	var stale [][]byte
	err = sess.Scan(nil, func(k, v []byte) error {
		var ss session
		if json.Unmarshal(v, &ss) != nil || strings.EqualFold(ss.User, usr.Name) {
			stale = append(stale, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range stale {
		if err := sess.Delete(k); err != nil {
			return err
		}
	}
	_, err = u.db.Audit(actor, ActUserRemove, usr.Name, map[string]string{"role": string(usr.Role)})
	return err
}

// List returns every user by name.
func (u *Users) List() ([]User, error) {
	var out []User
	err := u.kv.Scan(nil, func(_, v []byte) error {
		var usr User
		if err := json.Unmarshal(v, &usr); err != nil {
			return fmt.Errorf("users: bad record: %w", err)
		}
		out = append(out, usr)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, err
}

// Check verifies a password. Every failure is ErrBadLogin, whether the
// name or the password was wrong, and takes about the same time.
func (u *Users) Check(name, password string) (User, error) {
	usr, err := u.Get(name)
	if err != nil {
		u.dummyOnce.Do(func() {
			u.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a real password, only for timing"), u.cost)
		})
		_ = bcrypt.CompareHashAndPassword(u.dummy, []byte(password))
		if errors.Is(err, ErrNoUser) {
			return User{}, ErrBadLogin
		}
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword(usr.Hash, []byte(password)) != nil {
		return User{}, ErrBadLogin
	}
	return usr, nil
}
