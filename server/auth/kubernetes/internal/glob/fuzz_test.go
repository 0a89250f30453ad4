package glob

import "testing"

// FuzzGlobMatch compares the matcher with the regular-expression model.
func FuzzGlobMatch(f *testing.F) {
	f.Add("app-*", "app-web")
	f.Add("*", "")
	f.Add("a*b*c", "aXbYc")
	f.Add("a*a", "a")
	f.Add("**x**", "yxy")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if len(pattern) > 64 || len(name) > 256 {
			return
		}
		if got, want := Match(pattern, name), naiveGlob(pattern, name); got != want {
			t.Fatalf("Match(%q, %q) = %v, model %v", pattern, name, got, want)
		}
	})
}
