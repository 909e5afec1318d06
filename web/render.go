package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/store"
)

//go:embed templates static
var assets embed.FS

// templates holds one template set per page, each the layout plus the
// page's "content".
type templates struct {
	pages  map[string]*template.Template
	row    *template.Template // a queue row's static part (row.tmpl)
	assetV string             // content hash of the static files, for cache busting
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"score":      func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"postURL":    postURL,
	"profileURL": profileURL,
	"catClass":   catClass,
	"liveURL":    liveURL,
	"join":       strings.Join,
	"short":      short,
	"clean":      clean,
	"vis":        pieces,
	"segments":   HTML,
	"every":      every,
	"add":        func(a, b int) int { return a + b },
	"pct": func(n, d int) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
	},
	"categories": func() []classify.Category { return classify.Categories },
	"states":     func() []store.FlagState { return store.FlagStates },
}

func postURL(platform, id string) string {
	return "/post/" + url.PathEscape(platform) + "/" + url.PathEscape(id)
}

func profileURL(platform, id string) string {
	return "/profile/" + url.PathEscape(platform) + "/" + url.PathEscape(id)
}

// catClass is the CSS class for a category; anything unexpected gets a
// neutral class rather than reaching the class attribute.
func catClass(c string) string {
	if classify.Category(c).Valid() {
		return "cat-" + c
	}
	return "cat-other"
}

// liveURL returns u if it is an http(s) link, else "" (no link is shown).
// html/template would neutralise javascript: anyway; this also refuses
// data:, file: and relative links.
func liveURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return p.String()
}

// clean makes a short scraped string (a handle, a name, a reason) safe to
// read: invalid UTF-8 becomes U+FFFD, and line breaks and tabs become spaces, and
// other control, invisible and direction-changing characters become a
// visible ⟨U+XXXX⟩, so they can
// neither hide words nor reorder the page. html/template still escapes it.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || invisible(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, p := range pieces(s) {
		switch {
		case p.Code != "":
			b.WriteString("⟨" + p.Code + "⟩")
		default:
			b.WriteString(strings.NewReplacer("\n", " ", "\t", " ").Replace(p.Text))
		}
	}
	return b.String()
}

// short cuts s to n runes.
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// every prints a job interval in the largest whole unit.
func every(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

func parseTemplates() (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}}
	h := sha256.New()
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		h.Write(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	t.assetV = hex.EncodeToString(h.Sum(nil))[:12]
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		pt, err := template.New(base).Funcs(funcs).ParseFS(assets, "templates/layout.html", n)
		if err != nil {
			return nil, err
		}
		t.pages[strings.TrimSuffix(base, ".html")] = pt
	}
	if t.row, err = template.New("row.tmpl").Funcs(funcs).ParseFS(assets, "templates/row.tmpl"); err != nil {
		return nil, err
	}
	return t, nil
}

// view is what every page template gets.
type view struct {
	Title  string
	Nav    string
	User   string
	Admin  bool
	CSRF   string
	Flash  flash
	AssetV string
	Data   any
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a template error is
// a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, ss session, status int, page, title string, data any) {
	t, ok := s.tmpl.pages[page]
	if !ok {
		s.log.Error().Str("page", page).Msg("no such template")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v := view{Title: title, Nav: page, User: ss.User, Admin: ss.Role == Admin, CSRF: ss.CSRF,
		AssetV: s.tmpl.assetV, Data: data}
	if ss.token != "" && r.Method == http.MethodGet {
		v.Flash = s.sessions.popFlash(ss.token)
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufs.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		s.log.Error().Err(err).Str("page", page).Msg("render")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage shows a message with a status code.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, ss session, status int, msg string) {
	s.render(w, r, ss, status, "error", http.StatusText(status), msg)
}

// fail logs an internal error and shows a generic message: internal detail
// (paths, record contents) stays in the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, ss session, err error) {
	s.log.Error().Err(err).Str("path", r.URL.Path).Msg("request failed")
	s.errorPage(w, r, ss, http.StatusInternalServerError, "Something went wrong; the error is in the server log.")
}

// redirect sends the browser back to a page with a one-time message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, ss session, to string, f flash) {
	if f.Msg != "" && ss.token != "" {
		s.sessions.setFlash(ss.token, f)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
