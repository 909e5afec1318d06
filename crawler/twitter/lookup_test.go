package twitter

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

func ref(id, profileID, handle string) crawler.PostRef {
	return crawler.PostRef{Platform: "twitter", ID: id, ProfileID: profileID, Handle: handle}
}

// firstTweet is the newest tweet of an account in the world.
func firstTweet(w *sim.World, acct string) string { return w.Timeline(sim.Twitter, acct)[0].ID }

func TestLookupStates(t *testing.T) {
	e := fixtureEnv(t, faketwitter.Options{}, nil)
	w := e.world
	off := faketwitter.FixtureOfficer
	cases := []struct {
		ref   crawler.PostRef
		state crawler.State
		text  string
	}{
		{ref(post(0), off, "PC_Smith"), crawler.StateVisible, "Shift 0 done, long day on response #policelife"},
		{ref(post(3), off, "PC_Smith"), crawler.StateVisible, "Shift 3 done (edited)"},
		{ref(post(7), off, "PC_Smith"), crawler.StateRemoved, ""},
		{ref(post(10), off, "PC_Smith"), crawler.StateVisible, ""}, // a retweet: no own words
		{ref(post(11), off, "PC_Smith"), crawler.StateVisible, "Typical. Nobody asked us."},
		{ref(firstTweet(w, faketwitter.FixtureProtected), faketwitter.FixtureProtected, "Sgt_Jones"), crawler.StateAccountProtected, ""},
		{ref(firstTweet(w, faketwitter.FixtureSuspended), faketwitter.FixtureSuspended, "PC_Banned"), crawler.StateAccountSuspended, ""},
		{ref(firstTweet(w, faketwitter.FixtureDeleted), faketwitter.FixtureDeleted, "PC_Gone"), crawler.StateAccountGone, ""},
		// Missing with only a handle to check the account by.
		{ref(post(57), "", "pc_smith"), crawler.StateRemoved, ""},
		{ref("12345", "", "PC_Gone"), crawler.StateAccountGone, ""},
		// No account to check: cannot say removed.
		{ref("12346", "", ""), crawler.StateUnknown, ""},
		{ref("not-a-tweet", off, "PC_Smith"), crawler.StateUnknown, ""},
		{ref(post(0), off, "PC_Smith"), crawler.StateVisible, "Shift 0 done, long day on response #policelife"},
	}
	refs := make([]crawler.PostRef, len(cases))
	for i, c := range cases {
		refs[i] = c.ref
	}
	checks, err := e.source().Lookup(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != len(refs) {
		t.Fatalf("%d checks for %d refs", len(checks), len(refs))
	}
	for i, c := range cases {
		got := checks[i]
		if got.Ref != c.ref || got.State != c.state || got.Text != c.text {
			t.Errorf("%d %s: got %s %q (%s), want %s %q", i, c.ref.ID, got.State, got.Text, got.Reason, c.state, c.text)
		}
		if got.At.IsZero() || got.Reason == "" {
			t.Errorf("%d: no time or reason: %+v", i, got)
		}
	}
	if r := checks[2]; !strings.Contains(r.Reason, "code 144") || !strings.Contains(r.Reason, "still exists") ||
		r.Raw == nil || r.Raw.Status != 404 || !strings.Contains(string(r.Raw.Body), "144") {
		t.Errorf("removed: reason %q raw %+v", r.Reason, r.Raw)
	}
	if r := checks[0].Raw; r == nil || !strings.Contains(r.URL, "statuses/lookup.json") || !strings.Contains(string(r.Body), `"id_str":"`+post(0)+`"`) {
		t.Errorf("visible capture %+v", r)
	}
	st := e.fake.Stats().Requests
	// One bulk request; a show per distinct missing id (7, 57, the three
	// accounts' tweets, 12345, 12346); users/show once per account asked
	// about after a 144 (PC_Smith by id and by handle, PC_Gone by id and by
	// handle).
	if st["statuses/lookup"] != 1 || st["statuses/show"] != 7 || st["users/show"] != 4 {
		t.Errorf("requests %v", st)
	}
}

// recheckWorld has accounts×per tweets; every 20th removed, every 7th
// edited, and a few accounts protected, suspended or deleted.
func recheckWorld(accounts, per int) (*sim.World, []crawler.PostRef) {
	var accts []*sim.Account
	var posts []*sim.Post
	var refs []crawler.PostRef
	for a := 0; a < accounts; a++ {
		id := fmt.Sprint(2000 + a)
		st := sim.Active
		switch a % 25 {
		case 1:
			st = sim.Protected
		case 2:
			st = sim.Suspended
		case 3:
			st = sim.Deleted
		}
		accts = append(accts, &sim.Account{Platform: sim.Twitter, ID: id, Handle: "u" + id, State: st})
		for i := 0; i < per; i++ {
			at := now.Add(-time.Duration(a*per+i+1) * time.Minute)
			p := &sim.Post{Platform: sim.Twitter, ID: faketwitter.Snowflake(at, a), AccountID: id, Created: at, Text: "post " + fmt.Sprint(i), State: sim.Live}
			switch {
			case i%20 == 0:
				p.State = sim.Removed
			case i%7 == 0:
				p.State, p.EditedText = sim.Edited, "edited "+fmt.Sprint(i)
			}
			posts = append(posts, p)
			refs = append(refs, ref(p.ID, id, "u"+id))
		}
	}
	return sim.FromData(now, accts, posts), refs
}

// want is the state the world says a recheck should find.
func want(w *sim.World, r crawler.PostRef) crawler.State {
	p, a, _ := w.Post(sim.Twitter, r.ID)
	switch {
	case a.State == sim.Protected:
		return crawler.StateAccountProtected
	case a.State == sim.Suspended:
		return crawler.StateAccountSuspended
	case a.State == sim.Deleted:
		return crawler.StateAccountGone
	case p.State == sim.Removed:
		return crawler.StateRemoved
	}
	return crawler.StateVisible
}

func TestLookupTenThousandInBatches(t *testing.T) {
	w, refs := recheckWorld(100, 100)
	e := newEnv(t, w, faketwitter.Options{}, nil)
	checks, err := e.source().Lookup(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[crawler.State]int{}
	for i, c := range checks {
		if c.State != want(w, refs[i]) {
			t.Fatalf("%s: %s (%s), want %s", refs[i].ID, c.State, c.Reason, want(w, refs[i]))
		}
		counts[c.State]++
	}
	st := e.fake.Stats().Requests
	// 10,000 ids → 100 bulk requests. Shows only for what was missing:
	// each removed post of a live account, and one post of each of the 12
	// accounts that are protected, suspended or gone (the account's state
	// then answers for the rest of its posts). Every account's first post
	// is a removed one, whose 144 needs users/show to tell removed from
	// gone: one per account.
	if st["statuses/lookup"] != 100 || st["statuses/show"] != counts[crawler.StateRemoved]+12 || st["users/show"] != 100 {
		t.Errorf("requests %v for %v", st, counts)
	}
	t.Logf("10,000 posts: %v; requests %v", counts, st)
}
