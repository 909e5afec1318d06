package sim

import (
	"fmt"
	"math"
	"time"
)

// Config describes the world New builds. Start from DefaultConfig and change
// what you need: the zero Config is not a useful world.
//
// Counts are at scale 1; Scale multiplies every population and every count
// of inappropriate posts (rounded), so the proportions hold at any size.
type Config struct {
	Seed  int64
	Scale float64
	// Start is the world's clock when it is built; posts fill the year
	// before it.
	Start time.Time

	// Serving is the number of in-scope, self-identifying serving
	// profiles (officers of every rank, specials, PCSOs, police staff).
	Serving int
	// LookAlikes is the number of accounts of each out-of-scope kind
	// (KindCorporate, KindFormer, ...). Corporate accounts start with one
	// main account per force and platform; the rest are team and station
	// accounts.
	LookAlikes map[string]int
	// TwitterShare is the share of profiles on the Twitter-like platform.
	TwitterShare float64

	// PostsPerProfile is the mean number of posts an in-scope profile
	// made in the year before Start; PostsPerLookAlike the same for the
	// others (corporate and press accounts post more, families less).
	PostsPerProfile   float64
	PostsPerLookAlike float64

	// Inappropriate is the number of inappropriate posts on in-scope
	// profiles by their primary category, and Offenders the number of
	// profiles they are spread across.
	Inappropriate map[string]int
	Offenders     int
	// InappropriateTwitterShare is the share of those posts on the
	// Twitter-like platform.
	InappropriateTwitterShare float64
	// MultiCategoryShare is the share of inappropriate posts that carry a
	// second category.
	MultiCategoryShare float64
	// RepostShare is the share of ordinary posts that are reposts
	// (retweets, shares); BadRepostShare the share of inappropriate ones.
	RepostShare    float64
	BadRepostShare float64
	// LookAlikeInappropriate is the chance that a post by a former
	// officer, an officer of a force outside the rules, a fan or a police
	// family member breaches the standards too. Those posts are never
	// counted with the study's figures (their authors are out of scope).
	LookAlikeInappropriate float64

	// Flagged holds the monthly rates of change for inappropriate posts
	// and the accounts that made them; Ordinary for everything else.
	Flagged  Rates
	Ordinary Rates

	// Ongoing keeps accounts posting (ordinary posts only) after Start as
	// the clock advances, at the rate they posted before.
	Ongoing bool
}

// Rates are monthly probabilities. A post is deleted or edited, an account
// goes private, is suspended, deleted or renamed, each as an independent
// event with that chance per month; an account changes at most once.
type Rates struct {
	PostDeleted      float64
	PostEdited       float64
	AccountProtected float64
	AccountSuspended float64
	AccountDeleted   float64
	AccountRenamed   float64
}

// DefaultConfig mirrors the reference study: 1,588 profiles across the 44
// forces hidden among several thousand look-alikes, about 100 posts each,
// 357 inappropriate posts on 185 profiles (132/119/70/36), 71% on Twitter,
// and change rates under which about three quarters of that content is
// still visible a year on.
func DefaultConfig() Config {
	return Config{
		Seed:    1,
		Scale:   1,
		Start:   time.Date(2025, time.October, 1, 9, 0, 0, 0, time.UTC),
		Serving: 1588,
		LookAlikes: map[string]int{
			KindCorporate:  420,
			KindFormer:     600,
			KindFamily:     450,
			KindFan:        550,
			KindRecruiter:  80,
			KindTrainer:    80,
			KindJournalist: 260,
			KindLawyer:     150,
			KindOtherUK:    300,
			KindForeign:    500,
			KindParody:     40,
			KindCivilian:   300,
		},
		TwitterShare:      0.64,
		PostsPerProfile:   100,
		PostsPerLookAlike: 40,
		Inappropriate: map[string]int{
			Offensive:  132,
			Procedure:  119,
			Negativity: 70,
			Political:  36,
		},
		Offenders:                 185,
		InappropriateTwitterShare: 253.0 / 357.0,
		MultiCategoryShare:        0.04,
		RepostShare:               0.10,
		BadRepostShare:            0.08,
		LookAlikeInappropriate:    0.003,
		Flagged: Rates{
			PostDeleted:      0.012,
			PostEdited:       0.006,
			AccountProtected: 0.005,
			AccountSuspended: 0.0015,
			AccountDeleted:   0.0025,
			AccountRenamed:   0.002,
		},
		Ordinary: Rates{
			PostDeleted:      0.002,
			PostEdited:       0.001,
			AccountProtected: 0.002,
			AccountSuspended: 0.0003,
			AccountDeleted:   0.001,
			AccountRenamed:   0.001,
		},
		Ongoing: true,
	}
}

// Bounds the encodings impose (see ids.go).
const (
	maxAccounts = 1 << accountBits
	maxPosts    = 1 << postBits
	maxScale    = 200
)

// Validate reports the first field that cannot build a world, naming it.
func (c Config) Validate() error {
	switch {
	case math.IsNaN(c.Scale) || c.Scale <= 0 || c.Scale > maxScale:
		return fmt.Errorf("sim config: scale %v out of range (0, %d]", c.Scale, maxScale)
	case c.Start.IsZero():
		return fmt.Errorf("sim config: start time not set")
	case c.Start.Before(epoch.AddDate(4, 0, 0)) || c.Start.After(epoch.AddDate(30, 0, 0)):
		return fmt.Errorf("sim config: start %s outside %d..%d", c.Start.Format(time.DateOnly), epoch.Year()+4, epoch.Year()+30)
	case c.Serving < 0:
		return fmt.Errorf("sim config: serving %d is negative", c.Serving)
	case c.Offenders < 0:
		return fmt.Errorf("sim config: offenders %d is negative", c.Offenders)
	case c.PostsPerProfile < 0 || c.PostsPerLookAlike < 0 || c.PostsPerProfile > maxPosts/4 || c.PostsPerLookAlike > maxPosts/4:
		return fmt.Errorf("sim config: posts per profile out of range [0, %d]", maxPosts/4)
	}
	for name, v := range map[string]float64{
		"twitter share": c.TwitterShare, "inappropriate twitter share": c.InappropriateTwitterShare,
		"multi-category share": c.MultiCategoryShare, "repost share": c.RepostShare, "bad repost share": c.BadRepostShare,
		"look-alike inappropriate": c.LookAlikeInappropriate,
	} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("sim config: %s %v not in [0,1]", name, v)
		}
	}
	for name, rs := range map[string]Rates{"flagged": c.Flagged, "ordinary": c.Ordinary} {
		for field, v := range map[string]float64{"post deleted": rs.PostDeleted, "post edited": rs.PostEdited,
			"account protected": rs.AccountProtected, "account suspended": rs.AccountSuspended,
			"account deleted": rs.AccountDeleted, "account renamed": rs.AccountRenamed} {
			if math.IsNaN(v) || v < 0 || v >= 1 {
				return fmt.Errorf("sim config: %s rate %s %v not in [0,1)", name, field, v)
			}
		}
	}
	total := 0
	for kind, n := range c.LookAlikes {
		if !validKind(kind) || kind == KindOfficer {
			return fmt.Errorf("sim config: unknown look-alike kind %q", kind)
		}
		if n < 0 {
			return fmt.Errorf("sim config: look-alike %s count %d is negative", kind, n)
		}
		total += n
	}
	bad := 0
	for cat, n := range c.Inappropriate {
		if !validCategory(cat) {
			return fmt.Errorf("sim config: unknown category %q", cat)
		}
		if n < 0 {
			return fmt.Errorf("sim config: inappropriate %s count %d is negative", cat, n)
		}
		bad += n
	}
	if c.scaled(c.Offenders) > c.scaled(c.Serving) {
		return fmt.Errorf("sim config: %d offenders but only %d serving profiles", c.Offenders, c.Serving)
	}
	if float64(total+c.Serving)*c.Scale+2*float64(len(forces)) >= maxAccounts {
		return fmt.Errorf("sim config: %v accounts at scale %v exceed the limit of %d", total+c.Serving, c.Scale, maxAccounts)
	}
	if bad > 0 && c.PostsPerProfile == 0 {
		return fmt.Errorf("sim config: inappropriate posts need posts per profile > 0")
	}
	return nil
}

func (c Config) scaled(n int) int { return int(math.Round(float64(n) * c.Scale)) }

func validKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func validCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// perSecond converts a monthly probability to a rate per second, for
// sampling the time of an event.
func perSecond(p float64) float64 {
	if p <= 0 {
		return 0
	}
	return -math.Log1p(-p) / monthSeconds
}

const monthSeconds = 365.2425 / 12 * 24 * 3600
