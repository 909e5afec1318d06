package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenReadOnlyFile checks that a database file this process may not
// write is reported as such, not as a corrupt or foreign file, and still
// opens for reading. (Root writes any file, so this runs as another user;
// cmd/exposure tests a read-only file system as root.)
func TestOpenReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write a read-only file; see TestReadOnlyDB in cmd/exposure")
	}
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := Open(path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrReadOnly) || errors.Is(err, ErrNotExposure) || !strings.Contains(err.Error(), path) {
		t.Fatalf("open a read-only file for writing: %v", err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open a read-only file for reading: %v", err)
	}
	ro.Close()
}
