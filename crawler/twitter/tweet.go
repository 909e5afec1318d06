package twitter

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dghubble/go-twitter/twitter"

	"github.com/psd-tools/exposure/crawler"
)

// webBase is where profile and post permalinks point.
const webBase = "https://twitter.com/"

// unescapeText undoes the API's escaping of &, < and > in tweet text. The
// API escapes every &, so one left-to-right pass is the exact inverse.
var unescapeText = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// fullText is a tweet's complete text in either tweet mode.
func fullText(t *twitter.Tweet) string {
	s := t.FullText
	if s == "" && t.ExtendedTweet != nil {
		s = t.ExtendedTweet.FullText
	}
	if s == "" {
		s = t.Text
	}
	return unescapeText.Replace(s)
}

// plainRetweet reports a native retweet: no words of the account's own.
func plainRetweet(t *twitter.Tweet) bool { return t.RetweetedStatus != nil }

// tweetID is a tweet's id string.
func tweetID(t *twitter.Tweet) string {
	if t.IDStr != "" {
		return t.IDStr
	}
	if t.ID > 0 {
		return strconv.FormatInt(t.ID, 10)
	}
	return ""
}

// toPost converts a decoded tweet. Text is the account's own words: empty
// for a native retweet, the comment for a quote tweet; RepostText is what
// was retweeted or quoted.
func toPost(t *twitter.Tweet, owner crawler.Profile, raw *crawler.Capture) (crawler.Post, error) {
	id := tweetID(t)
	if id == "" {
		return crawler.Post{}, errors.New("tweet without an id")
	}
	at, err := t.CreatedAtTime()
	if err != nil {
		return crawler.Post{}, fmt.Errorf("tweet %s: created_at %q: %w", id, clipString(t.CreatedAt, 40), err)
	}
	p := crawler.Post{Platform: platform, ID: id, ProfileID: owner.ID, Created: at.UTC(), Raw: raw}
	handle := strings.TrimPrefix(owner.Handle, "@")
	if t.User != nil {
		if u := userID(t.User); u != "" {
			p.ProfileID = u
		}
		if t.User.ScreenName != "" {
			handle = t.User.ScreenName
		}
	}
	p.URL = webBase + handle + "/status/" + id
	switch {
	case t.RetweetedStatus != nil:
		p.Repost, p.RepostText = true, fullText(t.RetweetedStatus)
	case t.QuotedStatus != nil:
		p.Repost, p.Text, p.RepostText = true, fullText(t), fullText(t.QuotedStatus)
	default:
		p.Text = fullText(t)
	}
	return p, nil
}

func userID(u *twitter.User) string {
	if u.IDStr != "" {
		return u.IDStr
	}
	if u.ID > 0 {
		return strconv.FormatInt(u.ID, 10)
	}
	return ""
}

// toProfile converts a decoded user; ok is false for one without id or
// screen name.
func toProfile(u *twitter.User, via string) (crawler.Profile, bool) {
	id := userID(u)
	if id == "" || u.ScreenName == "" {
		return crawler.Profile{}, false
	}
	return crawler.Profile{Platform: platform, ID: id, Handle: u.ScreenName, Name: u.Name, Bio: u.Description,
		Location: u.Location, URL: webBase + u.ScreenName, Protected: u.Protected, Via: via}, true
}

// capture is the evidence for one tweet: its own JSON object as received,
// with the exchange it came in. Body shares the page's buffer, which
// nothing writes to after the read; copying each tweet would double the
// allocations of a sweep for nothing.
func capture(ex *exchange, raw []byte) *crawler.Capture {
	c := &crawler.Capture{URL: ex.url, Status: ex.status, ContentType: ex.ctype, FetchedAt: ex.at.UTC(),
		Body: raw[:len(raw):len(raw)]}
	if d := ex.header.Get("Date"); d != "" {
		c.Header = map[string]string{"Date": d}
	}
	return c
}

// splitArray returns the raw elements of a top-level JSON array, without
// decoding them. go-twitter has already decoded the same bytes, so this
// only finds the boundaries; it still rejects what it cannot split.
func splitArray(b []byte) ([][]byte, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, errors.New("not a JSON array")
	}
	i = skipSpace(b, i+1)
	var out [][]byte
	if i < len(b) && b[i] == ']' {
		return out, nil
	}
	for {
		start := i
		depth := 0
		inStr := false
	scan:
		for ; i < len(b); i++ {
			c := b[i]
			if inStr {
				switch c {
				case '\\':
					i++
				case '"':
					inStr = false
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth == 0 {
					break scan
				}
				depth--
			case ',':
				if depth == 0 {
					break scan
				}
			}
		}
		if i >= len(b) || depth != 0 {
			return nil, errors.New("unterminated JSON array")
		}
		el := bytes.TrimRight(b[start:i], " \t\r\n")
		if len(el) == 0 {
			return nil, errors.New("missing array element")
		}
		out = append(out, el)
		if b[i] == ']' {
			return out, nil
		}
		i = skipSpace(b, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// splitTweets checks that a 2xx array body splits into as many elements as
// go-twitter decoded, each carrying the decoded tweet's id.
func splitTweets(ex *exchange, tweets []twitter.Tweet) ([][]byte, error) {
	raws, err := splitArray(ex.body)
	if err != nil {
		return nil, err
	}
	if len(raws) != len(tweets) {
		return nil, fmt.Errorf("%d elements for %d tweets", len(raws), len(tweets))
	}
	for i := range tweets {
		id := tweetID(&tweets[i])
		if id == "" || !bytes.Contains(raws[i], []byte(id)) {
			return nil, fmt.Errorf("element %d is not tweet %q", i, id)
		}
	}
	return raws, nil
}

func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// horizon is the oldest creation time a first sweep reads back to.
func (s *Source) horizon() time.Time {
	if !s.cfg.Timeline.NotBefore.IsZero() {
		return s.cfg.Timeline.NotBefore
	}
	return s.clock.Now().Add(-s.cfg.Timeline.Horizon)
}
