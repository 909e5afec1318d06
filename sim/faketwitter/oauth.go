package faketwitter

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// parseOAuth reads the parameters of an "OAuth k="v", k2="v2"" header.
func parseOAuth(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		if u, err := unescape(v); err == nil {
			v = u
		}
		out[k] = v
	}
	return out
}

func unescape(s string) (string, error) { return url.PathUnescape(s) }

// verifySignature checks an HMAC-SHA1 OAuth 1.0a signature (RFC 5849 §3.4)
// over the request as the server received it. A client that signs before
// redirecting the request to another host fails here, as it would on the
// real API.
func verifySignature(r *http.Request, p map[string]string, consumerSecret, tokenSecret string) bool {
	if p["oauth_signature_method"] != "HMAC-SHA1" {
		return false
	}
	var pairs []string
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			pairs = append(pairs, encode(k)+"="+encode(v))
		}
	}
	for k, v := range p {
		if k == "oauth_signature" || k == "realm" {
			continue
		}
		pairs = append(pairs, encode(k)+"="+encode(v))
	}
	sort.Strings(pairs)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := strings.ToUpper(r.Method) + "&" + encode(scheme+"://"+strings.ToLower(r.Host)+r.URL.EscapedPath()) + "&" + encode(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(encode(consumerSecret)+"&"+encode(tokenSecret)))
	mac.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(p["oauth_signature"]))
}

// encode is RFC 3986 percent-encoding: everything but unreserved characters.
func encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		const hexd = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}
