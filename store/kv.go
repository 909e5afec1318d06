package store

import (
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// KV is a named key/value bucket for state other packages keep in the same
// file: a crawler's visited URLs and cookies, rate-limit budgets, web
// sessions. Its bucket is "kv.<name>", created on first write.
type KV struct {
	db     *DB
	bucket []byte
}

// KV returns the bucket with the given name.
func (db *DB) KV(name string) *KV {
	return &KV{db: db, bucket: []byte("kv." + name)}
}

// Get returns a copy of the value stored under key, or nil.
func (kv *KV) Get(key []byte) ([]byte, error) {
	var out []byte
	err := kv.db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(kv.bucket)
		if b == nil {
			return nil
		}
		if v := b.Get(key); v != nil {
			out = append([]byte{}, v...)
		}
		return nil
	})
	return out, err
}

// Put stores value under key.
func (kv *KV) Put(key, value []byte) error {
	return kv.db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(kv.bucket)
		if err != nil {
			return err
		}
		return b.Put(key, value)
	})
}

// PutBatch stores value under key through bbolt's Batch, which coalesces
// concurrent small writes into one transaction. Use it for idempotent
// writes only (Batch may run the function more than once).
func (kv *KV) PutBatch(key, value []byte) error {
	return kv.db.bolt.Batch(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(kv.bucket)
		if err != nil {
			return err
		}
		return b.Put(key, value)
	})
}

// Delete removes key.
func (kv *KV) Delete(key []byte) error {
	return kv.db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(kv.bucket)
		if b == nil {
			return nil
		}
		return b.Delete(key)
	})
}

// Scan calls fn for each key with the prefix, in order, with copies.
func (kv *KV) Scan(pfx []byte, fn func(key, value []byte) error) error {
	return kv.db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(kv.bucket)
		if b == nil {
			return nil
		}
		return endScan(scan(b, pfx, func(key, v []byte) error {
			return fn(append([]byte{}, key...), append([]byte{}, v...))
		}))
	})
}

// Clear deletes the whole bucket.
func (kv *KV) Clear() error {
	return kv.db.bolt.Update(func(tx *bolt.Tx) error {
		err := tx.DeleteBucket(kv.bucket)
		if err != nil && !strings.Contains(err.Error(), "not found") {
			return fmt.Errorf("clear %s: %w", kv.bucket, err)
		}
		return nil
	})
}
