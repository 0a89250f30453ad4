package transit

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// prefix starts every ciphertext, signature and HMAC this engine returns:
// "vault:v<version>:<base64>", as Vault writes them, so existing clients and
// stored values keep working.
const prefix = "vault:v"

// maxVersionDigits bounds the version field; 10 digits hold any int32.
const maxVersionDigits = 10

// formatVersioned returns "vault:v<n>:" followed by the encoding of payload.
func formatVersioned(n int, payload []byte, enc *base64.Encoding) string {
	var num [maxVersionDigits + 1]byte
	digits := strconv.AppendInt(num[:0], int64(n), 10)
	out := make([]byte, 0, len(prefix)+len(digits)+1+enc.EncodedLen(len(payload)))
	out = append(out, prefix...)
	out = append(out, digits...)
	out = append(out, ':')
	out = enc.AppendEncode(out, payload)
	return string(out)
}

// parseVersioned splits "vault:v<n>:<base64>" into n and the decoded
// payload. Errors wrap ErrBadCiphertext and say which part is wrong.
func parseVersioned(s string, enc *base64.Encoding) (int, []byte, error) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, nil, badRequest(ErrBadCiphertext, "invalid ciphertext: no prefix")
	}
	num, payload, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, nil, badRequest(ErrBadCiphertext, "invalid ciphertext: wrong number of fields")
	}
	if num == "" || len(num) > maxVersionDigits {
		return 0, nil, badRequest(ErrBadCiphertext, "invalid ciphertext: bad version")
	}
	n := 0
	for _, c := range []byte(num) {
		if c < '0' || c > '9' {
			return 0, nil, badRequest(ErrBadCiphertext, "invalid ciphertext: bad version")
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 || n > maxVersions {
		return 0, nil, badRequest(ErrBadCiphertext, "invalid ciphertext: bad version")
	}
	b, err := enc.DecodeString(payload)
	if err != nil {
		return 0, nil, badRequest(ErrBadCiphertext, "invalid ciphertext: could not decode base64")
	}
	return n, b, nil
}

// decodeB64 decodes a standard base64 field; msg names it in the error.
func decodeB64(s, msg string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, badRequest(ErrBadInput, "%s", msg)
	}
	return b, nil
}
