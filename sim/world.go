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
	Kind    string `json:"kind"`     // "officer", "corporate", "former", "family", "fan", "journalist", "foreign", ...
	Status  string `json:"status"`   // identify status: serving|former|corporate|not_police
	Role    string `json:"role"`     // officer|special|pcso|staff|unknown
	Force   string `json:"force"`    // canonical force name, or "" / "unknown"
	InScope bool   `json:"in_scope"` // in scope for the default rules
}

// Account is one simulated account.
type Account struct {
	Platform string
	ID       string // numeric string on the Twitter-like platform, a slug on the other
	Handle   string
	Name     string
	Bio      string
	Location string
	Created  time.Time
	State    AccountState
	// Following holds the ids of the accounts this one follows, on the same
	// platform (officers follow their force's corporate account, which is
	// how seed-account discovery finds them).
	Following []string
	Truth     Truth
}

// Post is one simulated post.
type Post struct {
	Platform  string
	ID        string // Twitter-like ids are numeric strings that grow with time
	AccountID string
	Created   time.Time
	Text      string
	// Repost marks a retweet/share of RepostText (Text is then the
	// officer's own comment, possibly empty).
	Repost     bool
	RepostText string
	Hashtags   []string
	State      PostState
	EditedText string    // the new text when State is Edited
	ChangedAt  time.Time // when State last changed
	// Categories is the ground truth: the SPEC.md categories this post
	// belongs to (empty for the vast majority).
	Categories []string
}

// World is the simulated network. Build one with New; the fields are
// read-only after New except through Advance.
type World struct {
	mu       sync.RWMutex
	seed     int64
	now      time.Time
	accounts []*Account
	byID     map[string]*Account // platform+"/"+id
	byHandle map[string]*Account // platform+"/"+lower(handle)
	posts    map[string][]*Post  // platform+"/"+accountID, newest first
	postByID map[string]*Post    // platform+"/"+postID
}

func key(platform, id string) string { return platform + "/" + id }

// index builds the lookup maps and orders each timeline newest first. New
// calls it once the accounts and posts are generated.
func (w *World) index(accounts []*Account, posts []*Post) {
	w.accounts = accounts
	w.byID = make(map[string]*Account, len(accounts))
	w.byHandle = make(map[string]*Account, len(accounts))
	for _, a := range accounts {
		w.byID[key(a.Platform, a.ID)] = a
		w.byHandle[key(a.Platform, strings.ToLower(a.Handle))] = a
	}
	w.posts = make(map[string][]*Post)
	w.postByID = make(map[string]*Post, len(posts))
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
// need a small, exact world rather than a generated one.
func FromData(now time.Time, accounts []*Account, posts []*Post) *World {
	w := &World{now: now.UTC()}
	w.index(accounts, posts)
	return w
}

// Now is the world's clock.
func (w *World) Now() time.Time {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.now
}

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
	a, ok := w.byID[key(platform, id)]
	if !ok {
		return Account{}, false
	}
	return *a, true
}

// AccountByHandle returns a copy of the account with the given handle
// (case-insensitive).
func (w *World) AccountByHandle(platform, handle string) (Account, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	a, ok := w.byHandle[key(platform, strings.ToLower(strings.TrimPrefix(handle, "@")))]
	if !ok {
		return Account{}, false
	}
	return *a, true
}

// Timeline returns copies of the account's posts, newest first, including
// removed ones (the fakes decide what to serve).
func (w *World) Timeline(platform, accountID string) []Post {
	w.mu.RLock()
	defer w.mu.RUnlock()
	tl := w.posts[key(platform, accountID)]
	out := make([]Post, len(tl))
	for i, p := range tl {
		out[i] = *p
	}
	return out
}

// Post returns a copy of a post and its account.
func (w *World) Post(platform, id string) (Post, Account, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	p, ok := w.postByID[key(platform, id)]
	if !ok {
		return Post{}, Account{}, false
	}
	a := w.byID[key(platform, p.AccountID)]
	if a == nil {
		return *p, Account{}, true
	}
	return *p, *a, true
}

// CurrentText is the text the platform shows for p now.
func (p Post) CurrentText() string {
	if p.State == Edited {
		return p.EditedText
	}
	return p.Text
}
