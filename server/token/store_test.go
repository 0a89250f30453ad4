package token_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/token"
)

func TestServiceTokenRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	te := e.create(&token.Entry{Policies: []string{"a", "default"}, Meta: map[string]string{"k": "v"}, TTL: time.Hour, Renewable: true})
	if !strings.HasPrefix(te.ID, token.PrefixService) || len(te.ID) != 28 || te.Accessor == "" || !te.Orphan {
		t.Fatalf("unexpected entry %+v", te)
	}
	got, err := e.s.Lookup(ctx, te.ID)
	if err != nil || got.Meta["k"] != "v" || got.Accessor != te.Accessor || got.ID != te.ID {
		t.Fatalf("lookup: %+v, %v", got, err)
	}
	byAcc, err := e.s.LookupAccessor(ctx, te.Accessor)
	if err != nil || byAcc.HashedID != te.HashedID || byAcc.ID != "" {
		t.Fatalf("lookup by accessor: %+v, %v", byAcc, err)
	}
	// The token value never reaches storage.
	keys := allValues(t, e.view)
	for k, v := range keys {
		if strings.Contains(k, te.ID) || strings.Contains(v, te.ID) {
			t.Fatalf("token value stored under %q", k)
		}
	}
	accs, err := e.s.ListAccessors(ctx)
	if err != nil || len(accs) != 1 || accs[0] != te.Accessor {
		t.Fatalf("accessors = %v, %v", accs, err)
	}
	if _, err := e.s.Lookup(ctx, "hvs.nope"); !errors.Is(err, token.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if _, err := e.s.Create(ctx, &token.Entry{ID: te.ID, Policies: []string{"x"}}); !errors.Is(err, token.ErrDuplicateID) {
		t.Fatalf("duplicate id: %v", err)
	}
}

func allValues(t *testing.T, b storage.Backend) map[string]string {
	out := map[string]string{}
	var walk func(prefix string)
	walk = func(prefix string) {
		keys, err := b.List(context.Background(), prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if strings.HasSuffix(k, "/") {
				walk(prefix + k)
				continue
			}
			v, _ := b.Get(context.Background(), prefix+k)
			out[prefix+k] = string(v.Value)
		}
	}
	walk("")
	return out
}

func TestBatchTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	parent := e.create(&token.Entry{Policies: []string{"p"}})
	b := e.create(&token.Entry{Type: token.TypeBatch, Parent: parent.HashedID, Policies: []string{"a", "default"}, Meta: map[string]string{"m": "1"}, TTL: time.Hour, Path: "auth/token/create"})
	if !strings.HasPrefix(b.ID, token.PrefixBatch) || b.Accessor != "" || b.Renewable {
		t.Fatalf("batch entry %+v", b)
	}
	got, err := e.s.Lookup(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != token.TypeBatch || got.Meta["m"] != "1" || got.Path != "auth/token/create" || got.TTL != time.Hour || got.Orphan || len(got.Policies) != 2 {
		t.Fatalf("batch lookup %+v", got)
	}
	if len(allValues(t, e.view)) != 4 { // salt, batch key, parent's id and accessor
		t.Fatalf("batch token persisted something: %v", allValues(t, e.view))
	}
	// Tampering with any byte of the sealed blob invalidates the token.
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(b.ID, token.PrefixBatch))
	for i := range raw {
		bad := append([]byte(nil), raw...)
		bad[i] ^= 1
		if _, err := e.s.Lookup(ctx, token.PrefixBatch+base64.RawURLEncoding.EncodeToString(bad)); !errors.Is(err, token.ErrNotFound) {
			t.Fatalf("tampered byte %d: %v", i, err)
		}
	}
	for _, junk := range []string{"hvb.", "hvb.!!!", "hvb.AAAA", token.PrefixBatch + strings.Repeat("A", 200)} {
		if _, err := e.s.Lookup(ctx, junk); !errors.Is(err, token.ErrNotFound) {
			t.Fatalf("%q: %v", junk, err)
		}
	}
	if _, _, err := e.s.Renew(ctx, got, time.Hour, token.Limits{MaxTTL: time.Hour}); !errors.Is(err, token.ErrBatchRenew) {
		t.Fatalf("renew batch: %v", err)
	}
	if _, err := e.s.Create(ctx, &token.Entry{Type: token.TypeBatch, Policies: []string{"a"}}); !errors.Is(err, token.ErrBatchTTL) {
		t.Fatalf("batch without ttl: %v", err)
	}
	// Another store's key cannot open it.
	other := newEnv(t)
	if _, err := other.s.Lookup(ctx, b.ID); !errors.Is(err, token.ErrNotFound) {
		t.Fatalf("foreign store: %v", err)
	}
	// It survives a restart (same key) and expires at its TTL.
	e.s.Unload()
	e.open()
	if _, err := e.s.Lookup(ctx, b.ID); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.s.Lookup(ctx, b.ID); !errors.Is(err, token.ErrNotFound) {
		t.Fatalf("expired batch: %v", err)
	}
}

func TestUseCounts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	te := e.create(&token.Entry{NumUses: 3})
	for want := 2; want >= 1; want-- {
		u, err := e.s.Use(ctx, te)
		if err != nil || u.NumUses != want {
			t.Fatalf("use: %+v, %v; want %d left", u, err, want)
		}
	}
	last, err := e.s.Use(ctx, te)
	if err != nil || !last.RevocationPending() {
		t.Fatalf("last use: %+v, %v", last, err)
	}
	if _, err := e.s.Use(ctx, te); !errors.Is(err, token.ErrNotFound) {
		t.Fatalf("use after last: %v", err)
	}
	if _, err := e.s.Lookup(ctx, te.ID); !errors.Is(err, token.ErrNotFound) {
		t.Fatalf("lookup after last use: %v", err)
	}
	if got, err := e.s.LookupTainted(ctx, te.ID); err != nil || got.HashedID != te.HashedID {
		t.Fatalf("tainted lookup: %v", err)
	}
	if err := e.s.Revoke(ctx, last); err != nil {
		t.Fatal(err)
	}
	if e.stored(te.HashedID) || !e.wasRevoked(te.HashedID) {
		t.Fatal("used-up token not revoked")
	}
	unlimited := e.create(&token.Entry{})
	if u, err := e.s.Use(ctx, unlimited); err != nil || u.NumUses != 0 {
		t.Fatalf("unlimited: %+v %v", u, err)
	}
}

func TestRenew(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lim := token.Limits{DefaultTTL: time.Hour, MaxTTL: 4 * time.Hour}
	te := e.create(&token.Entry{TTL: time.Hour, Renewable: true})
	e.clock.Advance(30 * time.Minute)
	r, warnings, err := e.s.Renew(ctx, te, 2*time.Hour, lim)
	if err != nil || len(warnings) != 0 || !r.ExpireTime.Equal(e.clock.Now().Add(2*time.Hour)) || !r.LastRenewal.Equal(e.clock.Now()) {
		t.Fatalf("renew: %+v %v %v", r, warnings, err)
	}
	e.clock.Advance(90 * time.Minute)
	// 2h into a 4h max: 3h is capped to 2h.
	r, warnings, err = e.s.Renew(ctx, te, 3*time.Hour, lim)
	if err != nil || len(warnings) != 1 || !r.ExpireTime.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("capped renew: %+v %v %v", r, warnings, err)
	}
	fixed := e.create(&token.Entry{TTL: time.Hour})
	if _, _, err := e.s.Renew(ctx, fixed, time.Hour, lim); !errors.Is(err, token.ErrNotRenewable) {
		t.Fatalf("non-renewable: %v", err)
	}
	forever := e.create(&token.Entry{Policies: []string{"root"}, Renewable: true})
	if _, _, err := e.s.Renew(ctx, forever, time.Hour, lim); !errors.Is(err, token.ErrNotRenewable) {
		t.Fatalf("never-expiring: %v", err)
	}
	periodic := e.create(&token.Entry{TTL: time.Hour, Period: time.Hour, Renewable: true})
	e.clock.Advance(50 * time.Minute)
	for i := 0; i < 10; i++ { // far past the mount's max: periodic tokens live on
		if _, _, err := e.s.Renew(ctx, periodic, 0, lim); err != nil {
			t.Fatalf("periodic renew %d: %v", i, err)
		}
		e.clock.Advance(50 * time.Minute)
	}
	if _, err := e.s.Lookup(ctx, periodic.ID); err != nil {
		t.Fatalf("periodic token died: %v", err)
	}
}

func TestRevokeHookFailureIsRetried(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fails := 2
	e.s.OnRevoke(func(context.Context, *token.Entry) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		if fails > 0 {
			fails--
			return errors.New("lease backend down")
		}
		return nil
	})
	te := e.create(&token.Entry{})
	if err := e.s.Revoke(ctx, te); err == nil {
		t.Fatal("revoke succeeded despite a failing hook")
	}
	if _, err := e.s.Lookup(ctx, te.ID); !errors.Is(err, token.ErrNotFound) {
		t.Fatalf("token still works after a failed revoke: %v", err)
	}
	e.clock.Advance(time.Minute) // the retry the store scheduled; it fails once more
	e.poll("second attempt", func() bool { e.mu.Lock(); defer e.mu.Unlock(); return fails == 0 })
	e.clock.Advance(time.Second) // scheduler backoff
	e.poll("records deleted", func() bool { return !e.stored(te.HashedID) })
}

func TestTidy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	parent := e.create(&token.Entry{})
	child := e.create(&token.Entry{Parent: parent.HashedID})
	loose := e.create(&token.Entry{})
	// Simulate a crash that lost the parent's and loose's entries but left
	// their indexes.
	for _, h := range []string{parent.HashedID, loose.HashedID} {
		if err := e.view.Delete(ctx, "id/"+h); err != nil {
			t.Fatal(err)
		}
	}
	res, err := e.s.Tidy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := token.TidyResult{DanglingParents: 1, OrphanedChildren: 1, DanglingAccessors: 2}
	if res != want {
		t.Fatalf("tidy = %+v, want %+v", res, want)
	}
	got, err := e.s.Lookup(ctx, child.ID)
	if err != nil || !got.Orphan {
		t.Fatalf("child after tidy: %+v %v", got, err)
	}
	if res, _ := e.s.Tidy(ctx); res != (token.TidyResult{}) {
		t.Fatalf("second tidy found work: %+v", res)
	}
}
