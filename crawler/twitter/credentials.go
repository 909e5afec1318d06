package twitter

import (
	"fmt"
	"os"
	"strings"

	"github.com/rs/zerolog"
)

// The environment variables credentials are read from. Each may instead
// name a file in NAME_FILE (for example EXPOSURE_TWITTER_BEARER_TOKEN_FILE)
// that only its owner can read. Credentials are never taken from flags,
// which land in shell history and process listings.
const (
	EnvBearerToken    = "EXPOSURE_TWITTER_BEARER_TOKEN"    // app-only auth
	EnvConsumerKey    = "EXPOSURE_TWITTER_CONSUMER_KEY"    // OAuth 1.0a consumer (API key)
	EnvConsumerSecret = "EXPOSURE_TWITTER_CONSUMER_SECRET" // OAuth 1.0a consumer secret
	EnvAccessToken    = "EXPOSURE_TWITTER_ACCESS_TOKEN"    // OAuth 1.0a user token
	EnvAccessSecret   = "EXPOSURE_TWITTER_ACCESS_SECRET"   // OAuth 1.0a user token secret
)

// Credentials are the API secrets. App-only auth needs BearerToken, or the
// consumer pair to mint one at /oauth2/token; user context (required by
// users/search) needs all four OAuth 1.0a values. The String, GoString and
// zerolog forms say only which are set.
type Credentials struct {
	BearerToken    string
	ConsumerKey    string
	ConsumerSecret string
	AccessToken    string
	AccessSecret   string
}

// App reports whether app-only auth is possible.
func (c Credentials) App() bool {
	return c.BearerToken != "" || (c.ConsumerKey != "" && c.ConsumerSecret != "")
}

// User reports whether OAuth 1.0a user context is possible.
func (c Credentials) User() bool {
	return c.ConsumerKey != "" && c.ConsumerSecret != "" && c.AccessToken != "" && c.AccessSecret != ""
}

func (c Credentials) String() string {
	set := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	return fmt.Sprintf("twitter credentials (bearer %s, consumer %s, access %s)", set(c.BearerToken), set(c.ConsumerKey+c.ConsumerSecret), set(c.AccessToken+c.AccessSecret))
}

// GoString keeps %#v from printing the secrets.
func (c Credentials) GoString() string { return c.String() }

// MarshalZerologObject logs which credentials are present, never their values.
func (c Credentials) MarshalZerologObject(e *zerolog.Event) {
	e.Bool("app", c.App()).Bool("user", c.User())
}

// MarshalText keeps encoders (JSON, YAML) from writing the secrets.
func (c Credentials) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// CredentialsFromEnv reads the EXPOSURE_TWITTER_* variables through getenv
// (os.Getenv in production). A NAME_FILE variable names a file holding the
// value; it must not be readable by group or others.
func CredentialsFromEnv(getenv func(string) string) (Credentials, error) {
	var c Credentials
	for _, v := range []struct {
		name string
		dst  *string
	}{
		{EnvBearerToken, &c.BearerToken}, {EnvConsumerKey, &c.ConsumerKey}, {EnvConsumerSecret, &c.ConsumerSecret},
		{EnvAccessToken, &c.AccessToken}, {EnvAccessSecret, &c.AccessSecret},
	} {
		val := strings.TrimSpace(getenv(v.name))
		if path := getenv(v.name + "_FILE"); path != "" {
			if val != "" {
				return Credentials{}, fmt.Errorf("%s and %s_FILE are both set: use one", v.name, v.name)
			}
			fi, err := os.Stat(path)
			if err != nil {
				return Credentials{}, fmt.Errorf("%s_FILE: %w", v.name, err)
			}
			if fi.Mode().Perm()&0o077 != 0 {
				return Credentials{}, fmt.Errorf("%s_FILE: %s is readable by group or others (mode %04o): chmod 600 it", v.name, path, fi.Mode().Perm())
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return Credentials{}, fmt.Errorf("%s_FILE: %w", v.name, err)
			}
			val = strings.TrimSpace(string(b))
		}
		if strings.ContainsAny(val, "\r\n\x00") {
			return Credentials{}, fmt.Errorf("%s: value contains a control character", v.name)
		}
		*v.dst = val
	}
	return c, nil
}
