package store

import bolt "go.etcd.io/bbolt"

// Version identifies the state of the whole file: it is the id of the last
// committed write transaction, so it changes whenever anything is written
// (by this process, which owns the file). Readers that keep a derived
// in-memory view, such as the web queue, compare it to know when to rebuild.
func (db *DB) Version() (uint64, error) {
	var v uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v = uint64(tx.ID())
		return nil
	})
	return v, err
}
