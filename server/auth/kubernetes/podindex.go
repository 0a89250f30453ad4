package kubernetes

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// podPrefix holds one record per pod with live tokens: pod/<pod UID>.
const podPrefix = "pod/"

// podRecord lists the accessors of the tokens issued from one pod's
// tokens, so they can be revoked when the pod is gone.
type podRecord struct {
	Namespace string     `json:"namespace"`
	Name      string     `json:"name"`
	Tokens    []podToken `json:"tokens"`
	// Updated is when a token was last added.
	Updated time.Time `json:"updated"`
	// GoneSince is set once the pod is known deleted; such a record takes
	// no more tokens and is kept (and its tokens revoked again) until a
	// grace period after Updated, so a token whose login raced the
	// deletion is caught too.
	GoneSince time.Time `json:"gone_since,omitzero"`
}

// podToken is one issued token.
type podToken struct {
	Accessor string `json:"accessor"`
	// Expires bounds the token's life (its max TTL); zero for periodic
	// tokens without an explicit max, which only die with the pod.
	Expires time.Time `json:"expires,omitzero"`
}

// prune drops tokens past their bound.
func (r *podRecord) prune(now time.Time) {
	kept := r.Tokens[:0]
	for _, t := range r.Tokens {
		if t.Expires.IsZero() || now.Before(t.Expires) {
			kept = append(kept, t)
		}
	}
	r.Tokens = kept
}

func podKey(uid string) string { return podPrefix + uid }

func getPodRecord(ctx context.Context, s storage.Backend, uid string) (*podRecord, error) {
	e, err := s.Get(ctx, podKey(uid))
	if err != nil {
		return nil, fmt.Errorf("read pod record: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	var r podRecord
	if err := json.Unmarshal(e.Value, &r); err != nil {
		return nil, fmt.Errorf("decode pod record: %w", err)
	}
	return &r, nil
}

func putPodRecord(ctx context.Context, s storage.Backend, uid string, r *podRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode pod record: %w", err)
	}
	return s.Put(ctx, &storage.Entry{Key: podKey(uid), Value: b})
}

// podLocks serialises changes to one pod's record (striped by UID).
type podLocks struct{ mu [32]sync.Mutex }

func (l *podLocks) get(uid string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = io.WriteString(h, uid)
	return &l.mu[h.Sum32()%uint32(len(l.mu))]
}

// accessorLen and base62 match the token store's accessors.
const (
	accessorLen = 24
	base62      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// newAccessor draws 24 base62 characters uniformly from r.
func newAccessor(r io.Reader) (string, error) {
	out := make([]byte, 0, accessorLen)
	buf := make([]byte, 32)
	for len(out) < accessorLen {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("accessor: %w", err)
		}
		for _, c := range buf {
			// 248 = 4*62: rejecting the rest keeps the draw uniform.
			if c < 248 && len(out) < accessorLen {
				out = append(out, base62[c%62])
			}
		}
	}
	return string(out), nil
}

// tokenBound is the latest time a token issued now with p could live:
// the tightest of its explicit max TTL, the role's max TTL and the
// mount's, plus a margin. Periodic tokens without an explicit max have no
// bound.
func tokenBound(now time.Time, ttlMax, explicitMax, period, mountMax time.Duration) time.Time {
	const margin = time.Hour
	if period > 0 {
		if explicitMax > 0 {
			return now.Add(explicitMax + margin)
		}
		return time.Time{}
	}
	bound := time.Duration(0)
	for _, d := range []time.Duration{ttlMax, explicitMax, mountMax} {
		if d > 0 && (bound == 0 || d < bound) {
			bound = d
		}
	}
	if bound == 0 {
		return time.Time{}
	}
	return now.Add(bound + margin)
}

// indexPodToken chooses the accessor of the token a pod-bound login will
// get and records it under the pod's UID before the token exists, so the
// pod watcher can revoke it. A pod already known gone gets nothing.
func (b *backend) indexPodToken(ctx context.Context, s storage.Backend, id *identity, r *role, auth *logical.Auth) error {
	acc, err := newAccessor(b.opts.Rand)
	if err != nil {
		return err
	}
	now := b.now()
	var mountMax time.Duration
	if b.sys != nil {
		mountMax = b.sys.MaxLeaseTTL()
	}
	tok := podToken{Accessor: acc, Expires: tokenBound(now, r.TokenMaxTTL, r.TokenExplicitMaxTTL, r.TokenPeriod, mountMax)}
	l := b.podLocks.get(id.PodUID)
	l.Lock()
	defer l.Unlock()
	rec, err := getPodRecord(ctx, s, id.PodUID)
	if err != nil {
		return err
	}
	if rec == nil {
		rec = &podRecord{Namespace: id.Namespace, Name: id.PodName}
	}
	if !rec.GoneSince.IsZero() {
		return denied(ErrPodGone)
	}
	rec.prune(now)
	rec.Tokens = append(rec.Tokens, tok)
	rec.Updated = now
	if err := putPodRecord(ctx, s, id.PodUID, rec); err != nil {
		return err
	}
	auth.Accessor = acc
	return nil
}
