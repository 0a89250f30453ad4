package jwt

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

// MaxSize bounds the length of a JWT Parse accepts. ServiceAccount tokens
// are around 1 KiB; anything much larger is refused before any work.
const MaxSize = 16 << 10

// Sentinel errors.
var (
	// ErrMalformed is wrapped by every Parse failure.
	ErrMalformed = errors.New("malformed JWT")
	// ErrExpired: the exp claim is in the past.
	ErrExpired = errors.New("token expired")
	// ErrNotYetValid: the nbf claim is in the future.
	ErrNotYetValid = errors.New("token not yet valid")
)

// errBadClaim marks a registered claim of the wrong type.
var errBadClaim = errors.New("wrongly typed claim")

// Token is a JWT split and decoded but not verified: nothing in it is
// trusted until Verify says so.
type Token struct {
	Header Header
	Claims Claims
	// SigningInput is "header.payload" as received; Signature the decoded
	// third part.
	SigningInput string
	Signature    []byte
}

// Header is the JOSE header.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
}

// Claims are the registered claims a login looks at.
type Claims struct {
	Issuer    string      `json:"iss,omitempty"`
	Subject   string      `json:"sub,omitempty"`
	Audience  Audience    `json:"aud,omitempty"`
	Expiry    NumericDate `json:"exp,omitzero"`
	NotBefore NumericDate `json:"nbf,omitzero"`
	IssuedAt  NumericDate `json:"iat,omitzero"`
}

// Audience is the aud claim: a single string or a list of strings.
type Audience []string

// UnmarshalJSON implements json.Unmarshaler.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("%w: aud is neither a string nor a list of strings", errBadClaim)
	}
	*a = many
	return nil
}

// Contains reports whether s is one of the audiences.
func (a Audience) Contains(s string) bool {
	for _, v := range a {
		if v == s {
			return true
		}
	}
	return false
}

// NumericDate is a JWT time claim: seconds since the epoch, possibly
// fractional. The zero value means "absent".
type NumericDate struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = NumericDate{}
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

// MarshalJSON implements json.Marshaler.
func (d NumericDate) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Unix())
}

// Parse splits a compact JWS and decodes its header and claims. It
// checks structure only: three base64url parts, JSON objects, an "alg"
// other than "none", and well-typed registered claims. Errors wrap
// ErrMalformed and never quote the token.
func Parse(s string) (*Token, error) {
	if len(s) > MaxSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxSize)
	}
	h, rest, ok := strings.Cut(s, ".")
	if !ok {
		return nil, fmt.Errorf("%w: not three dot-separated parts", ErrMalformed)
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return nil, fmt.Errorf("%w: not three dot-separated parts", ErrMalformed)
	}
	if h == "" || p == "" || sig == "" {
		return nil, fmt.Errorf("%w: empty part", ErrMalformed)
	}
	t := &Token{SigningInput: s[:len(h)+1+len(p)]}
	hb, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("%w: header is not base64url", ErrMalformed)
	}
	if err := decodeObject(hb, &t.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	if t.Header.Alg == "" || strings.EqualFold(t.Header.Alg, "none") {
		return nil, fmt.Errorf("%w: missing or unsigned algorithm", ErrMalformed)
	}
	pb, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url", ErrMalformed)
	}
	if err := decodeObject(pb, &t.Claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %w", ErrMalformed, err)
	}
	if t.Signature, err = base64.RawURLEncoding.DecodeString(sig); err != nil {
		return nil, fmt.Errorf("%w: signature is not base64url", ErrMalformed)
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

// CheckTimes refuses a token whose exp is more than leeway in the past or
// whose nbf is more than leeway ahead (ErrExpired, ErrNotYetValid).
func (t *Token) CheckTimes(now time.Time, leeway time.Duration) error {
	if !t.Claims.Expiry.IsZero() && now.After(t.Claims.Expiry.Add(leeway)) {
		return ErrExpired
	}
	if !t.Claims.NotBefore.IsZero() && now.Add(leeway).Before(t.Claims.NotBefore.Time) {
		return ErrNotYetValid
	}
	return nil
}
