package faketwitter

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psd-tools/exposure/sim"
)

// The wire types follow the v1.1 objects field by field (a subset of the
// rarely used ones is left out); null fields are spelled out as the API
// does, so a client that trips on null is caught here.

type userJSON struct {
	ID                             int64        `json:"id"`
	IDStr                          string       `json:"id_str"`
	Name                           string       `json:"name"`
	ScreenName                     string       `json:"screen_name"`
	Location                       string       `json:"location"`
	Description                    string       `json:"description"`
	URL                            *string      `json:"url"`
	Entities                       userEntities `json:"entities"`
	Protected                      bool         `json:"protected"`
	FollowersCount                 int          `json:"followers_count"`
	FriendsCount                   int          `json:"friends_count"`
	ListedCount                    int          `json:"listed_count"`
	CreatedAt                      string       `json:"created_at"`
	FavouritesCount                int          `json:"favourites_count"`
	UTCOffset                      *int         `json:"utc_offset"`
	TimeZone                       *string      `json:"time_zone"`
	GeoEnabled                     bool         `json:"geo_enabled"`
	Verified                       bool         `json:"verified"`
	StatusesCount                  int          `json:"statuses_count"`
	Lang                           *string      `json:"lang"`
	Status                         *tweetJSON   `json:"status,omitempty"`
	ContributorsEnabled            bool         `json:"contributors_enabled"`
	IsTranslator                   bool         `json:"is_translator"`
	ProfileBackgroundColor         string       `json:"profile_background_color"`
	ProfileImageURL                string       `json:"profile_image_url"`
	ProfileImageURLHTTPS           string       `json:"profile_image_url_https"`
	DefaultProfile                 bool         `json:"default_profile"`
	DefaultProfileImage            bool         `json:"default_profile_image"`
	Following                      *bool        `json:"following"`
	FollowRequestSent              *bool        `json:"follow_request_sent"`
	Notifications                  *bool        `json:"notifications"`
	TranslatorType                 string       `json:"translator_type"`
	WithheldInCountries            []string     `json:"withheld_in_countries"`
	ProfileBackgroundImageURLHTTPS *string      `json:"profile_background_image_url_https"`
}

type userEntities struct {
	Description struct {
		URLs []struct{} `json:"urls"`
	} `json:"description"`
}

type trimmedUser struct {
	ID    int64  `json:"id"`
	IDStr string `json:"id_str"`
}

type hashtag struct {
	Text    string `json:"text"`
	Indices [2]int `json:"indices"`
}

type entities struct {
	Hashtags     []hashtag  `json:"hashtags"`
	Symbols      []struct{} `json:"symbols"`
	UserMentions []mention  `json:"user_mentions"`
	URLs         []struct{} `json:"urls"`
}

type mention struct {
	ScreenName string `json:"screen_name"`
	Name       string `json:"name"`
	ID         int64  `json:"id"`
	IDStr      string `json:"id_str"`
	Indices    [2]int `json:"indices"`
}

type tweetJSON struct {
	CreatedAt            string     `json:"created_at"`
	ID                   int64      `json:"id"`
	IDStr                string     `json:"id_str"`
	FullText             *string    `json:"full_text,omitempty"`
	Text                 *string    `json:"text,omitempty"`
	Truncated            bool       `json:"truncated"`
	DisplayTextRange     *[2]int    `json:"display_text_range,omitempty"`
	Entities             *entities  `json:"entities,omitempty"`
	Source               string     `json:"source"`
	InReplyToStatusID    *int64     `json:"in_reply_to_status_id"`
	InReplyToStatusIDStr *string    `json:"in_reply_to_status_id_str"`
	InReplyToUserID      *int64     `json:"in_reply_to_user_id"`
	InReplyToUserIDStr   *string    `json:"in_reply_to_user_id_str"`
	InReplyToScreenName  *string    `json:"in_reply_to_screen_name"`
	User                 any        `json:"user,omitempty"`
	Geo                  *struct{}  `json:"geo"`
	Coordinates          *struct{}  `json:"coordinates"`
	Place                *struct{}  `json:"place"`
	Contributors         *struct{}  `json:"contributors"`
	RetweetedStatus      *tweetJSON `json:"retweeted_status,omitempty"`
	IsQuoteStatus        bool       `json:"is_quote_status"`
	QuotedStatusID       *int64     `json:"quoted_status_id,omitempty"`
	QuotedStatusIDStr    *string    `json:"quoted_status_id_str,omitempty"`
	QuotedStatus         *tweetJSON `json:"quoted_status,omitempty"`
	RetweetCount         int        `json:"retweet_count"`
	FavoriteCount        int        `json:"favorite_count"`
	Favorited            bool       `json:"favorited"`
	Retweeted            bool       `json:"retweeted"`
	Lang                 string     `json:"lang"`
}

const webClient = `<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>`

// numID is the numeric id of a sim id: the number itself when it is one
// (the Twitter-like platform's ids are), else a stable 62-bit hash.
func numID(id string) int64 {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64()>>2) | 1
}

// originalBit marks the ids of the synthetic tweets and authors that
// retweets and quotes point to; the world's ids (snowflakes, < 2^62) never
// have it set.
const originalBit = int64(1) << 62

// created formats a time the way the API does: Ruby's date format in UTC.
func created(t time.Time) string { return t.UTC().Format(time.RubyDate) }

// htmlText escapes &, < and > as the API does in tweet text.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func strp(s string) *string { return &s }

// userOpts says how much of a user object to render.
type userOpts struct {
	status bool // include the most recent public tweet
}

// user renders an account.
func (c *call) user(a sim.Account, o userOpts) *userJSON {
	id := numID(a.ID)
	u := &userJSON{
		ID: id, IDStr: strconv.FormatInt(id, 10), Name: a.Name, ScreenName: a.Handle,
		Location: a.Location, Description: a.Bio, Protected: a.State == sim.Protected,
		CreatedAt: created(a.Created), ProfileBackgroundColor: "F5F8FA",
		ProfileImageURL:      "http://pbs.twimg.com/profile_images/" + a.ID + "/normal.jpg",
		ProfileImageURLHTTPS: "https://pbs.twimg.com/profile_images/" + a.ID + "/normal.jpg",
		DefaultProfile:       true, TranslatorType: "none", WithheldInCountries: []string{},
	}
	u.Entities.Description.URLs = []struct{}{}
	c.s.graph()
	u.FollowersCount = len(c.s.followers[a.ID])
	u.FriendsCount = len(a.Following)
	tl := c.s.world.Timeline(sim.Twitter, a.ID)
	for _, p := range tl {
		if p.State != sim.Removed {
			u.StatusesCount++
		}
	}
	if o.status && a.State == sim.Active {
		for _, p := range tl {
			if p.State != sim.Removed {
				u.Status = c.tweet(p, a, tweetOpts{extended: c.extended(), noUser: true})
				break
			}
		}
	}
	return u
}

// tweetOpts says how to render a tweet.
type tweetOpts struct {
	extended bool // tweet_mode=extended: full_text instead of text
	trimUser bool // user as {id, id_str}
	noUser   bool // no user at all (a user's embedded status)
	user     *userJSON
}

// tweet renders a post as the API does: a repost without comment as a
// native retweet, one with a comment as a quote tweet.
func (c *call) tweet(p sim.Post, a sim.Account, o tweetOpts) *tweetJSON {
	id := numID(p.ID)
	var t *tweetJSON
	switch {
	case p.Repost && p.Text == "":
		orig := original(p)
		rt := textTweet(orig.text, id|originalBit, p.Created.Add(-time.Hour), o.extended, nil)
		rt.User = orig.user()
		rt.RetweetCount = 1
		own := "RT @" + orig.handle + ": " + orig.text
		t = textTweet(clip(own, 140), id, p.Created, o.extended, nil)
		t.Entities.UserMentions = []mention{{ScreenName: orig.handle, Name: orig.name, ID: orig.id, IDStr: strconv.FormatInt(orig.id, 10), Indices: [2]int{3, 4 + utf8.RuneCountInString(orig.handle)}}}
		t.RetweetedStatus = rt
		t.RetweetCount = 1
	case p.Repost:
		orig := original(p)
		q := textTweet(orig.text, id|originalBit, p.Created.Add(-time.Hour), o.extended, nil)
		q.User = orig.user()
		t = textTweet(p.CurrentText(), id, p.Created, o.extended, p.Hashtags)
		t.IsQuoteStatus = true
		qid := q.ID
		t.QuotedStatusID, t.QuotedStatusIDStr, t.QuotedStatus = &qid, strp(q.IDStr), q
	default:
		t = textTweet(p.CurrentText(), id, p.Created, o.extended, p.Hashtags)
	}
	switch {
	case o.noUser:
	case o.trimUser:
		aid := numID(a.ID)
		t.User = &trimmedUser{ID: aid, IDStr: strconv.FormatInt(aid, 10)}
	case o.user != nil:
		t.User = o.user
	default:
		t.User = c.user(a, userOpts{})
	}
	return t
}

// textTweet is a tweet carrying text: full_text in extended mode, else the
// first 140 characters as text with truncated set.
func textTweet(text string, id int64, at time.Time, extended bool, tags []string) *tweetJSON {
	t := &tweetJSON{CreatedAt: created(at), ID: id, IDStr: strconv.FormatInt(id, 10), Source: webClient, Lang: "en",
		Entities: &entities{Hashtags: hashtags(text, tags), Symbols: []struct{}{}, UserMentions: []mention{}, URLs: []struct{}{}}}
	n := utf8.RuneCountInString(text)
	if extended {
		t.FullText = strp(htmlText.Replace(text))
		t.DisplayTextRange = &[2]int{0, n}
	} else {
		short := clip(text, 140)
		t.Truncated = short != text
		t.Text = strp(htmlText.Replace(short))
	}
	return t
}

// clip shortens s to n characters, ending with an ellipsis if cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// hashtags finds each tag's "#tag" in text, with character offsets.
func hashtags(text string, tags []string) []hashtag {
	out := []hashtag{}
	low := strings.ToLower(text)
	for _, tag := range tags {
		tag = strings.TrimPrefix(tag, "#")
		i := strings.Index(low, "#"+strings.ToLower(tag))
		if i < 0 || tag == "" {
			continue
		}
		start := utf8.RuneCountInString(text[:i])
		out = append(out, hashtag{Text: text[i+1 : i+1+len(tag)], Indices: [2]int{start, start + 1 + utf8.RuneCountInString(tag)}})
	}
	return out
}

// origin is the synthetic author of reposted content; the world says what
// was reposted but not by whom.
type origin struct {
	id           int64
	handle, name string
	text         string
}

var origins = []struct{ handle, name string }{
	{"UKNewsDesk", "UK News Desk"}, {"DailyBulletin", "The Daily Bulletin"}, {"CommentPolitic", "Comment & Politics"},
	{"ViralClipsUK", "Viral Clips UK"}, {"MatchdayLive", "Matchday Live"}, {"WeatherWatchUK", "Weather Watch"},
}

func original(p sim.Post) origin {
	n := numID(p.ID)
	o := origins[n%int64(len(origins))]
	return origin{id: originalBit | int64(n%int64(len(origins))+1), handle: o.handle, name: o.name, text: p.RepostText}
}

func (o origin) user() *userJSON {
	return &userJSON{ID: o.id, IDStr: strconv.FormatInt(o.id, 10), Name: o.name, ScreenName: o.handle,
		CreatedAt: created(time.Date(2010, 3, 1, 9, 0, 0, 0, time.UTC)), FollowersCount: 250000, Verified: true,
		ProfileBackgroundColor: "C0DEED", DefaultProfile: true, TranslatorType: "none", WithheldInCountries: []string{}}
}

// marshal renders v as the API does (no HTML escaping of <, >, & beyond
// what the text fields already carry).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // our own types: cannot fail
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}
