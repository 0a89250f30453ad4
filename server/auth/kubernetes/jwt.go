package kubernetes

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// MaxJWTSize bounds the length of a JWT accepted at login. ServiceAccount
// tokens are around 1 KiB; anything much larger is refused before any work.
const MaxJWTSize = 16 << 10

// errBadClaim marks a registered claim of the wrong type.
var errBadClaim = errors.New("wrongly typed claim")

// jwtToken is a JWT split and decoded but not verified: nothing in it is
// trusted, it only lets login turn away garbage, expired tokens and wrong
// audiences before asking the API server.
type jwtToken struct {
	Header jwtHeader
	Claims jwtClaims
	// SigningInput is "header.payload" as received; Signature the decoded
	// third part.
	SigningInput string
	Signature    []byte
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
}

type jwtClaims struct {
	Issuer    string      `json:"iss,omitempty"`
	Subject   string      `json:"sub,omitempty"`
	Audience  audience    `json:"aud,omitempty"`
	Expiry    numericDate `json:"exp,omitzero"`
	NotBefore numericDate `json:"nbf,omitzero"`
	IssuedAt  numericDate `json:"iat,omitzero"`
}

// audience is the aud claim: a single string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("%w: aud is neither a string nor a list of strings", errBadClaim)
	}
	*a = many
	return nil
}

func (a audience) contains(s string) bool {
	for _, v := range a {
		if v == s {
			return true
		}
	}
	return false
}

// numericDate is a JWT time claim: seconds since the epoch, possibly
// fractional. The zero value means "absent".
type numericDate struct{ time.Time }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = numericDate{}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return fmt.Errorf("%w: time claim is not a valid number of seconds", errBadClaim)
	}
	sec, frac := math.Modf(f)
	d.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

func (d numericDate) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Unix())
}

// parseJWT splits a compact JWS and decodes its header and claims. It
// checks structure only: three base64url parts, JSON objects, an "alg"
// other than "none", and well-typed registered claims. Errors wrap
// ErrMalformedJWT and never quote the token.
func parseJWT(s string) (*jwtToken, error) {
	if len(s) > MaxJWTSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformedJWT, MaxJWTSize)
	}
	h, rest, ok := strings.Cut(s, ".")
	if !ok {
		return nil, fmt.Errorf("%w: not three dot-separated parts", ErrMalformedJWT)
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return nil, fmt.Errorf("%w: not three dot-separated parts", ErrMalformedJWT)
	}
	if h == "" || p == "" || sig == "" {
		return nil, fmt.Errorf("%w: empty part", ErrMalformedJWT)
	}
	t := &jwtToken{SigningInput: s[:len(h)+1+len(p)]}
	hb, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("%w: header is not base64url", ErrMalformedJWT)
	}
	if err := decodeObject(hb, &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformedJWT, err)
	}
	if t.Header.Alg == "" || strings.EqualFold(t.Header.Alg, "none") {
		return nil, fmt.Errorf("%w: missing or unsigned algorithm", ErrMalformedJWT)
	}
	pb, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url", ErrMalformedJWT)
	}
	if err := decodeObject(pb, &t.Claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %w", ErrMalformedJWT, err)
	}
	if t.Signature, err = base64.RawURLEncoding.DecodeString(sig); err != nil {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrMalformedJWT)
	}
	return t, nil
}

// decodeObject unmarshals b, which must be a single JSON object, into v.
func decodeObject(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		// encoding/json errors may quote the input; keep only ours.
		if errors.Is(err, errBadClaim) {
			return err
		}
		return errors.New("invalid JSON or wrongly typed field")
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// timeLeeway absorbs clock skew between this server and the API server in
// the early expiry checks; the TokenReview is the authority anyway.
const timeLeeway = time.Minute

// checkTimes refuses a token whose exp is past or whose nbf is ahead.
func (t *jwtToken) checkTimes(now time.Time) error {
	if !t.Claims.Expiry.IsZero() && now.After(t.Claims.Expiry.Add(timeLeeway)) {
		return ErrTokenExpired
	}
	if !t.Claims.NotBefore.IsZero() && now.Add(timeLeeway).Before(t.Claims.NotBefore.Time) {
		return ErrTokenNotYetValid
	}
	return nil
}
