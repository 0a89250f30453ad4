package token_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/token"
)

// treeTranscripts drive the store through token trees. Steps:
//
//	create NAME [parent=P] [ttl=D] [uses=N] [batch]
//	revoke NAME | revoke-orphan NAME | use NAME | renew NAME INCREMENT
//	live NAMES... | gone NAMES... (Lookup succeeds / is ErrNotFound)
//	orphan NAME (its entry says orphan) | advance D
//	expired NAMES... (the expiry scheduler revoked them: hooks ran)
//	restart (a new Store over the same storage)
//	err-revoke NAME (revoking fails with a batch error)
var treeTranscripts = map[string]string{
	"revoking a parent revokes its subtree": `
		create root
		create a parent=root
		create b parent=a
		create c parent=a
		create d parent=b
		create o
		revoke a
		gone a b c d
		live root o`,
	"revoke-orphan keeps and orphans the children": `
		create a
		create b parent=a
		create c parent=b
		revoke-orphan b
		gone b
		live a c
		orphan c
		revoke a
		live c`,
	"revoking the root of everything": `
		create r
		create a parent=r
		create b parent=a
		create x parent=b
		revoke r
		gone r a b x`,
	"expiry revokes the subtree on time": `
		create a ttl=1h
		create b parent=a ttl=10h
		create c ttl=2h
		advance 59m
		live a b c
		advance 1m
		expired a b
		gone a b
		live c
		advance 1h
		expired c`,
	"expiry survives a restart": `
		create a ttl=1h
		create b ttl=3h
		restart
		advance 1h
		expired a
		live b
		restart
		advance 2h
		expired b`,
	"renewal postpones expiry": `
		create a ttl=1h
		advance 50m
		renew a 1h
		advance 50m
		live a
		advance 10m
		expired a`,
	"limited-use token": `
		create a uses=2
		use a
		live a
		use a
		gone a
		revoke a
		expired a`,
	"used-up token revoked by the scheduler after the grace": `
		create a uses=1
		use a
		gone a
		advance 1m
		expired a`,
	"batch child dies with its parent": `
		create p
		create b parent=p batch ttl=1h
		create o batch ttl=1h
		live b o
		err-revoke b
		revoke p
		gone b
		live o
		advance 1h
		gone o`,
}

func TestTokenTreeTranscripts(t *testing.T) {
	for mode, mk := range map[string]func(testing.TB) *env{"atomic": newEnv, "ordered": newPlainEnv} {
		for name, script := range treeTranscripts {
			t.Run(mode+"/"+name, func(t *testing.T) {
				runTree(t, mk(t), script)
			})
		}
	}
}

func runTree(t *testing.T, e *env, script string) {
	ctx := context.Background()
	tokens := map[string]*token.Entry{}
	get := func(n string) *token.Entry {
		te, ok := tokens[n]
		if !ok {
			t.Fatalf("unknown token %q", n)
		}
		return te
	}
	for _, line := range strings.Split(script, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("%s: %s", strings.TrimSpace(line), fmt.Sprintf(format, args...))
		}
		switch f[0] {
		case "create":
			te := &token.Entry{DisplayName: f[1]}
			for _, opt := range f[2:] {
				k, v, _ := strings.Cut(opt, "=")
				switch k {
				case "parent":
					te.Parent = get(v).HashedID
				case "ttl":
					te.TTL, _ = time.ParseDuration(v)
					te.Renewable = true
				case "uses":
					te.NumUses, _ = strconv.Atoi(v)
				case "batch":
					te.Type = token.TypeBatch
				}
			}
			tokens[f[1]] = e.create(te)
		case "revoke", "revoke-orphan":
			te := get(f[1])
			var err error
			if f[0] == "revoke" {
				err = e.s.Revoke(ctx, te)
			} else {
				err = e.s.RevokeOrphan(ctx, te)
			}
			if err != nil {
				fail("%v", err)
			}
		case "err-revoke":
			if err := e.s.Revoke(ctx, get(f[1])); !errors.Is(err, token.ErrBatchRevoke) {
				fail("got %v, want ErrBatchRevoke", err)
			}
		case "use":
			if _, err := e.s.Use(ctx, get(f[1])); err != nil {
				fail("%v", err)
			}
		case "renew":
			inc, _ := time.ParseDuration(f[2])
			te := get(f[1])
			if _, _, err := e.s.Renew(ctx, te, inc, token.Limits{DefaultTTL: time.Hour, MaxTTL: 24 * time.Hour}); err != nil {
				fail("%v", err)
			}
		case "live", "gone":
			for _, n := range f[1:] {
				_, err := e.s.Lookup(ctx, get(n).ID)
				if f[0] == "live" && err != nil {
					fail("%s: %v", n, err)
				}
				if f[0] == "gone" && !errors.Is(err, token.ErrNotFound) {
					fail("%s: got %v, want ErrNotFound", n, err)
				}
			}
		case "orphan":
			te, err := e.s.Lookup(ctx, get(f[1]).ID)
			if err != nil || !te.Orphan || te.Parent != "" {
				fail("entry %+v, %v: want an orphan", te, err)
			}
		case "advance":
			d, _ := time.ParseDuration(f[1])
			e.clock.Advance(d)
		case "expired":
			for _, n := range f[1:] {
				h := get(n).HashedID
				e.poll("revocation of "+n, func() bool { return e.wasRevoked(h) })
				e.poll("records of "+n+" deleted", func() bool {
					_, err := e.s.LookupTainted(ctx, get(n).ID)
					return errors.Is(err, token.ErrNotFound) && e.stored(h) == false
				})
			}
		case "restart":
			e.s.Unload()
			e.open()
		default:
			t.Fatalf("unknown step %q", line)
		}
	}
}

// stored reports whether an entry is still in storage.
func (e *env) stored(hashed string) bool {
	r, err := e.view.Get(context.Background(), "id/"+hashed)
	if err != nil {
		e.t.Fatal(err)
	}
	return r != nil
}
