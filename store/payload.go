package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
)

// MaxPayload caps a stored payload; sources cap bodies well below this, so
// it only guards the store against a caller that forgot.
const MaxPayload = 32 << 20

var (
	zOnce sync.Once
	zEnc  *zstd.Encoder
	zDec  *zstd.Decoder
)

func codecs() (*zstd.Encoder, *zstd.Decoder) {
	zOnce.Do(func() {
		// EncodeAll/DecodeAll are safe for concurrent use on one instance.
		zEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
		zDec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(MaxPayload))
	})
	return zEnc, zDec
}

// SHA256 returns the hex SHA-256 of b.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// putPayload stores body compressed under its hash and returns the hash.
// Identical bodies are stored once.
func putPayload(tx *bolt.Tx, body []byte) (string, error) {
	if len(body) > MaxPayload {
		return "", fmt.Errorf("payload of %d bytes exceeds the %d byte cap", len(body), MaxPayload)
	}
	sum := sha256.Sum256(body)
	b := tx.Bucket(bPayloads)
	if b.Get(sum[:]) != nil {
		return hex.EncodeToString(sum[:]), nil
	}
	enc, _ := codecs()
	if err := b.Put(sum[:], enc.EncodeAll(body, nil)); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum[:]), nil
}

// Payload returns the raw payload with the given hex SHA-256, checking that
// it still hashes to its name.
func (db *DB) Payload(sha string) ([]byte, error) {
	key, err := hex.DecodeString(sha)
	if err != nil || len(key) != sha256.Size {
		return nil, fmt.Errorf("payload %q: not a SHA-256", sha)
	}
	var out []byte
	err = db.bolt.View(func(tx *bolt.Tx) error {
		z := tx.Bucket(bPayloads).Get(key)
		if z == nil {
			return fmt.Errorf("payload %s: %w", sha, ErrNotFound)
		}
		_, dec := codecs()
		var err error
		out, err = dec.DecodeAll(z, nil)
		if err != nil {
			return fmt.Errorf("payload %s: %w: %v", sha, ErrNotExposure, err)
		}
		return nil
	})
	if err == nil && SHA256(out) != sha {
		return nil, fmt.Errorf("payload %s: content does not match its hash", sha)
	}
	return out, err
}

// EvidenceHash is the SHA-256 over the canonical serialisation of a
// capture: the post record with its own EvidenceHash blank. JSON of a Go
// struct has a fixed field order and sorted map keys, so the same capture
// always hashes the same.
func EvidenceHash(p Post) string {
	p.EvidenceHash = ""
	raw, _ := json.Marshal(p)
	return SHA256(raw)
}
