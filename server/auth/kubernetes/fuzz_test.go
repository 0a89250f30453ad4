package kubernetes

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseJWT: the pre-parser never panics, fails only with
// ErrMalformedJWT, never quotes its input in errors, and anything it
// accepts has three non-empty parts and a real algorithm.
func FuzzParseJWT(f *testing.F) {
	f.Add("")
	f.Add("a.b.c")
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(`{"aud":["x"],"exp":1}`) + ".c2ln")
	f.Add(b64(`{"alg":"none"}`) + "." + b64(`{}`) + ".c2ln")
	f.Add(b64(`{"alg":"ES256"}`) + "." + b64(`{"aud":"x","nbf":1.5e9,"iat":null}`) + ".AAAA")
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":1e400}`) + ".c2ln")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := parseJWT(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedJWT) {
				t.Fatalf("error %v is not ErrMalformedJWT", err)
			}
			if len(s) >= 12 && strings.Contains(err.Error(), s) {
				t.Fatalf("error quotes the token")
			}
			return
		}
		if strings.Count(s, ".") != 2 || tok.Header.Alg == "" || strings.EqualFold(tok.Header.Alg, "none") || len(tok.Signature) == 0 {
			t.Fatalf("accepted %q as %+v", s, tok)
		}
		if !strings.HasPrefix(s, tok.SigningInput+".") {
			t.Fatal("signing input is not the token's prefix")
		}
	})
}

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
		if got, want := globMatch(pattern, name), naiveGlob(pattern, name); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, model %v", pattern, name, got, want)
		}
	})
}
