package faketwitter

import (
	"fmt"
	"strconv"
	"time"

	"github.com/psd-tools/exposure/sim"
)

// twitterEpoch is the origin of snowflake ids.
var twitterEpoch = time.UnixMilli(1288834974657)

// Snowflake returns a Twitter-style id for a post made at t: milliseconds
// since the Twitter epoch shifted left 22 bits, plus seq in the low bits, so
// ids grow with time as the API's do.
func Snowflake(t time.Time, seq int) string {
	ms := t.Sub(twitterEpoch).Milliseconds()
	return strconv.FormatInt(ms<<22|int64(seq&0x3fffff), 10)
}

// Fixture account ids.
const (
	FixtureForce     = "1001" // @WMPolice, the force's corporate account
	FixtureOfficer   = "1002" // @PC_Smith, active, 250 tweets
	FixtureProtected = "1003" // @Sgt_Jones, protected
	FixtureSuspended = "1004" // @PC_Banned, suspended
	FixtureDeleted   = "1005" // @PC_Gone, deleted
	FixtureFan       = "1006" // @BlueLightFan, not police
)

// Fixture builds a small, exact world for tests and examples, at now:
//
//   - @WMPolice (force account, 20 tweets), followed by every other account;
//   - @PC_Smith, active: 250 tweets six hours apart, newest an hour before
//     now; tweet 3 edited, every 50th from 7 removed, 10 a plain retweet,
//     11 a quote tweet, 5 with &, < and > in it, every 4th tagged
//     #policelife; follows @WMPolice;
//   - @Sgt_Jones protected, @PC_Banned suspended, @PC_Gone deleted, each
//     with 5 tweets;
//   - @BlueLightFan, a civilian whose bio mentions police dramas, 30 tweets,
//     follows @WMPolice and @PC_Smith.
//
// Post ids are snowflakes of their times; FixturePost gives an officer's
// tweet id by index.
func Fixture(now time.Time) *sim.World {
	now = now.UTC()
	accts := []*sim.Account{
		{Platform: sim.Twitter, ID: FixtureForce, Handle: "WMPolice", Name: "West Midlands Police", Bio: "Official account of West Midlands Police. Do not report crime here.", Location: "Birmingham, UK", State: sim.Active},
		{Platform: sim.Twitter, ID: FixtureOfficer, Handle: "PC_Smith", Name: "PC Smith", Bio: "Police officer with West Midlands Police. Views my own.", Location: "Coventry", State: sim.Active, Following: []string{FixtureForce}},
		{Platform: sim.Twitter, ID: FixtureProtected, Handle: "Sgt_Jones", Name: "Sgt Jones", Bio: "Police sergeant. Response team.", Location: "Wolverhampton", State: sim.Protected, Following: []string{FixtureForce}},
		{Platform: sim.Twitter, ID: FixtureSuspended, Handle: "PC_Banned", Name: "Banned Officer", Bio: "Police officer, West Midlands", Location: "Dudley", State: sim.Suspended, Following: []string{FixtureForce}},
		{Platform: sim.Twitter, ID: FixtureDeleted, Handle: "PC_Gone", Name: "Gone Officer", Bio: "Former police officer", Location: "Walsall", State: sim.Deleted, Following: []string{FixtureForce}},
		{Platform: sim.Twitter, ID: FixtureFan, Handle: "BlueLightFan", Name: "Blue Light Fan", Bio: "I love police dramas and blue lights", Location: "Leeds", State: sim.Active, Following: []string{FixtureForce, FixtureOfficer}},
	}
	for i, a := range accts {
		a.Created = now.AddDate(-5, 0, -i)
	}
	var posts []*sim.Post
	add := func(acct string, n int, step time.Duration, edit func(i int, p *sim.Post)) {
		for i := 0; i < n; i++ {
			at := now.Add(-time.Hour - time.Duration(i)*step)
			p := &sim.Post{Platform: sim.Twitter, ID: Snowflake(at, int(acct[3]-'0')), AccountID: acct, Created: at,
				Text: fmt.Sprintf("Tweet %d from %s", i, acct), State: sim.Live}
			if edit != nil {
				edit(i, p)
			}
			posts = append(posts, p)
		}
	}
	add(FixtureForce, 20, 24*time.Hour, func(i int, p *sim.Post) {
		p.Text = fmt.Sprintf("Appeal %d: have you seen this person? Call 101.", i)
	})
	add(FixtureOfficer, 250, 6*time.Hour, func(i int, p *sim.Post) {
		p.Text = fmt.Sprintf("Shift %d done, long day on response", i)
		if i%4 == 0 {
			p.Text += " #policelife"
			p.Hashtags = []string{"policelife"}
		}
		switch {
		case i == 3:
			p.State, p.EditedText, p.ChangedAt = sim.Edited, "Shift 3 done (edited)", now.Add(-30*time.Minute)
		case i%50 == 7:
			p.State, p.ChangedAt = sim.Removed, now.Add(-30*time.Minute)
		case i == 10:
			p.Repost, p.Text, p.RepostText, p.Hashtags = true, "", "Breaking: council approves new budget & cuts", nil
		case i == 11:
			p.Repost, p.Text, p.RepostText, p.Hashtags = true, "Typical. Nobody asked us.", "Police funding to be reviewed", nil
		case i == 5:
			p.Text = "Fish & chips <3 after a 12h shift > anything"
		}
	})
	for _, id := range []string{FixtureProtected, FixtureSuspended, FixtureDeleted} {
		add(id, 5, 24*time.Hour, nil)
	}
	add(FixtureFan, 30, 12*time.Hour, func(i int, p *sim.Post) {
		if i%3 == 0 {
			p.Text = fmt.Sprintf("Watching cop dramas again %d #policelife", i)
			p.Hashtags = []string{"policelife"}
		}
	})
	return sim.FromData(now, accts, posts)
}

// FixturePost returns the id of @PC_Smith's tweet i (0 newest) in a
// Fixture built at now.
func FixturePost(now time.Time, i int) string {
	return Snowflake(now.UTC().Add(-time.Hour-time.Duration(i)*6*time.Hour), int(FixtureOfficer[3]-'0'))
}
