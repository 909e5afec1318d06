package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUserCommands(t *testing.T) {
	db := seedDB(t)
	if code, out, errs := exec(t, "a long enough password\n", "--db", db, "user", "add", "alice", "--role", "admin"); code != 0 || !strings.Contains(out, "added alice (admin)") {
		t.Fatalf("add: %d %s %s", code, out, errs)
	}
	if code, _, errs := exec(t, "a long enough password\n", "--db", db, "user", "add", "ALICE", "--role", "reviewer"); code != 2 || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "short\n", "--db", db, "user", "add", "bob", "--role", "reviewer"); code != 2 || !strings.Contains(errs, "at least 12") {
		t.Fatalf("short password: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--db", db, "user", "add", "bob", "--role", "reviewer"); code != 2 || !strings.Contains(errs, "no password") {
		t.Fatalf("no password: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "a long enough password\n", "--db", db, "user", "add", "bob", "--role", "boss"); code != 2 || !strings.Contains(errs, `--role "boss"`) {
		t.Fatalf("bad role: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "a long enough password\n", "--db", db, "user", "add", "bo/b", "--role", "reviewer"); code != 2 || !strings.Contains(errs, "user name") {
		t.Fatalf("bad name: %d %s", code, errs)
	}
	if code, _, _ := exec(t, "another good password\r\n", "--db", db, "user", "add", "bob", "--role", "reviewer"); code != 0 {
		t.Fatal("add bob")
	}
	code, out, _ := exec(t, "", "--db", db, "user", "list")
	if code != 0 || !regexp.MustCompile(`alice\s+admin`).MatchString(out) || !regexp.MustCompile(`bob\s+reviewer`).MatchString(out) {
		t.Fatalf("list: %d %s", code, out)
	}
	if strings.Contains(out, "$2a$") || strings.Contains(out, "password") {
		t.Fatalf("list shows secrets: %s", out)
	}
	if code, out, _ := exec(t, "", "--db", db, "user", "remove", "bob"); code != 0 || !strings.Contains(out, "removed bob") {
		t.Fatalf("remove: %d %s", code, out)
	}
	if code, _, errs := exec(t, "", "--db", db, "user", "remove", "bob"); code != 2 || !strings.Contains(errs, "no such user") {
		t.Fatalf("remove again: %d %s", code, errs)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	db := seedDB(t)
	if code, _, errs := exec(t, "", "--db", db, "serve", "--addr", "0.0.0.0:0"); code != 2 || !strings.Contains(errs, "--tls-cert") {
		t.Fatalf("non-loopback without TLS: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--db", db, "serve", "--tls-cert", "c.pem"); code != 2 || !strings.Contains(errs, "go together") {
		t.Fatalf("cert without key: %d %s", code, errs)
	}
	cfg := filepath.Join(t.TempDir(), "sweep.yaml")
	os.WriteFile(cfg, []byte("operator: DS Jones\nauthority: PSD-1\ntwitter:\n  base_url: http://127.0.0.1:9\nschedule:\n  sweep_every: 7d\n"), 0o600)
	t.Setenv("EXPOSURE_TWITTER_BEARER_TOKEN", "")
	if code, _, errs := exec(t, "", "--db", db, "serve", "--addr", "127.0.0.1:0", "--config", cfg); code != 2 || !strings.Contains(errs, "credentials") {
		t.Fatalf("scheduled sweep without credentials: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--db", db, "serve", "--addr", "127.0.0.1:0", "--key", filepath.Join(t.TempDir(), "none.key")); code != 2 || !strings.Contains(errs, "none.key") {
		t.Fatalf("missing signing key: %d %s", code, errs)
	}
	if code, _, _ := exec(t, "a long enough password\n", "--db", db, "user", "add", "alice", "--role", "admin"); code != 0 {
		t.Fatal("add user")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--db", db, "--log-format", "json", "serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, &stderr)
	}()
	re := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("server did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("GET /login: %d", resp.StatusCode)
	}
	// While serve holds the file, other commands point to the web app.
	code, _, errs := exec(t, "", "--db", db, "review", "list")
	if code != 2 || !strings.Contains(errs, "use the web application") || !strings.Contains(errs, base) {
		t.Fatalf("review list while serving: %d %s", code, errs)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if code, _, _ := exec(t, "", "--db", db, "review", "list"); code != 0 {
		t.Fatal("database still held after serve stopped")
	}
}
