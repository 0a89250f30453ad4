package token_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/token"
)

// FuzzLookup feeds arbitrary token values (outside input from every
// request header) to Lookup: it must never panic, and nothing but the
// values it issued may resolve.
func FuzzLookup(f *testing.F) {
	e := newEnv(f)
	svc := e.create(&token.Entry{})
	batch := e.create(&token.Entry{Type: token.TypeBatch, TTL: time.Hour})
	f.Add(svc.ID)
	f.Add(batch.ID)
	f.Add("hvb.")
	f.Add("hvb.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("")
	f.Add("root")
	f.Fuzz(func(t *testing.T, id string) {
		te, err := e.s.Lookup(context.Background(), id)
		if err == nil {
			if id != svc.ID && id != batch.ID {
				t.Fatalf("forged value %q resolved to %+v", id, te)
			}
			return
		}
		if !errors.Is(err, token.ErrNotFound) {
			t.Fatalf("unexpected error for %q: %v", id, err)
		}
	})
}

// FuzzAddrAllowed checks CIDR matching never panics and that no blocks
// allow everything.
func FuzzAddrAllowed(f *testing.F) {
	f.Add("10.0.0.1:80", "10.0.0.0/8")
	f.Add("[::1]:1", "::1")
	f.Add("x", "y/33")
	f.Fuzz(func(t *testing.T, remote, cidr string) {
		_ = token.AddrAllowed(remote, []string{cidr})
		_ = token.ValidCIDR(cidr)
		if !token.AddrAllowed(remote, nil) {
			t.Fatal("no blocks must allow every address")
		}
	})
}
