package fakesite

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/psd-tools/exposure/sim"
)

// classes are the class names a layout uses for what the site rules read.
type classes struct {
	name, bio, location, post, text, shared, permalink, timeTag, more, footer string
}

var (
	layout1 = classes{name: "profile-name", bio: "profile-bio", location: "profile-location",
		post: "post", text: "post-text", shared: "shared-text", permalink: "post-permalink",
		timeTag: "time", more: "see-more", footer: "page-footer"}
	// layout2 is a redesign: obfuscated class names for the name and the
	// post text, and the time moved from <time datetime> to an <abbr>.
	layout2 = classes{name: "x1heyrkc", bio: "profile-bio", location: "profile-location",
		post: "post", text: "x193iq5w", shared: "shared-text", permalink: "post-permalink",
		timeTag: "abbr", more: "see-more", footer: "page-footer"}
)

func head(b *bytes.Buffer, title string) {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
	b.WriteString(esc(title))
	b.WriteString(" | Facebook</title></head>\n<body>\n<header class=\"topbar\"><a href=\"/\" class=\"logo\">facebook</a>")
	b.WriteString(`<form action="/search/people/" method="get"><input type="search" name="q" placeholder="Search Facebook"></form>`)
	b.WriteString(`<a href="/login/" class="login-link">Log in</a></header>` + "\n")
}

func foot(b *bytes.Buffer, id string) {
	b.WriteString("\n<footer id=\"")
	b.WriteString(id)
	b.WriteString("\"><a href=\"/policies\">Privacy</a> · <a href=\"/policies/terms\">Terms</a> · Meta © 2024</footer>\n</body></html>\n")
}

func (s *Site) home() (int, []byte) {
	var b bytes.Buffer
	head(&b, "Facebook")
	b.WriteString(`<main id="home"><h2>Connect with friends and the world around you on Facebook.</h2></main>`)
	foot(&b, s.cls.footer)
	return http.StatusOK, b.Bytes()
}

func (s *Site) profilePage(a sim.Account, posts []sim.Post, more bool) []byte {
	c := s.cls
	var b bytes.Buffer
	b.Grow(2048 + len(posts)*700)
	head(&b, a.Name)
	b.WriteString(`<main id="profile" data-profile-id="`)
	b.WriteString(esc(a.ID))
	b.WriteString("\">\n<div class=\"profile-header\"><h1 class=\"")
	b.WriteString(c.name)
	b.WriteString(`">`)
	b.WriteString(esc(a.Name))
	b.WriteString(`</h1><div class="profile-handle">@`)
	b.WriteString(esc(a.Handle))
	b.WriteString("</div></div>\n<section class=\"intro\"><h2>Intro</h2>")
	if a.Bio != "" {
		b.WriteString(`<div class="` + c.bio + `">`)
		b.WriteString(esc(a.Bio))
		b.WriteString("</div>")
	}
	if a.Location != "" {
		b.WriteString(`<ul class="profile-details"><li class="` + c.location + `">Lives in <span class="place">`)
		b.WriteString(esc(a.Location))
		b.WriteString("</span></li></ul>")
	}
	b.WriteString("</section>\n<section class=\"timeline\">\n")
	for _, p := range posts {
		s.article(&b, a, p)
	}
	if len(posts) == 0 {
		b.WriteString(`<div class="no-posts">No posts available</div>`)
	}
	b.WriteString("</section>\n")
	if more {
		b.WriteString(`<a class="` + c.more + `" href="`)
		b.WriteString(esc(profileURL(a.Handle) + "?before=" + url.QueryEscape(posts[len(posts)-1].ID)))
		b.WriteString(`">See more posts</a>`)
	}
	b.WriteString("</main>")
	foot(&b, c.footer)
	return b.Bytes()
}

func (s *Site) article(b *bytes.Buffer, a sim.Account, p sim.Post) {
	c := s.cls
	b.WriteString(`<article class="` + c.post + `" data-post-id="`)
	b.WriteString(esc(p.ID))
	b.WriteString(`"><div class="post-header"><a class="post-author" href="`)
	b.WriteString(esc(profileURL(a.Handle)))
	b.WriteString(`">`)
	b.WriteString(esc(a.Name))
	b.WriteString(`</a> <a class="` + c.permalink + `" href="`)
	b.WriteString(esc(postURL(a.Handle, p.ID)))
	b.WriteString(`">`)
	created := p.Created.UTC()
	if c.timeTag == "time" {
		b.WriteString(`<time datetime="`)
		b.WriteString(created.Format(time.RFC3339))
		b.WriteString(`">`)
		b.WriteString(created.Format("2 January 2006 at 15:04"))
		b.WriteString(`</time>`)
	} else {
		b.WriteString(`<abbr data-utime="`)
		b.WriteString(created.Format("20060102150405"))
		b.WriteString(`">`)
		b.WriteString(created.Format("2 Jan 2006"))
		b.WriteString(`</abbr>`)
	}
	b.WriteString(`</a></div>`)
	if p.Repost {
		b.WriteString(`<div class="share-note">shared a post.</div>`)
	}
	b.WriteString(`<div class="` + c.text + `">`)
	b.WriteString(esc(p.CurrentText()))
	b.WriteString(`</div>`)
	if p.Repost {
		b.WriteString(`<blockquote class="` + c.shared + `">`)
		b.WriteString(esc(p.RepostText))
		b.WriteString(`</blockquote>`)
	}
	b.WriteString("<div class=\"post-actions\"><span>Like</span> <span>Comment</span> <span>Share</span></div></article>\n")
}

func (s *Site) postPage(a sim.Account, p sim.Post) []byte {
	var b bytes.Buffer
	title := p.CurrentText()
	if len(title) > 60 {
		title = strings.ToValidUTF8(title[:60], "") + "…"
	}
	head(&b, a.Name+" - "+title)
	b.WriteString(`<main id="permalink" data-profile-id="`)
	b.WriteString(esc(a.ID))
	b.WriteString("\">\n")
	s.article(&b, a, p)
	b.WriteString("</main>")
	foot(&b, s.cls.footer)
	return b.Bytes()
}

func (s *Site) searchPage(q string, res []sim.Account, next string) []byte {
	var b bytes.Buffer
	head(&b, q+" - Search")
	b.WriteString(`<main id="search"><h1>People matching “`)
	b.WriteString(esc(q))
	b.WriteString("”</h1>\n<ul class=\"results\">\n")
	for _, a := range res {
		b.WriteString(`<li class="result" data-profile-id="`)
		b.WriteString(esc(a.ID))
		b.WriteString(`"><a class="result-link" href="`)
		b.WriteString(esc(profileURL(a.Handle)))
		b.WriteString(`">`)
		b.WriteString(esc(a.Name))
		b.WriteString(`</a><div class="result-snippet">`)
		snippet := a.Bio
		if len(snippet) > 120 {
			snippet = strings.ToValidUTF8(snippet[:120], "") + "…"
		}
		b.WriteString(esc(snippet))
		b.WriteString("</div></li>\n")
	}
	b.WriteString("</ul>")
	if len(res) == 0 {
		b.WriteString(`<div class="no-results">We didn't find any results.</div>`)
	}
	if next != "" {
		b.WriteString(`<a class="next-page" href="`)
		b.WriteString(esc(next))
		b.WriteString(`">Next page</a>`)
	}
	b.WriteString("</main>")
	foot(&b, s.cls.footer)
	return b.Bytes()
}

func (s *Site) loginWall(name string) []byte {
	var b bytes.Buffer
	head(&b, "Log in to Facebook")
	b.WriteString(`<main id="login-wall"><h2>You must log in to continue.</h2>`)
	if name != "" {
		b.WriteString(`<p class="wall-note">`)
		b.WriteString(esc(name))
		b.WriteString(` shares some content only with their friends. Log in to see more.</p>`)
	}
	b.WriteString(`<form id="login_form" action="/login/" method="post"><input name="email" type="text"><input name="pass" type="password"><button type="submit">Log in</button></form></main>`)
	foot(&b, s.cls.footer)
	return b.Bytes()
}

func (s *Site) suspended() []byte {
	var b bytes.Buffer
	head(&b, "Account suspended")
	b.WriteString(`<main id="suspended"><h2>This account has been suspended</h2><p>We suspended this account because it did not follow our Community Standards.</p></main>`)
	foot(&b, s.cls.footer)
	return b.Bytes()
}

func (s *Site) unavailable() []byte {
	var b bytes.Buffer
	head(&b, "Content not found")
	b.WriteString(`<main id="unavailable"><h2>This content isn't available right now</h2><p>When this happens, it's usually because the owner only shared it with a small group of people, changed who can see it or it's been deleted.</p></main>`)
	foot(&b, s.cls.footer)
	return b.Bytes()
}

func (s *Site) notFound() []byte {
	var b bytes.Buffer
	head(&b, "Page not found")
	b.WriteString(`<main id="not-found"><h2>This page isn't available</h2><p>The link you followed may be broken, or the page may have been removed.</p></main>`)
	foot(&b, s.cls.footer)
	return b.Bytes()
}
