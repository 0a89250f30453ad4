package pki

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
)

// Output formats of certificates and keys.
const (
	formatPEM       = "pem"
	formatDER       = "der"
	formatPEMBundle = "pem_bundle"
)

// newSerial returns a random positive 159-bit serial number.
func newSerial() (*big.Int, error) {
	var b [20]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		b[0] &= 0x7f
		n := new(big.Int).SetBytes(b[:])
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// serialString is Vault's form of a serial number: lower-case hex bytes
// separated by colons.
func serialString(n *big.Int) string {
	raw := n.Bytes()
	if len(raw) == 0 {
		raw = []byte{0}
	}
	return hexColons(raw)
}

const hexDigits = "0123456789abcdef"

func hexColons(raw []byte) string {
	var sb strings.Builder
	sb.Grow(len(raw) * 3)
	for i, c := range raw {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteByte(hexDigits[c>>4])
		sb.WriteByte(hexDigits[c&0xf])
	}
	return sb.String()
}

// normalizeSerial accepts a serial in colon- or hyphen-separated hex and
// returns its colon form; ok is false when it is not one.
func normalizeSerial(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "-", ":")))
	if s == "" || len(s) > 3*64 {
		return "", false
	}
	for _, part := range strings.Split(s, ":") {
		if len(part) == 0 || len(part) > 2 {
			return "", false
		}
		if _, err := hex.DecodeString(strings.Repeat("0", 2-len(part)) + part); err != nil {
			return "", false
		}
	}
	// Re-pad single digits so one serial has one spelling.
	parts := strings.Split(s, ":")
	for i, p := range parts {
		if len(p) == 1 {
			parts[i] = "0" + p
		}
	}
	return strings.Join(parts, ":"), true
}

// serialKey is a serial's storage key suffix (hyphens, as Vault stores them).
func serialKey(colon string) string { return strings.ReplaceAll(colon, ":", "-") }

// serialFromKey turns a storage key suffix back into the colon form.
func serialFromKey(k string) string { return strings.ReplaceAll(k, "-", ":") }

// pemString encodes one PEM block without the trailing newline, as Vault
// returns PEM in JSON fields.
func pemString(typ string, der []byte) string {
	return strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})))
}

// encodeDER renders DER for a JSON field: a PEM block of typ, or base64
// when format is "der".
func encodeDER(format, typ string, der []byte) string {
	if format == formatDER {
		return base64.StdEncoding.EncodeToString(der)
	}
	return pemString(typ, der)
}

// checkFormat validates a format field.
func checkFormat(f string) error {
	switch f {
	case formatPEM, formatDER, formatPEMBundle:
		return nil
	}
	return badRequest("unsupported format %q; must be pem, der or pem_bundle", f)
}

// checkKeyFormat validates private_key_format and reports whether it asks
// for PKCS #8.
func checkKeyFormat(f string) (pkcs8 bool, err error) {
	switch f {
	case "", "der", "pem":
		return false, nil
	case "pkcs8":
		return true, nil
	}
	return false, badRequest("unsupported private_key_format %q; must be der or pkcs8", f)
}
