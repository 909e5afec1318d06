package html

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"io"
	"net/url"
	"sort"
	"sync"

	"github.com/gocolly/colly/v2/storage"
	whatwg "github.com/nlnwa/whatwg-url/url"
	"github.com/rs/zerolog"
)

// KV is what the crawler keeps its state in: a *store.KV bucket of the
// exposure database (or memKV when there is no database).
type KV interface {
	Get(key []byte) ([]byte, error)
	Put(key, value []byte) error
	PutBatch(key, value []byte) error
	Delete(key []byte) error
	Scan(pfx []byte, fn func(key, value []byte) error) error
	Clear() error
}

// visits is colly's storage.Storage over the store: the visited-URL set of
// one crawl, and the cookie jar.
//
// Colly marks a URL visited before fetching it. Persisting that mark at
// once would make a URL whose fetch failed, or whose results the pipeline
// never received (the process was killed), look done on resume. So a mark
// is only held in memory (pending) until the crawler confirms the page was
// fully handled; a failed page is forgotten and fetched again. A
// confirmed page also records its next-page link, so that a resumed crawl
// walks through finished pages without fetching them.
type visits struct {
	visited KV // this crawl's confirmed pages: 8-byte id -> next-page URL
	cookies KV // host -> cookies, colly's serialised form
	log     zerolog.Logger

	mu      sync.Mutex
	pending map[uint64]bool
}

var _ storage.Storage = (*visits)(nil)

// Init is called by colly's SetStorage.
func (v *visits) Init() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pending == nil {
		v.pending = map[uint64]bool{}
	}
	return nil
}

// Visited records id as in flight.
func (v *visits) Visited(id uint64) error {
	v.mu.Lock()
	v.pending[id] = true
	v.mu.Unlock()
	return nil
}

// IsVisited reports a page in flight in this process or confirmed in this
// crawl.
func (v *visits) IsVisited(id uint64) (bool, error) {
	v.mu.Lock()
	p := v.pending[id]
	v.mu.Unlock()
	if p {
		return true, nil
	}
	got, err := v.visited.Get(idKey(id))
	return got != nil, err
}

// Cookies returns the cookies stored for u's host.
func (v *visits) Cookies(u *url.URL) string {
	got, err := v.cookies.Get([]byte(u.Host))
	if err != nil {
		v.log.Warn().Err(err).Msg("read crawler cookies")
	}
	return string(got)
}

// SetCookies stores the cookies for u's host.
func (v *visits) SetCookies(u *url.URL, cookies string) {
	if err := v.cookies.Put([]byte(u.Host), []byte(cookies)); err != nil {
		v.log.Warn().Err(err).Msg("store crawler cookies")
	}
}

// confirm makes rawURL's visit durable, with the page's next link.
func (v *visits) confirm(rawURL, next string) error {
	id := visitID(rawURL)
	// The value is never empty, so Get can tell a stored page from none.
	if err := v.visited.PutBatch(idKey(id), append([]byte{'>'}, next...)); err != nil {
		return err
	}
	v.mu.Lock()
	delete(v.pending, id)
	v.mu.Unlock()
	return nil
}

// forget drops rawURL's in-flight mark after a failure.
func (v *visits) forget(rawURL string) {
	v.mu.Lock()
	delete(v.pending, visitID(rawURL))
	v.mu.Unlock()
}

// done reports whether rawURL was confirmed in this crawl, and its next
// link.
func (v *visits) done(rawURL string) (next string, ok bool, err error) {
	got, err := v.visited.Get(idKey(visitID(rawURL)))
	if err != nil || got == nil {
		return "", false, err
	}
	return string(got[1:]), true, nil
}

// finish forgets the crawl: the next one starts afresh.
func (v *visits) finish() error {
	v.mu.Lock()
	clear(v.pending)
	v.mu.Unlock()
	return v.visited.Clear()
}

func idKey(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

var urlParser = whatwg.NewParser(whatwg.WithPercentEncodeSinglePercentSign())

// visitID is the id colly gives a GET of rawURL (its requestHash: FNV-1a
// over the WHATWG-normalised URL). A test checks it against colly itself.
func visitID(rawURL string) uint64 {
	s := rawURL
	if p, err := urlParser.Parse(rawURL); err == nil {
		if u, err := url.Parse(p.Href(false)); err == nil {
			s = u.String()
		}
	}
	if p, err := urlParser.Parse(s); err == nil {
		s = p.String()
	}
	h := fnv.New64a()
	io.WriteString(h, s)
	return h.Sum64()
}

// memKV is an in-memory KV for a source with no database: nothing resumes.
type memKV struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMemKV() *memKV { return &memKV{m: map[string][]byte{}} }

func (m *memKV) Get(key []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[string(key)]
	if !ok {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

func (m *memKV) Put(key, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[string(key)] = bytes.Clone(value)
	return nil
}

func (m *memKV) PutBatch(key, value []byte) error { return m.Put(key, value) }

func (m *memKV) Delete(key []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, string(key))
	return nil
}

func (m *memKV) Scan(pfx []byte, fn func(key, value []byte) error) error {
	m.mu.Lock()
	var keys []string
	for k := range m.m {
		if bytes.HasPrefix([]byte(k), pfx) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = bytes.Clone(m.m[k])
	}
	m.mu.Unlock()
	for i, k := range keys {
		if err := fn([]byte(k), vals[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memKV) Clear() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.m)
	return nil
}
