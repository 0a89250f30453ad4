package attributes

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary values for every attribute: Parse never
// panics, never puts a token in an error, and whatever it accepts has the
// pod fields it promises.
func FuzzParse(f *testing.F) {
	f.Add("db", "app-0", "ns", "uid-1", "sa", "true", `{"a":{"token":"tok","expirationTimestamp":"2030-01-01T00:00:00Z"}}`, "1000")
	f.Add("", "", "", "", "", "", "", "")
	f.Add("a.b", "p", "n", "u", "", "false", `{"a":{}}`, "-1")
	f.Add("x", "y", "z", "w", "s", "true", `{"a":{"token":"tok","expirationTimestamp":"nope"}}`, "99999999999")
	f.Fuzz(func(t *testing.T, class, pod, ns, uid, sa, eph, tokens, group string) {
		ctx := map[string]string{Class: class, PodName: pod, PodNamespace: ns, PodUID: uid, ServiceAccount: sa, Ephemeral: eph, Tokens: tokens}
		v, err := Parse(ctx)
		if err != nil {
			if strings.Contains(tokens, `"token":"tok`) && strings.Contains(err.Error(), `tok"`) {
				t.Fatalf("error quotes a token: %v", err)
			}
		} else if v.Class == "" || v.Pod.Name == "" || v.Pod.Namespace == "" || v.Pod.UID == "" || eph != "true" {
			t.Fatalf("accepted %+v", v)
		}
		g, err := ParseMountGroup(group)
		if err == nil && g != nil && (*g < 0 || *g > 1<<31-1) {
			t.Fatalf("ParseMountGroup(%q) = %d", group, *g)
		}
	})
}
