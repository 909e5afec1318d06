package sim

import (
	"math"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// defaultWorld is built once and shared by the tests that only read it; the
// tests that advance the clock build their own.
var defaultWorld = sync.OnceValue(func() *World { return New(DefaultConfig()) })

func TestDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.2
	a, b := New(cfg), New(cfg)
	if !reflect.DeepEqual(a.Accounts(""), b.Accounts("")) {
		t.Fatal("same seed, different accounts")
	}
	if !reflect.DeepEqual(a.Stats(), b.Stats()) {
		t.Fatal("same seed, different stats")
	}
	for _, acc := range a.Accounts("")[:50] {
		if !reflect.DeepEqual(a.Timeline(acc.Platform, acc.ID), b.Timeline(acc.Platform, acc.ID)) {
			t.Fatalf("same seed, different timeline for %s/%s", acc.Platform, acc.ID)
		}
	}
	a.Advance(7)
	b.Advance(7)
	if !reflect.DeepEqual(a.Accounts(""), b.Accounts("")) || !reflect.DeepEqual(a.Stats(), b.Stats()) {
		t.Fatal("same seed and advances, different worlds")
	}

	cfg.Seed = 2
	c := New(cfg)
	same := 0
	ca := c.Accounts("")
	for i, acc := range a.Accounts("") {
		if ca[i].Handle == acc.Handle {
			same++
		}
	}
	if same > len(ca)/20 {
		t.Fatalf("different seeds share %d of %d handles in place", same, len(ca))
	}
	if reflect.DeepEqual(a.Inappropriate(), c.Inappropriate()) {
		t.Fatal("different seeds, same inappropriate posts")
	}
}

func TestStudyProportions(t *testing.T) {
	w := defaultWorld()
	s := w.Stats()
	if !s.Simulated {
		t.Error("stats not labelled simulated")
	}
	if s.InScope != 1588 {
		t.Errorf("in scope = %d, want 1588", s.InScope)
	}
	if s.Inappropriate != 357 || s.Offenders != 185 {
		t.Errorf("inappropriate %d on %d profiles, want 357 on 185", s.Inappropriate, s.Offenders)
	}
	want := map[string]int{Offensive: 132, Procedure: 119, Negativity: 70, Political: 36}
	if !reflect.DeepEqual(s.ByCategory, want) {
		t.Errorf("by primary category = %v, want %v", s.ByCategory, want)
	}
	if got := s.InappropriateByPlatform[Twitter]; got != 253 {
		t.Errorf("on twitter = %d, want 253 (71%%)", got)
	}
	for c, n := range want {
		if s.ByLabel[c] < n {
			t.Errorf("label %s = %d, fewer than its primary count %d", c, s.ByLabel[c], n)
		}
	}
	if s.MultiCategory == 0 || s.MultiCategory > 357/8 {
		t.Errorf("multi-category posts = %d, want a few", s.MultiCategory)
	}
	if s.Reposts == 0 || s.Reposts > 357/5 {
		t.Errorf("inappropriate reposts = %d, want some", s.Reposts)
	}
	if share := float64(s.InScopeByPlatform[Twitter]) / float64(s.InScope); math.Abs(share-0.64) > 0.01 {
		t.Errorf("twitter share of profiles = %.3f, want 0.64", share)
	}
	if per := float64(s.InScopePosts) / float64(s.InScope); per < 90 || per > 110 {
		t.Errorf("posts per in-scope profile = %.1f, want about 100", per)
	}
	look := 0
	for k, n := range s.Kinds {
		if k != KindOfficer {
			look += n
		}
	}
	if look < 3000 || look > 6000 {
		t.Errorf("look-alikes = %d, want several thousand", look)
	}
	if s.OutOfScope == 0 {
		t.Error("no look-alike ever breaches standards")
	}
	if s.VisibleShare != 1 || s.Visibility[StateVisible] != 357 {
		t.Errorf("at the start everything should be visible: %v", s.Visibility)
	}
	// Every force has profiles; the study found them in all 44.
	total := 0
	named := map[string]bool{}
	for _, f := range s.Forces {
		total += f.Profiles()
		named[f.Force] = true
		if f.Force != "unknown" && f.Profiles() == 0 {
			t.Errorf("%s has no profiles", f.Force)
		}
	}
	for _, f := range forces {
		if !named[f.name] {
			t.Errorf("%s missing from the force table", f.name)
		}
	}
	if total != s.InScope {
		t.Errorf("force rows sum to %d, want %d", total, s.InScope)
	}
	if u := s.Forces[len(s.Forces)-1]; u.Force != "unknown" || u.Profiles() < s.InScope/10 || u.Profiles() > s.InScope/3 {
		t.Errorf("unattributable profiles = %+v, want the last row and a minority", u)
	}
}

func TestScale(t *testing.T) {
	scales := []float64{0.1, 3}
	if !testing.Short() {
		scales = append(scales, 10)
	}
	for _, scale := range scales {
		cfg := DefaultConfig()
		cfg.Scale = scale
		if scale == 10 {
			// The look-alikes only slow this down; their scaling is
			// the same arithmetic, checked at 3×.
			cfg.LookAlikes = nil
		}
		s := New(cfg).Stats()
		round := func(n int) int { return int(math.Round(float64(n) * scale)) }
		if s.InScope != round(1588) {
			t.Errorf("scale %v: in scope %d, want %d", scale, s.InScope, round(1588))
		}
		if s.Inappropriate != round(132)+round(119)+round(70)+round(36) {
			t.Errorf("scale %v: inappropriate %d", scale, s.Inappropriate)
		}
		if s.Offenders != round(185) {
			t.Errorf("scale %v: offenders %d, want %d", scale, s.Offenders, round(185))
		}
		if share := float64(s.InappropriateByPlatform[Twitter]) / float64(s.Inappropriate); math.Abs(share-0.71) > 0.02 {
			t.Errorf("scale %v: twitter share %.3f", scale, share)
		}
		if per := float64(s.InScopePosts) / float64(s.InScope); per < 90 || per > 110 {
			t.Errorf("scale %v: posts per profile %.1f", scale, per)
		}
		if scale == 3 && s.Kinds[KindFormer] != 1800 {
			t.Errorf("scale 3: %d former officers, want 1800", s.Kinds[KindFormer])
		}
		if scale == 10 && (s.InScopePosts < 1_500_000 || s.InScopePosts > 1_700_000) {
			t.Errorf("scale 10: %d in-scope posts, want about 1.6 million", s.InScopePosts)
		}
	}
}

func TestLookAlikeClasses(t *testing.T) {
	w := defaultWorld()
	status := map[string]string{
		KindOfficer: statusServing, KindCorporate: statusCorporate, KindFormer: statusFormer, KindOtherUK: statusServing,
		KindFamily: statusNotPolice, KindFan: statusNotPolice, KindRecruiter: statusNotPolice, KindTrainer: statusNotPolice,
		KindJournalist: statusNotPolice, KindLawyer: statusNotPolice, KindForeign: statusNotPolice,
		KindParody: statusNotPolice, KindCivilian: statusNotPolice,
	}
	seen := map[string]map[string]int{}
	roles := map[string]int{}
	for _, a := range w.Accounts("") {
		tr := a.Truth
		if seen[tr.Kind] == nil {
			seen[tr.Kind] = map[string]int{}
		}
		seen[tr.Kind][a.Platform]++
		if tr.Status != status[tr.Kind] {
			t.Errorf("%s (%s): status %q, want %q", a.Handle, tr.Kind, tr.Status, status[tr.Kind])
		}
		if tr.InScope != (tr.Kind == KindOfficer) {
			t.Errorf("%s (%s): in scope %v", a.Handle, tr.Kind, tr.InScope)
		}
		if tr.InScope {
			roles[tr.Role]++
			if tr.Force == "" || (tr.Force != "unknown" && tr.Force != tr.HomeForce) {
				t.Errorf("%s: force %q, home %q", a.Handle, tr.Force, tr.HomeForce)
			}
		} else if tr.Force != "" {
			t.Errorf("%s (%s): out of scope with force %q", a.Handle, tr.Kind, tr.Force)
		}
		if (tr.Reason == "") != tr.InScope {
			t.Errorf("%s (%s): reason %q", a.Handle, tr.Kind, tr.Reason)
		}
		if a.Bio == "" && tr.Kind != KindOfficer {
			t.Errorf("%s (%s): empty bio", a.Handle, tr.Kind)
		}
	}
	for _, k := range Kinds {
		for _, p := range Platforms {
			if seen[k][p] == 0 {
				t.Errorf("no %s accounts on %s", k, p)
			}
		}
	}
	for _, r := range []string{RoleOfficer, RoleSpecial, RolePCSO, RoleStaff} {
		if roles[r] < 50 {
			t.Errorf("only %d in-scope %s profiles", roles[r], r)
		}
	}
	// The main corporate accounts carry the forces' real handles.
	for _, f := range forces {
		a, ok := w.AccountByHandle(Twitter, f.tw)
		if !ok || a.Truth.Kind != KindCorporate || a.Truth.HomeForce != f.name {
			t.Errorf("@%s: %+v %v", f.tw, a.Truth, ok)
		}
	}
}

var (
	twitterHandle = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
	facebookSlug  = regexp.MustCompile(`^[a-z0-9.]+$`)
	numericID     = regexp.MustCompile(`^[1-9][0-9]*$`)
)

func TestAccountLookup(t *testing.T) {
	w := defaultWorld()
	handles := map[ref]bool{}
	for _, a := range w.Accounts("") {
		got, ok := w.Account(a.Platform, a.ID)
		if !ok || !reflect.DeepEqual(got, a) {
			t.Fatalf("Account(%s, %s) = %v, %v", a.Platform, a.ID, got.Handle, ok)
		}
		for _, h := range []string{a.Handle, "@" + a.Handle, strings.ToUpper(a.Handle)} {
			if got, ok := w.AccountByHandle(a.Platform, h); !ok || got.ID != a.ID {
				t.Fatalf("AccountByHandle(%s, %s) = %v, %v", a.Platform, h, got.ID, ok)
			}
		}
		k := handleKey(a.Platform, a.Handle)
		if handles[k] {
			t.Errorf("handle %s used twice", k)
		}
		handles[k] = true
		switch a.Platform {
		case Twitter:
			if !twitterHandle.MatchString(a.Handle) || !numericID.MatchString(a.ID) {
				t.Errorf("bad twitter account %q id %q", a.Handle, a.ID)
			}
		case Facebook:
			if !facebookSlug.MatchString(a.Handle) || a.ID != a.Handle {
				t.Errorf("bad facebook account %q id %q", a.Handle, a.ID)
			}
		}
		if _, ok := w.Account(other(a.Platform), a.ID); ok && a.Platform == Twitter {
			t.Errorf("twitter id %s also resolves on facebook", a.ID)
		}
		if !a.Created.Before(w.Start().AddDate(-1, 0, 0)) {
			t.Errorf("%s created %v, after its first post could be", a.Handle, a.Created)
		}
	}
	if _, ok := w.Account(Twitter, "123"); ok {
		t.Error("made-up id resolves")
	}
	if _, ok := w.AccountByHandle(Twitter, "no_such_handle_x"); ok {
		t.Error("made-up handle resolves")
	}
	if n := len(w.Accounts(Twitter)) + len(w.Accounts(Facebook)); n != len(w.Accounts("")) {
		t.Errorf("platform split loses accounts: %d vs %d", n, len(w.Accounts("")))
	}
}

func other(p string) string {
	if p == Twitter {
		return Facebook
	}
	return Twitter
}

func TestFollowers(t *testing.T) {
	w := defaultWorld()
	corp, ok := w.AccountByHandle(Twitter, "WMPolice")
	if !ok {
		t.Fatal("no @WMPolice")
	}
	fs := w.Followers(Twitter, corp.ID)
	officers := 0
	for _, id := range fs {
		a, ok := w.Account(Twitter, id)
		if !ok {
			t.Fatalf("follower %s does not resolve", id)
		}
		found := false
		for _, f := range a.Following {
			found = found || f == corp.ID
		}
		if !found {
			t.Errorf("%s listed as follower but does not follow", a.Handle)
		}
		if a.Truth.InScope {
			officers++
			if a.Truth.HomeForce != "West Midlands Police" {
				t.Errorf("%s of %s follows @WMPolice", a.Handle, a.Truth.HomeForce)
			}
		}
	}
	if officers < 10 || officers == len(fs) {
		t.Errorf("@WMPolice has %d followers, %d of them officers: want officers among others", len(fs), officers)
	}
}

func TestConfigValidate(t *testing.T) {
	for name, mut := range map[string]func(*Config){
		"scale":          func(c *Config) { c.Scale = 0 },
		"share":          func(c *Config) { c.TwitterShare = 1.5 },
		"rate":           func(c *Config) { c.Flagged.PostDeleted = 1 },
		"kind":           func(c *Config) { c.LookAlikes["wizard"] = 3 },
		"category":       func(c *Config) { c.Inappropriate["rude"] = 3 },
		"offenders":      func(c *Config) { c.Offenders = 5000 },
		"start":          func(c *Config) { c.Start = c.Start.AddDate(-30, 0, 0) },
		"too many":       func(c *Config) { c.Scale = 199; c.Serving = 20000 },
		"negative count": func(c *Config) { c.Serving = -1 },
	} {
		cfg := DefaultConfig()
		mut(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("%s: invalid config accepted", name)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted an invalid config")
		}
	}()
	cfg := DefaultConfig()
	cfg.Scale = -1
	New(cfg)
}
