package html

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Errors the crawler's own checks return; all are wrapped with the URL.
var (
	// ErrForbiddenHost: the host is not in the site's allowed domains.
	ErrForbiddenHost = errors.New("host not allowed by the site rules")
	// ErrPrivateAddress: the host is loopback or in a private range and
	// the config does not allow that.
	ErrPrivateAddress = errors.New("loopback or private address not allowed")
	// ErrTooManyRedirects: more redirects than max_redirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrTooLarge: the body is larger than max_body_bytes.
	ErrTooLarge = errors.New("page larger than the body size cap")
	// ErrNotHTML: the answer is not an HTML page.
	ErrNotHTML = errors.New("not an HTML page")
	// ErrMalformed: the page does not have what every complete page of
	// the site has (cut off, broken, or a layout the rules do not know).
	ErrMalformed = errors.New("page incomplete or not in the expected layout")
	// ErrRobotsUnavailable: robots.txt answered 5xx. Colly would cache
	// that as "disallow everything" for the collector's lifetime; the
	// transport turns it into this transient error instead, so the next
	// attempt asks again.
	ErrRobotsUnavailable = errors.New("robots.txt temporarily unavailable")
)

// privateAddr reports whether ip must not be reached without
// allow_private_addresses: loopback, RFC 1918/4193 private, link-local,
// CGNAT, unspecified and multicast addresses.
func privateAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		cgnat.Contains(ip)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// privateHost reports whether a URL host names a private address without
// a DNS lookup: an IP literal in a private range, or localhost.
func privateHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && privateAddr(ip)
}

// guard wraps the transport: every request, including colly's own
// robots.txt fetch and every redirect hop, is checked against the allowed
// hosts and the private-address rule before anything is dialled.
type guard struct {
	next         http.RoundTripper
	allowed      []string
	allowPrivate bool
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if !contains(g.allowed, host) {
		return nil, fmt.Errorf("%s: %w", host, ErrForbiddenHost)
	}
	if !g.allowPrivate && privateHost(host) {
		return nil, fmt.Errorf("%s: %w", host, ErrPrivateAddress)
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if req.URL.Path == "/robots.txt" && resp.StatusCode >= 500 {
		resp.Body.Close()
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, ErrRobotsUnavailable)
	}
	return resp, nil
}

// defaultTransport dials through a guard on the resolved address, so a
// public name that resolves to a private address is refused too.
func defaultTransport(allowPrivate bool) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, err)
			}
			if privateAddr(ap.Addr()) {
				return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
			}
			return nil
		}
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
	}
}
