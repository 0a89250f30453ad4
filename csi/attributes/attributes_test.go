package attributes

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func valid() map[string]string {
	return map[string]string{
		Class:          "db",
		PodName:        "app-0",
		PodNamespace:   "team-a",
		PodUID:         "0b8d5c8e-9c1c-4f4e-9a57-0d3f2a3f7c11",
		ServiceAccount: "app",
		Ephemeral:      "true",
		Tokens:         `{"cofre":{"token":"eyJ.x.y","expirationTimestamp":"2030-01-01T00:10:00Z"},"vault":{"token":"t2","expirationTimestamp":"2030-01-01T00:05:00Z"}}`,
	}
}

func TestParse(t *testing.T) {
	v, err := Parse(valid())
	if err != nil {
		t.Fatal(err)
	}
	want := Pod{Name: "app-0", Namespace: "team-a", UID: "0b8d5c8e-9c1c-4f4e-9a57-0d3f2a3f7c11", ServiceAccount: "app"}
	if v.Class != "db" || v.Pod != want {
		t.Errorf("Parse = %+v", v)
	}
	if !v.TokensExpire.Equal(time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC)) {
		t.Errorf("TokensExpire = %v", v.TokensExpire)
	}
	// The caller's map is copied.
	ctx := valid()
	v, _ = Parse(ctx)
	ctx[Class] = "other"
	if v.Attributes[Class] != "db" {
		t.Error("Attributes aliases the caller's map")
	}
	// Minimal context: no ephemeral flag, no tokens, no ServiceAccount.
	min := map[string]string{Class: "db", PodName: "p", PodNamespace: "n", PodUID: "u"}
	if _, err := Parse(min); err != nil {
		t.Errorf("minimal context: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(map[string]string)
		want   string
	}{
		{"empty", func(m map[string]string) { clear(m) }, "no volume attributes"},
		{"no class", func(m map[string]string) { delete(m, Class) }, "secretProviderClass is missing"},
		{"bad class", func(m map[string]string) { m[Class] = "Bad_Name" }, "secretProviderClass"},
		{"no pod name", func(m map[string]string) { delete(m, PodName) }, "podInfoOnMount"},
		{"bad namespace", func(m map[string]string) { m[PodNamespace] = "a.b" }, "pod.namespace"},
		{"no uid", func(m map[string]string) { delete(m, PodUID) }, "pod.uid is missing"},
		{"uid with space", func(m map[string]string) { m[PodUID] = "a b" }, "pod.uid"},
		{"bad service account", func(m map[string]string) { m[ServiceAccount] = "A/B" }, "serviceAccount.name"},
		{"persistent", func(m map[string]string) { m[Ephemeral] = "false" }, "only inline"},
		{"tokens not json", func(m map[string]string) { m[Tokens] = "secret-token" }, "serviceAccount.tokens"},
		{"token missing", func(m map[string]string) { m[Tokens] = `{"aud":{"expirationTimestamp":"2030-01-01T00:00:00Z"}}` }, "has no token"},
		{"too large", func(m map[string]string) { m["big"] = strings.Repeat("x", MaxSize) }, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := valid()
			tt.change(ctx)
			_, err := Parse(ctx)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse = %v, want ErrInvalid mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret-token") || strings.Contains(err.Error(), "eyJ") {
				t.Errorf("error quotes a token: %v", err)
			}
		})
	}
}

func TestParseMountGroup(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1000": 1000, "2147483647": 1<<31 - 1} {
		g, err := ParseMountGroup(in)
		if err != nil || g == nil || *g != want {
			t.Errorf("ParseMountGroup(%q) = %v, %v", in, g, err)
		}
	}
	if g, err := ParseMountGroup(""); g != nil || err != nil {
		t.Errorf("ParseMountGroup(\"\") = %v, %v", g, err)
	}
	for _, bad := range []string{"-1", "2147483648", "+5", "05", "1e3", "abc", " 1"} {
		if _, err := ParseMountGroup(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseMountGroup(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestProviderAttributes(t *testing.T) {
	got := ProviderAttributes(
		map[string]string{"roleName": "app", "objects": "- x", Class: "from-params"},
		map[string]string{Class: "db", PodName: "p"},
	)
	want := map[string]string{"roleName": "app", "objects": "- x", Class: "db", PodName: "p"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
