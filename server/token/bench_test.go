package token_test

import (
	"context"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/token"
)

func BenchmarkTokenCreate(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		te := &token.Entry{Policies: []string{"default", "web"}, TTL: time.Hour, ExpireTime: t0.Add(time.Hour), Renewable: true}
		if _, err := e.s.Create(ctx, te); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTokenCreateBatch(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		te := &token.Entry{Type: token.TypeBatch, Policies: []string{"default", "web"}, TTL: time.Hour, ExpireTime: t0.Add(time.Hour)}
		if _, err := e.s.Create(ctx, te); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTokenLookup(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	svc := e.create(&token.Entry{Policies: []string{"default", "web"}, TTL: time.Hour})
	batch := e.create(&token.Entry{Type: token.TypeBatch, Policies: []string{"default", "web"}, TTL: time.Hour})
	for _, c := range []struct{ name, id string }{{"service", svc.ID}, {"batch", batch.ID}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.s.Lookup(ctx, c.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
