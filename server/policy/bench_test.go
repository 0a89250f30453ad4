package policy

import (
	"fmt"
	"strings"
	"testing"
)

// hundredRules builds one policy with 100 rules of the shapes real
// deployments use: per-team globs, "+" segments, exact paths.
func hundredRules(tb testing.TB) *ACL {
	tb.Helper()
	var b strings.Builder
	for i := range 25 {
		fmt.Fprintf(&b, "path \"secret/data/team%d/*\" { capabilities = [\"read\", \"list\"] }\n", i)
		fmt.Fprintf(&b, "path \"secret/metadata/team%d/*\" { capabilities = [\"list\", \"delete\"] }\n", i)
		fmt.Fprintf(&b, "path \"secret/data/+/app%d\" { capabilities = [\"update\"] }\n", i)
		fmt.Fprintf(&b, "path \"kv/app%d/config\" {\n  capabilities = [\"update\"]\n  allowed_parameters = { \"value\" = [], \"env\" = [\"dev\", \"prod\"] }\n}\n", i)
	}
	p, err := Parse("bench", b.String())
	if err != nil {
		tb.Fatal(err)
	}
	a, err := NewACL(p)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

var benchRequests = []Request{
	{Op: Read, Path: "secret/data/team17/db/password"},
	{Op: Update, Path: "secret/data/anyone/app12"},
	{Op: Update, Path: "kv/app3/config", Params: map[string]any{"value": "x", "env": "prod"}},
	{Op: Read, Path: "secret/data/unknown/thing"},
}

func BenchmarkACLCheck(b *testing.B) {
	a := hundredRules(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		res := a.Allowed(benchRequests[i%len(benchRequests)])
		if res.Allowed != (i%len(benchRequests) != 3) {
			b.Fatalf("request %d: %+v", i%len(benchRequests), res)
		}
	}
}

func TestACLCheckDoesNotAllocate(t *testing.T) {
	a := hundredRules(t)
	for _, req := range benchRequests {
		if n := testing.AllocsPerRun(100, func() { a.Allowed(req) }); n != 0 {
			t.Errorf("%s %q: %v allocations per check", req.Op, req.Path, n)
		}
	}
}

// BenchmarkACLCheckManyPlus shows that rules sharing a literal prefix
// before a "+" are not scanned one by one.
func BenchmarkACLCheckManyPlus(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "path \"secret/data/+/app%d\" { capabilities = [\"read\"] }\n", i)
	}
	p, err := Parse("bench", sb.String())
	if err != nil {
		b.Fatal(err)
	}
	a, err := NewACL(p)
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Op: Read, Path: "secret/data/team/app999"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !a.Allowed(req).Allowed {
			b.Fatal("denied")
		}
	}
}
