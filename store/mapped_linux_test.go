package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mappedRSS returns the resident kilobytes of this process's mappings of
// path, from /proc/self/smaps.
func mappedRSS(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in, total := false, 0
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = strings.HasSuffix(line, path)
			continue
		}
		if in && strings.HasPrefix(line, "Rss:") {
			n, _ := strconv.Atoi(fields[1])
			total += n
		}
	}
	return total
}

// TestReleaseMapped checks that the database pages a process touched are
// handed back: after reading every payload (as a sweep's inserts end up
// doing) the file is resident in the mapping; after a commit it is not,
// and the data still reads back.
func TestReleaseMapped(t *testing.T) {
	db := mustOpen(t)
	s, _ := db.StartSweep("op", "AUTH", "cfg")
	var posts []Captured
	for i := range 400 {
		c := flagged(fmt.Sprint(1000+i), "abc", "offensive")
		c.Raw = []byte(strings.Repeat(fmt.Sprintf("payload %d ", i), 2000)) // ~20 KB, incompressible enough per post
		posts = append(posts, c)
	}
	if err := db.CommitProfile(s.ID, ProfileResult{Platform: "twitter", ID: "u1", Status: "serving",
		Profile: profile("u1"), Posts: posts, PostsRead: 400}); err != nil {
		t.Fatal(err)
	}
	readAll := func() {
		for i := range 400 {
			p, err := db.Post("twitter", fmt.Sprint(1000+i))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Payload(p.Payload.SHA256); err != nil {
				t.Fatal(err)
			}
		}
	}
	readAll()
	before := mappedRSS(t, db.Path())
	if before < 256 {
		t.Skipf("only %d KB of the file mapped after reading it all; nothing to measure", before)
	}
	db.released.Store(time.Now().Add(-time.Minute).UnixNano())
	db.releaseMapped()
	after := mappedRSS(t, db.Path())
	if after > before/4 {
		t.Errorf("mapped resident: %d KB before release, %d KB after", before, after)
	}
	readAll() // still reads
	t.Logf("mapped resident: %d KB after reading everything, %d KB after release", before, after)
}
