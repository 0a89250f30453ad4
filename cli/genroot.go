package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// DefaultOTPLength is the one-time password length used when the server
// does not say: the length of a root token ("hvs." and 24 characters).
const DefaultOTPLength = 28

const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// ErrOTPMismatch means an encoded root token and the OTP given to decode it
// do not fit together.
var ErrOTPMismatch = errors.New("the encoded token and the OTP do not match in length")

// generateOTP returns n random base62 characters read from rnd.
func generateOTP(rnd io.Reader, n int) (string, error) {
	out := make([]byte, n)
	limit := big.NewInt(int64(len(base62Alphabet)))
	for i := range out {
		v, err := rand.Int(rnd, limit)
		if err != nil {
			return "", fmt.Errorf("generate OTP: %w", err)
		}
		out[i] = base62Alphabet[v.Int64()]
	}
	return string(out), nil
}

// DecodeRootToken undoes the generate-root encoding: the server returns
// base64(token XOR otp), byte by byte over the token's characters, with or
// without base64 padding.
func DecodeRootToken(encoded, otp string) (string, error) {
	encoded = strings.TrimSpace(encoded)
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(encoded, "="))
	if err != nil {
		return "", fmt.Errorf("decode root token: not base64: %w", err)
	}
	if len(raw) != len(otp) {
		return "", fmt.Errorf("decode root token: %w (%d and %d bytes)", ErrOTPMismatch, len(raw), len(otp))
	}
	out := make([]byte, len(raw))
	for i := range raw {
		out[i] = raw[i] ^ otp[i]
	}
	return string(out), nil
}

func cmdGenerateRoot(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[KEY]", `Generates a new root token from a quorum of unseal (or recovery) key shares:

  cofre operator generate-root -init             (prints a generated OTP; keep it)
  cofre operator generate-root [-nonce=N] KEY    (repeat with threshold-many keys)
  cofre operator generate-root -decode=ENCODED -otp=OTP
  cofre operator generate-root -status | -cancel | -generate-otp`)
	init := fs.Bool("init", false, "start a root token generation")
	cancel := fs.Bool("cancel", false, "cancel the generation in progress")
	status := fs.Bool("status", false, "print the generation progress")
	genOTP := fs.Bool("generate-otp", false, "print a random OTP suitable for -init -otp")
	otp := fs.String("otp", "", "the OTP (for -init: use this one instead of a server-generated one; for -decode)")
	decode := fs.String("decode", "", `decode this encoded root token with -otp ("-" reads it from standard input)`)
	nonce := fs.String("nonce", "", "the generation's nonce (default: read from the server)")
	pos, code, ok := r.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return r.usage("Too many arguments (expected at most 1, got %d).", len(pos))
	}
	if *decode != "" {
		if *otp == "" {
			return r.usage("-decode needs -otp.")
		}
		enc := *decode
		if enc == "-" {
			b, err := r.readStdin()
			if err != nil {
				return r.fail("Error reading the encoded token: %v", err)
			}
			enc = string(b)
		}
		tok, err := DecodeRootToken(enc, *otp)
		if err != nil {
			return r.fail("Error decoding root token: %v", err)
		}
		if r.format == "json" {
			return r.printJSON(map[string]string{"token": tok})
		}
		r.out("%s\n", tok)
		return ExitOK
	}
	c, err := r.client()
	if err != nil {
		return r.fail("Error: %v", err)
	}
	const base = "sys/generate-root"
	switch {
	case *genOTP:
		n := DefaultOTPLength
		if m, _, err := r.getMap(ctx, c, request{method: "GET", path: base + "/attempt"}); err == nil && num(m["otp_length"]) > 0 {
			n = int(num(m["otp_length"]))
		}
		o, err := generateOTP(rand.Reader, n)
		if err != nil {
			return r.fail("Error: %v", err)
		}
		r.out("%s\n", o)
		return ExitOK
	case *init:
		body := map[string]any{}
		if *otp != "" {
			body["otp"] = *otp
		}
		m, _, err := r.getMap(ctx, c, request{method: "PUT", path: base + "/attempt", body: body})
		if err != nil {
			return r.fail("Error initializing root generation: %s", apiError(err))
		}
		return r.printGenRootStatus(m)
	case *cancel:
		if _, err := r.send(ctx, c, request{method: "DELETE", path: base + "/attempt"}); err != nil {
			return r.fail("Error canceling root token generation: %s", apiError(err))
		}
		r.out("Success! Root token generation canceled (if it was started)\n")
		return ExitOK
	case *status:
		m, _, err := r.getMap(ctx, c, request{method: "GET", path: base + "/attempt"})
		if err != nil {
			return r.fail("Error getting root generation status: %s", apiError(err))
		}
		return r.printGenRootStatus(m)
	}
	n := *nonce
	if n == "" {
		m, _, err := r.getMap(ctx, c, request{method: "GET", path: base + "/attempt"})
		if err != nil {
			return r.fail("Error getting root generation status: %s", apiError(err))
		}
		if !boolean(m["started"]) {
			return r.fail("No root generation is in progress: start one with -init.")
		}
		n = str(m["nonce"])
	}
	key, err := r.keyArg(pos, "Unseal Key")
	if err != nil {
		return r.fail("Error reading the key: %v", err)
	}
	if key == "" {
		return r.usage("Missing key.")
	}
	m, _, err := r.getMap(ctx, c, request{method: "PUT", path: base + "/update", body: map[string]any{"key": key, "nonce": n}})
	if err != nil {
		return r.fail("Error posting unseal key: %s", apiError(err))
	}
	return r.printGenRootStatus(m)
}

func (r *runner) printGenRootStatus(m map[string]any) int {
	if r.format == "json" {
		return r.printJSON(m)
	}
	if r.field != "" {
		v, ok := m[r.field]
		if !ok {
			return r.fail("Field %q not present in the response", r.field)
		}
		return r.printField(v)
	}
	rows := []row{
		{"Nonce", str(m["nonce"])},
		{"Started", formatValue(boolean(m["started"]))},
		{"Progress", fmt.Sprintf("%d/%d", num(m["progress"]), num(m["required"]))},
		{"Complete", formatValue(boolean(m["complete"]))},
	}
	if o := str(m["otp"]); o != "" {
		rows = append(rows, row{"OTP", o})
	}
	if l := num(m["otp_length"]); l > 0 {
		rows = append(rows, row{"OTP Length", fmt.Sprint(l)})
	}
	enc := str(m["encoded_token"])
	if enc == "" {
		enc = str(m["encoded_root_token"])
	}
	if enc != "" {
		rows = append(rows, row{"Encoded Token", enc})
	}
	r.printKV(rows)
	return ExitOK
}
