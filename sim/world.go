package sim

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// Platform names used by the simulated world; they match the sources' Name().
const (
	Twitter  = "twitter"
	Facebook = "facebook"
)

// Platforms lists the simulated platforms.
var Platforms = []string{Twitter, Facebook}

// AccountState is an account's state on its platform.
type AccountState string

// Account states. A deleted account answers as gone; a renamed one is
// reachable only under its new handle.
const (
	Active    AccountState = "active"
	Protected AccountState = "protected"
	Suspended AccountState = "suspended"
	Deleted   AccountState = "deleted"
)

// PostState is a post's state on its platform.
type PostState string

// Post states.
const (
	Live    PostState = "live"
	Removed PostState = "removed"
	Edited  PostState = "edited"
)

// Truth is what the generator knows about an account: the answer an ideal
// identity detector would give, and which look-alike class it was drawn from.
type Truth struct {
	Kind    string `json:"kind"`     // "officer", "corporate", "former", "family", "fan", "journalist", "foreign", ... (the Kind* constants)
	Status  string `json:"status"`   // identify status: serving|former|corporate|not_police
	Role    string `json:"role"`     // officer|special|pcso|staff|unknown
	Force   string `json:"force"`    // canonical force name, or "" / "unknown"
	InScope bool   `json:"in_scope"` // in scope for the default rules
	// HomeForce is the force the generator placed the account in, even
	// when nothing public gives it away (Force is then "unknown") or the
	// account is out of scope (Force is then "").
	HomeForce string `json:"home_force,omitempty"`
	// Reason says why an out-of-scope account is out of scope, in the
	// words of SPEC.md where it has them; empty when in scope.
	Reason string `json:"reason,omitempty"`
}

// Account is one simulated account.
type Account struct {
	Platform string
	// ID is numeric on the Twitter-like platform; on the Facebook-like one
	// it is the slug the account had when it was created, and stays its
	// key after a rename (the site itself serves the current Handle).
	ID       string
	Handle   string
	Name     string
	Bio      string
	Location string
	Created  time.Time
	State    AccountState
	// ChangedAt is when State or Handle last changed (zero if never).
	ChangedAt time.Time
	// FormerHandles holds the handles the account was renamed away from,
	// oldest first; they no longer resolve.
	FormerHandles []string
	// Following holds the ids of the accounts this one follows, on the same
	// platform (officers follow their force's corporate account, which is
	// how seed-account discovery finds them). Read-only: copies share it.
	Following []string
	Truth     Truth
}

// Renamed reports whether the account has changed its handle.
func (a Account) Renamed() bool { return len(a.FormerHandles) > 0 }

// Post is one simulated post.
type Post struct {
	Platform  string
	ID        string // ids are numeric strings that grow with time
	AccountID string
	Created   time.Time
	Text      string
	// Repost marks a retweet/share of RepostText (Text is then the
	// officer's own comment, possibly empty). RepostAuthor is the handle
	// of the account the shared post came from.
	Repost       bool
	RepostText   string
	RepostAuthor string
	Hashtags     []string // read-only: copies share it
	State        PostState
	EditedText   string    // the new text when State is Edited
	ChangedAt    time.Time // when State last changed
	// Categories is the ground truth: the SPEC.md categories this post
	// belongs to (empty for the vast majority), primary category first.
	// Read-only: copies share it.
	Categories []string
}

// World is the simulated network. Build one with New (generated) or
// FromData (hand-made); everything is read-only except through Advance.
//
// A generated world keeps its accounts in memory and generates each
// account's timeline on demand, deterministically, from the account's seed:
// a post's text, time and fate (when it is deleted or edited) depend only on
// the world's seed and the post's place in its timeline, and its state on
// the clock. Only account changes are applied as the clock moves.
type World struct {
	mu       sync.RWMutex
	cfg      Config
	start    time.Time
	now      time.Time
	accounts []*Account
	byID     map[ref]int // platform, id → index into accounts
	byHandle map[ref]int // platform, lower(handle) → index

	// Generated worlds.
	gen       []acct            // parallel to accounts
	events    []event           // account changes, in time order
	applied   int               // events[:applied] have happened
	followers map[int32][]int32 // account → accounts following it
	cache     tlCache           // recently rendered timelines

	// Hand-made worlds (FromData).
	posts    map[ref][]*Post // platform, accountID → posts, newest first
	postByID map[ref]*Post   // platform, postID
}

// ref keys the lookup maps. A struct rather than a joined string, so a
// lookup allocates nothing and the map shares the account's own strings.
type ref struct{ platform, id string }

func key(platform, id string) ref { return ref{platform, id} }

func handleKey(platform, handle string) ref {
	return key(platform, strings.ToLower(strings.TrimPrefix(handle, "@")))
}

// index builds the account maps and, for a hand-made world, the post maps,
// ordering each timeline newest first.
func (w *World) index(accounts []*Account, posts []*Post) {
	w.accounts = accounts
	w.byID = make(map[ref]int, len(accounts))
	w.byHandle = make(map[ref]int, len(accounts))
	for i, a := range accounts {
		w.byID[key(a.Platform, a.ID)] = i
		w.byHandle[handleKey(a.Platform, a.Handle)] = i
	}
	if w.gen != nil {
		return
	}
	w.posts = make(map[ref][]*Post)
	w.postByID = make(map[ref]*Post, len(posts))
	for _, p := range posts {
		k := key(p.Platform, p.AccountID)
		w.posts[k] = append(w.posts[k], p)
		w.postByID[key(p.Platform, p.ID)] = p
	}
	for _, tl := range w.posts {
		sort.Slice(tl, func(i, j int) bool { return newer(tl[i], tl[j]) })
	}
}

// newer orders posts newest first, by time then by id (ids of equal length
// compare as numbers).
func newer(a, b *Post) bool {
	if !a.Created.Equal(b.Created) {
		return a.Created.After(b.Created)
	}
	if len(a.ID) != len(b.ID) {
		return len(a.ID) > len(b.ID)
	}
	return a.ID > b.ID
}

// FromData builds a world from hand-made accounts and posts, for tests that
// need a small, exact world rather than a generated one. Its clock moves
// with Advance but nothing in it changes by itself.
func FromData(now time.Time, accounts []*Account, posts []*Post) *World {
	w := &World{now: now.UTC(), start: now.UTC()}
	w.index(accounts, posts)
	return w
}

// Now is the world's clock.
func (w *World) Now() time.Time {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.now
}

// Start is the clock's value when the world was built.
func (w *World) Start() time.Time {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.start
}

// Config returns the configuration a generated world was built from (the
// zero Config for a hand-made one).
func (w *World) Config() Config { return w.cfg }

// Accounts returns copies of every account on platform ("" for all), in a
// stable order.
func (w *World) Accounts(platform string) []Account {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var out []Account
	for _, a := range w.accounts {
		if platform == "" || a.Platform == platform {
			out = append(out, *a)
		}
	}
	return out
}

// Account returns a copy of the account with the given id.
func (w *World) Account(platform, id string) (Account, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	i, ok := w.byID[key(platform, id)]
	if !ok {
		return Account{}, false
	}
	return *w.accounts[i], true
}

// AccountByHandle returns a copy of the account with the given handle
// (case-insensitive, with or without a leading @). A renamed account is
// found only under its new handle.
func (w *World) AccountByHandle(platform, handle string) (Account, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	i, ok := w.byHandle[handleKey(platform, handle)]
	if !ok {
		return Account{}, false
	}
	return *w.accounts[i], true
}

// Followers returns the ids of the accounts that follow the given account,
// in a stable order.
func (w *World) Followers(platform, id string) []string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	i, ok := w.byID[key(platform, id)]
	if !ok {
		return nil
	}
	if w.gen == nil {
		var out []string
		for _, a := range w.accounts {
			if a.Platform != platform {
				continue
			}
			for _, f := range a.Following {
				if f == id {
					out = append(out, a.ID)
					break
				}
			}
		}
		return out
	}
	fs := w.followers[int32(i)]
	out := make([]string, len(fs))
	for j, f := range fs {
		out[j] = w.accounts[f].ID
	}
	return out
}

// Timeline returns copies of the account's posts, newest first, including
// removed ones (the fakes decide what to serve).
func (w *World) Timeline(platform, accountID string) []Post {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.gen == nil {
		tl := w.posts[key(platform, accountID)]
		out := make([]Post, len(tl))
		for i, p := range tl {
			out[i] = *p
		}
		return out
	}
	i, ok := w.byID[key(platform, accountID)]
	if !ok {
		return nil
	}
	return w.timeline(i)
}

// Post returns a copy of a post and its account.
func (w *World) Post(platform, id string) (Post, Account, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.gen == nil {
		p, ok := w.postByID[key(platform, id)]
		if !ok {
			return Post{}, Account{}, false
		}
		i, ok := w.byID[key(platform, p.AccountID)]
		if !ok {
			return *p, Account{}, true
		}
		return *p, *w.accounts[i], true
	}
	ai, pi, ok := parsePostID(id)
	if !ok || ai >= len(w.accounts) || w.accounts[ai].Platform != platform {
		return Post{}, Account{}, false
	}
	p, ok := w.post(ai, pi, id)
	if !ok {
		return Post{}, Account{}, false
	}
	return p, *w.accounts[ai], true
}

// CurrentText is the text the platform shows for p now.
func (p Post) CurrentText() string {
	if p.State == Edited {
		return p.EditedText
	}
	return p.Text
}
