//go:build unix

package store_test

import (
	"os"
	"syscall"
	"testing"
)

// The new file keeps the old one's owner and group, so that compacting a
// service account's database as root does not lock the service out.
func TestCompactKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file another owner")
	}
	fx := notesFixture(t)
	db, path := fx.DB, fx.Path
	if err := os.Chown(path, 4321, 8765); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Compact("op-erin", 0); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := st.Sys().(*syscall.Stat_t); !ok || s.Uid != 4321 || s.Gid != 8765 {
		t.Errorf("owner %+v", st.Sys())
	}
}
