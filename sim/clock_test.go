package sim

import (
	"math"
	"reflect"
	"sync"
	"testing"
	"time"
)

// expectedVisible is the share of inappropriate content still visible
// after m months under rates: the post survives and its account neither
// changes state nor is renamed.
func expectedVisible(r Rates, m float64) float64 {
	keep := func(p float64) float64 { return math.Pow(1-p, m) }
	return keep(r.PostDeleted) * keep(r.AccountProtected) * keep(r.AccountSuspended) * keep(r.AccountDeleted) * keep(r.AccountRenamed)
}

func TestDefaultRatesAboutThreeQuarters(t *testing.T) {
	if e := expectedVisible(DefaultConfig().Flagged, 12); math.Abs(e-0.75) > 0.02 {
		t.Fatalf("default rates keep %.3f visible after a year, want about 0.75", e)
	}
}

func TestAdvanceVisibility(t *testing.T) {
	seeds := 6
	if testing.Short() {
		seeds = 3
	}
	sum := 0.0
	for seed := 1; seed <= seeds; seed++ {
		cfg := DefaultConfig()
		cfg.Seed = int64(seed)
		w := New(cfg)
		w.Advance(12)
		s := w.Stats()
		if math.Abs(s.VisibleShare-0.75) > 0.1 {
			t.Errorf("seed %d: %.3f still visible after 12 months, want about 0.75 (%v)", seed, s.VisibleShare, s.Visibility)
		}
		for _, st := range []string{StateRemoved, StateEdited} {
			if s.Visibility[st] == 0 {
				t.Errorf("seed %d: no post %s after a year", seed, st)
			}
		}
		sum += s.VisibleShare
	}
	if mean := sum / float64(seeds); math.Abs(mean-0.75) > 0.04 {
		t.Errorf("mean still visible after 12 months = %.3f, want 0.75±0.04", mean)
	}
}

func TestAdvanceStepsEqualOneJump(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.25
	a, b, c := New(cfg), New(cfg), New(cfg)
	a.Advance(12)
	for range 12 {
		b.Advance(1)
	}
	c.AdvanceBy(100 * 24 * time.Hour)
	c.AdvanceTo(c.Start().AddDate(0, 5, 0))
	c.AdvanceTo(c.Start()) // backwards: ignored
	c.Advance(7)
	if !a.Now().Equal(b.Now()) || !a.Now().Equal(c.Now()) {
		t.Fatalf("clocks differ: %v %v %v", a.Now(), b.Now(), c.Now())
	}
	if !reflect.DeepEqual(a.Accounts(""), b.Accounts("")) || !reflect.DeepEqual(a.Accounts(""), c.Accounts("")) {
		t.Fatal("a year in one step and in twelve give different accounts")
	}
	if !reflect.DeepEqual(a.Stats(), b.Stats()) {
		t.Fatal("a year in one step and in twelve give different stats")
	}
	acc := a.Accounts("")[3]
	if !reflect.DeepEqual(a.Timeline(acc.Platform, acc.ID), b.Timeline(acc.Platform, acc.ID)) {
		t.Fatal("timelines differ")
	}
}

func TestAdvanceChanges(t *testing.T) {
	cfg := DefaultConfig()
	w := New(cfg)
	start := w.Start()
	before := map[ref]Account{}
	for _, a := range w.Accounts("") {
		before[key(a.Platform, a.ID)] = a
	}
	refs := w.Inappropriate()
	w.Advance(6)
	mid := map[string]Post{}
	for _, r := range refs {
		p, _, _ := w.Post(r.Platform, r.PostID)
		mid[r.PostID] = p
	}
	w.Advance(18)
	now := w.Now()
	changed := map[AccountState]int{}
	renames := 0
	for _, a := range w.Accounts("") {
		old := before[key(a.Platform, a.ID)]
		if a.ChangedAt.IsZero() {
			if a.State != Active || a.Handle != old.Handle {
				t.Errorf("%s changed without a time", a.ID)
			}
			continue
		}
		if !a.ChangedAt.After(start) || a.ChangedAt.After(now) {
			t.Errorf("%s changed at %v, outside (%v, %v]", a.ID, a.ChangedAt, start, now)
		}
		if a.Truth.Kind == KindCorporate {
			t.Errorf("corporate account %s changed", a.Handle)
		}
		changed[a.State]++
		if a.Renamed() {
			renames++
			if a.State != Active || a.FormerHandles[0] != old.Handle || a.Handle == old.Handle {
				t.Errorf("rename of %s: %+v", old.Handle, a)
			}
			if _, ok := w.AccountByHandle(a.Platform, old.Handle); ok {
				t.Errorf("old handle %s still resolves", old.Handle)
			}
			if got, ok := w.AccountByHandle(a.Platform, a.Handle); !ok || got.ID != a.ID {
				t.Errorf("new handle %s does not resolve", a.Handle)
			}
			if got, ok := w.Account(a.Platform, a.ID); !ok || got.Handle != a.Handle {
				t.Errorf("renamed account %s lost by id", a.ID)
			}
		}
	}
	for _, st := range []AccountState{Protected, Suspended, Deleted} {
		if changed[st] == 0 {
			t.Errorf("no account %s in two years", st)
		}
	}
	if renames == 0 {
		t.Error("no account renamed in two years")
	}
	// Post changes are one-way and dated.
	for _, r := range refs {
		p, _, ok := w.Post(r.Platform, r.PostID)
		if !ok {
			t.Fatalf("post %s lost", r.PostID)
		}
		m := mid[r.PostID]
		if m.State == Removed && p.State != Removed {
			t.Errorf("post %s came back", r.PostID)
		}
		if p.State != Live && (!p.ChangedAt.After(start) || p.ChangedAt.After(now)) {
			t.Errorf("post %s changed at %v", r.PostID, p.ChangedAt)
		}
		if p.State == Edited && (p.EditedText == "" || p.EditedText == p.Text || p.CurrentText() != p.EditedText) {
			t.Errorf("edited post %s: %q → %q", r.PostID, p.Text, p.EditedText)
		}
		if !reflect.DeepEqual(p.Categories, r.Categories) {
			t.Errorf("post %s truth changed", r.PostID)
		}
	}
}

func TestOrdinaryPostsRarelyChange(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.15
	w := New(cfg)
	w.Advance(12)
	start := w.Start()
	total, changed := 0, 0
	for _, a := range w.Accounts("") {
		if !a.Truth.InScope {
			continue
		}
		for _, p := range w.Timeline(a.Platform, a.ID) {
			if len(p.Categories) > 0 || p.Created.After(start) {
				continue
			}
			total++
			if p.State != Live {
				changed++
			}
		}
	}
	share := float64(changed) / float64(total)
	want := 1 - math.Pow(1-cfg.Ordinary.PostDeleted-cfg.Ordinary.PostEdited, 12)
	if share == 0 || math.Abs(share-want) > want/3 {
		t.Errorf("%.4f of ordinary posts changed in a year, want about %.4f", share, want)
	}
}

func TestOngoingPosts(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.1
	w := New(cfg)
	s0 := w.Stats()
	acc := w.Accounts(Twitter)
	var oldest []string
	for _, a := range acc {
		oldest = append(oldest, w.Timeline(a.Platform, a.ID)[0].ID)
	}
	w.Advance(3)
	newPosts := 0
	for i, a := range acc {
		tl := w.Timeline(a.Platform, a.ID)
		for _, p := range tl {
			if p.ID == oldest[i] {
				break
			}
			newPosts++
			if !p.Created.After(w.Start()) || p.Created.After(w.Now()) || len(p.Categories) > 0 {
				t.Fatalf("new post %+v", p)
			}
			if len(p.ID) < len(oldest[i]) || (len(p.ID) == len(oldest[i]) && p.ID <= oldest[i]) {
				t.Fatalf("new post id %s not above %s", p.ID, oldest[i])
			}
		}
	}
	perAccount := float64(newPosts) / float64(len(acc))
	// Accounts average about 60 posts a year (officers 100, look-alikes
	// fewer), so a quarter brings about 15 each.
	if perAccount < 8 || perAccount > 25 {
		t.Errorf("%.1f new posts per account in 3 months", perAccount)
	}
	s1 := w.Stats()
	if s1.Inappropriate != s0.Inappropriate || s1.InScopePosts != s0.InScopePosts {
		t.Error("the study's figures moved with the clock")
	}

	cfg.Ongoing = false
	w = New(cfg)
	a := w.Accounts("")[0]
	n := len(w.Timeline(a.Platform, a.ID))
	w.Advance(3)
	if m := len(w.Timeline(a.Platform, a.ID)); m != n {
		t.Errorf("not ongoing, yet %d posts became %d", n, m)
	}
}

func TestConcurrentReadersAndAdvance(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.02
	w := New(cfg)
	acc := w.Accounts("")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(acc); i += 4 {
				a := acc[i]
				for _, p := range w.Timeline(a.Platform, a.ID) {
					w.Post(p.Platform, p.ID)
				}
				w.AccountByHandle(a.Platform, a.Handle)
				w.Followers(a.Platform, a.ID)
			}
		}()
	}
	for range 12 {
		w.Advance(1)
		w.Stats()
	}
	wg.Wait()
}

func TestFromData(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	accounts := []*Account{
		{Platform: Twitter, ID: "10", Handle: "PC_Test", State: Active, Truth: Truth{Kind: KindOfficer, Status: statusServing, Force: "Kent Police", InScope: true}},
		{Platform: Twitter, ID: "20", Handle: "KentPolice", State: Active, Following: nil, Truth: Truth{Kind: KindCorporate, Status: statusCorporate}},
	}
	accounts[0].Following = []string{"20"}
	posts := []*Post{
		{Platform: Twitter, ID: "100", AccountID: "10", Created: now.Add(-2 * time.Hour), Text: "old", State: Live},
		{Platform: Twitter, ID: "101", AccountID: "10", Created: now.Add(-time.Hour), Text: "bad", State: Live, Categories: []string{Offensive}},
	}
	w := FromData(now, accounts, posts)
	tl := w.Timeline(Twitter, "10")
	if len(tl) != 2 || tl[0].ID != "101" {
		t.Fatalf("timeline = %+v", tl)
	}
	if p, a, ok := w.Post(Twitter, "100"); !ok || p.Text != "old" || a.Handle != "PC_Test" {
		t.Fatalf("post = %+v %+v %v", p, a, ok)
	}
	if got := w.Followers(Twitter, "20"); !reflect.DeepEqual(got, []string{"10"}) {
		t.Errorf("followers = %v", got)
	}
	s := w.Stats()
	if s.InScope != 1 || s.Inappropriate != 1 || s.Offenders != 1 || s.Forces[0].Force != "Kent Police" {
		t.Errorf("stats = %+v", s)
	}
	w.Advance(1)
	if !w.Now().Equal(now.AddDate(0, 1, 0)) {
		t.Errorf("now = %v", w.Now())
	}
	if refs := w.Inappropriate(); len(refs) != 1 || refs[0].PostID != "101" {
		t.Errorf("refs = %+v", refs)
	}
}

func TestVisibility(t *testing.T) {
	live := Post{State: Live}
	for _, c := range []struct {
		p    Post
		a    Account
		want string
	}{
		{live, Account{State: Active}, StateVisible},
		{Post{State: Edited}, Account{State: Active}, StateEdited},
		{Post{State: Removed}, Account{State: Active}, StateRemoved},
		{live, Account{State: Protected}, StateProtected},
		{Post{State: Removed}, Account{State: Suspended}, StateSuspended},
		{live, Account{State: Deleted}, StateGone},
		{live, Account{State: Active, FormerHandles: []string{"x"}}, StateGone},
	} {
		if got := Visibility(c.p, c.a); got != c.want {
			t.Errorf("Visibility(%s, %s) = %s, want %s", c.p.State, c.a.State, got, c.want)
		}
	}
	if !StillVisible(StateEdited) || StillVisible(StateRemoved) {
		t.Error("StillVisible")
	}
}

func TestGoneAccountsStopPosting(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.2
	w := New(cfg)
	w.Advance(36)
	gone := 0
	for _, a := range w.Accounts("") {
		if a.State != Deleted && a.State != Suspended {
			continue
		}
		gone++
		for _, p := range w.Timeline(a.Platform, a.ID) {
			if p.Created.After(a.ChangedAt) {
				t.Fatalf("%s posted at %v after going %s at %v", a.ID, p.Created, a.State, a.ChangedAt)
			}
		}
	}
	if gone == 0 {
		t.Fatal("no account gone in three years")
	}
}
