//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// keepOwner gives the file at path the owner and group of st. When the
// database belongs to a service account and an administrator compacts it
// as root, a new file owned by root would lock the service out.
func keepOwner(path string, st os.FileInfo) error {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if err := os.Lchown(path, int(s.Uid), int(s.Gid)); err != nil {
		return fmt.Errorf("cannot give the new file the owner of the old one (uid %d, gid %d); run as that user or root: %w", s.Uid, s.Gid, err)
	}
	return nil
}
