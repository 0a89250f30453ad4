package jwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestParseJWT(t *testing.T) {
	k, _ := keys(t)
	good := signJWT(t, k, map[string]any{"iss": "i", "sub": "s", "aud": "one", "exp": 1700000000.5, "nbf": 1600000000})
	tok, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	c := tok.Claims
	if tok.Header.Alg != "RS256" || c.Issuer != "i" || c.Subject != "s" || !c.Audience.Contains("one") ||
		!c.Expiry.Equal(time.Unix(1700000000, 5e8)) || !c.NotBefore.Equal(time.Unix(1600000000, 0)) {
		t.Fatalf("parsed %+v", tok)
	}
	hdr := b64(`{"alg":"RS256"}`)
	bad := []struct{ name, jwt string }{
		{"empty", ""},
		{"one part", "abc"},
		{"two parts", "a.b"},
		{"four parts", "a.b.c.d"},
		{"empty signature", hdr + "." + b64(`{}`) + "."},
		{"header not base64", "!!." + b64(`{}`) + ".c2ln"},
		{"header not json", b64("nope") + "." + b64(`{}`) + ".c2ln"},
		{"header array", b64(`[1]`) + "." + b64(`{}`) + ".c2ln"},
		{"alg none", b64(`{"alg":"none"}`) + "." + b64(`{}`) + ".c2ln"},
		{"alg missing", b64(`{"typ":"JWT"}`) + "." + b64(`{}`) + ".c2ln"},
		{"claims not object", hdr + "." + b64(`"x"`) + ".c2ln"},
		{"trailing data", hdr + "." + b64(`{} {}`) + ".c2ln"},
		{"aud number", hdr + "." + b64(`{"aud":5}`) + ".c2ln"},
		{"exp string", hdr + "." + b64(`{"exp":"soon"}`) + ".c2ln"},
		{"exp negative", hdr + "." + b64(`{"exp":-1}`) + ".c2ln"},
		{"iss number", hdr + "." + b64(`{"iss":5}`) + ".c2ln"},
		{"signature not base64", hdr + "." + b64(`{}`) + ".***"},
		{"padded", hdr + "=." + b64(`{}`) + ".c2ln"},
		{"too long", hdr + "." + b64(`{"x":"`+strings.Repeat("a", MaxSize)+`"}`) + ".c2ln"},
	}
	for _, c := range bad {
		if _, err := Parse(c.jwt); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
	// Error messages never echo the token.
	secret := hdr + "." + b64(`{"aud":{"SECRETVALUE":1}}`) + ".c2ln"
	if _, err := Parse(secret); err == nil || strings.Contains(err.Error(), "SECRETVALUE") {
		t.Fatalf("err %v", err)
	}
}

func TestCheckTimes(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	mk := func(exp, nbf time.Time) *Token {
		return &Token{Claims: Claims{Expiry: NumericDate{exp}, NotBefore: NumericDate{nbf}}}
	}
	for _, c := range []struct {
		tok  *Token
		want error
	}{
		{mk(time.Time{}, time.Time{}), nil},
		{mk(now.Add(time.Hour), now.Add(-time.Hour)), nil},
		{mk(now.Add(-30*time.Second), time.Time{}), nil}, // within leeway
		{mk(now.Add(-2*time.Minute), time.Time{}), ErrExpired},
		{mk(time.Time{}, now.Add(30*time.Second)), nil},
		{mk(time.Time{}, now.Add(2*time.Minute)), ErrNotYetValid},
	} {
		if err := c.tok.CheckTimes(now, time.Minute); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%+v: %v, want %v", c.tok.Claims, err, c.want)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	k, other := keys(t)
	tok, _ := Parse(signJWT(t, k, map[string]any{"sub": "x"}))
	pub, err := ParsePublicKeys([]string{publicPEM(t, other), publicPEM(t, k)})
	if err != nil {
		t.Fatal(err)
	}
	if !tok.Verify(pub) || tok.Verify(pub[:1]) {
		t.Fatal("RS256 verification")
	}
	// ES256 and EdDSA.
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	input := b64(`{"alg":"ES256"}`) + "." + b64(`{"sub":"x"}`)
	sum := sha256.Sum256([]byte(input))
	r, s, _ := ecdsa.Sign(rand.Reader, ec, sum[:])
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	etok, err := Parse(input + "." + base64.RawURLEncoding.EncodeToString(sig))
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPub, err := ParsePublicKeys([]string{string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))})
	if err != nil || !etok.Verify(ecPub) || etok.Verify(pub) {
		t.Fatalf("ES256 verification: %v", err)
	}
	etok.Header.Alg = "ES384"
	if etok.Verify(ecPub) {
		t.Fatal("ES384 accepted with a P-256 key")
	}
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	input = b64(`{"alg":"EdDSA"}`) + "." + b64(`{"sub":"x"}`)
	dtok, _ := Parse(input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(edPriv, []byte(input))))
	der, _ = x509.MarshalPKIXPublicKey(edPub)
	edKeys, err := ParsePublicKeys([]string{string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))})
	if err != nil || !dtok.Verify(edKeys) {
		t.Fatalf("EdDSA verification: %v", err)
	}
}
