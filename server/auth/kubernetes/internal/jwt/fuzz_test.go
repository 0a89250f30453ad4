package jwt

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseJWT: the pre-parser never panics, fails only with
// ErrMalformed, never quotes its input in errors, and anything it
// accepts has three non-empty parts and a real algorithm.
func FuzzParseJWT(f *testing.F) {
	f.Add("")
	f.Add("a.b.c")
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(`{"aud":["x"],"exp":1}`) + ".c2ln")
	f.Add(b64(`{"alg":"none"}`) + "." + b64(`{}`) + ".c2ln")
	f.Add(b64(`{"alg":"ES256"}`) + "." + b64(`{"aud":"x","nbf":1.5e9,"iat":null}`) + ".AAAA")
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":1e400}`) + ".c2ln")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
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

// FuzzParsePublicKeys: pem_keys come from an operator's config write; the
// parser never panics, and what it accepts holds at least one key per
// entry.
func FuzzParsePublicKeys(f *testing.F) {
	k, _ := keys(f)
	f.Add(publicPEM(f, k))
	f.Add("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
	f.Add("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, s string) {
		ks, err := ParsePublicKeys([]string{s})
		if err != nil {
			if !errors.Is(err, ErrBadKey) {
				t.Fatalf("error %v is not ErrBadKey", err)
			}
			return
		}
		if len(ks) == 0 {
			t.Fatal("accepted an entry without keys")
		}
	})
}
