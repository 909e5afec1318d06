//go:build !unix

package store

import "os"

// keepOwner: file ownership is not carried over off Unix.
func keepOwner(string, os.FileInfo) error { return nil }
