package expire

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// The index spreads entries over 256 buckets ("ab/<base64url(id)>") so that
// Start can load it one bucket at a time instead of listing everything at
// once, and so that ids may contain any character (including "/").
const bucketCount = 256

// record is one persisted index entry.
type record struct {
	ID string `json:"id"`
	At int64  `json:"at"` // Unix nanoseconds
}

func bucketOf(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:1])
}

func bucketName(i int) string { return hex.EncodeToString([]byte{byte(i)}) }

func indexKey(id string) string {
	return bucketOf(id) + "/" + base64.RawURLEncoding.EncodeToString([]byte(id))
}

func (s *Scheduler) persist(ctx context.Context, id string, at time.Time) error {
	buf, err := json.Marshal(record{ID: id, At: at.UnixNano()})
	if err != nil {
		return fmt.Errorf("expire: encode: %w", err)
	}
	if err := s.cfg.Storage.Put(ctx, &storage.Entry{Key: indexKey(id), Value: buf}); err != nil {
		return fmt.Errorf("expire: persist: %w", err)
	}
	return nil
}

func (s *Scheduler) unpersist(ctx context.Context, id string) error {
	if err := s.cfg.Storage.Delete(ctx, indexKey(id)); err != nil {
		return fmt.Errorf("expire: delete index entry: %w", err)
	}
	return nil
}

// errCorrupt marks an index entry that cannot be decoded; it is skipped.
var errCorrupt = errors.New("corrupt index entry")

// loadBucket reads one bucket of the index.
func (s *Scheduler) loadBucket(ctx context.Context, b int) ([]record, error) {
	prefix := bucketName(b) + "/"
	keys, err := s.cfg.Storage.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("expire: list %s: %w", prefix, err)
	}
	out := make([]record, 0, len(keys))
	for _, k := range keys {
		e, err := s.cfg.Storage.Get(ctx, prefix+k)
		if err != nil {
			return nil, fmt.Errorf("expire: read index: %w", err)
		}
		if e == nil {
			continue // cancelled since the listing
		}
		var r record
		if err := json.Unmarshal(e.Value, &r); err != nil || r.ID == "" {
			s.cfg.Logger.Warn("skipping unreadable expiry index entry", "key", prefix+k, "err", errCorrupt)
			continue
		}
		out = append(out, r)
	}
	return out, nil
}
