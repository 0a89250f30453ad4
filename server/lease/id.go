package lease

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// idRandomLen is the length of a lease id's random suffix: 24 base62
// characters, about 143 bits.
const idRandomLen = 24

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomSuffix returns idRandomLen unbiased base62 characters from r.
func randomSuffix(r io.Reader) (string, error) {
	out := make([]byte, 0, idRandomLen)
	buf := make([]byte, idRandomLen+idRandomLen/4+8)
	for len(out) < idRandomLen {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("lease: random id: %w", err)
		}
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: larger bytes would bias b%62
				continue
			}
			out = append(out, base62[b%62])
			if len(out) == idRandomLen {
				break
			}
		}
	}
	return string(out), nil
}

// leasePath joins a mount's route path and a request path into the path
// part of a lease id, dropping empty and "." segments. A ".." segment
// cannot be stored and is refused. Both must be valid UTF-8 (see
// validUTF8Path).
func leasePath(mountPath, rel string) (string, error) {
	segs := strings.Split(mountPath+"/"+rel, "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case "", ".":
			continue
		case "..":
			return "", fmt.Errorf("%w: path %q has a \"..\" segment", ErrInvalidID, mountPath+rel)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "", fmt.Errorf("%w: empty path", ErrInvalidID)
	}
	return strings.Join(out, "/"), nil
}

// validUTF8Path replaces invalid UTF-8 in a request path: entries are
// stored as JSON, which would otherwise change the id and path on the way
// back.
func validUTF8Path(p string) string { return strings.ToValidUTF8(p, "\uFFFD") }

// ValidateID checks a lease id given by a client: UTF-8, not empty, no
// leading or trailing "/", and no empty, "." or ".." segment. Any id
// Register makes passes.
func ValidateID(id string) error {
	if id == "" || strings.HasSuffix(id, "/") {
		return fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	return validSegments(id)
}

// ValidatePrefix checks a lease id prefix given by a client: "" (every
// lease), or segments as in ValidateID with an optional trailing "/".
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return validSegments(strings.TrimSuffix(prefix, "/"))
}

func validSegments(p string) error {
	if p == "" {
		return fmt.Errorf("%w: empty", ErrInvalidID)
	}
	if !utf8.ValidString(p) {
		return fmt.Errorf("%w: not UTF-8", ErrInvalidID)
	}
	for _, s := range strings.Split(p, "/") {
		if s == "" || s == "." || s == ".." {
			return fmt.Errorf("%w: %q", ErrInvalidID, p)
		}
	}
	return nil
}

// Storage layout inside the manager's view.
const (
	idPrefix          = "id/"
	tokenPrefix       = "token/"
	irrevocablePrefix = "irrevocable/"
	expirePrefix      = "expire/"
)

// flatKey encodes a lease id as one storage key segment.
func flatKey(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// parseFlatKey decodes flatKey.
func parseFlatKey(k string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil || len(b) == 0 {
		return "", false
	}
	return string(b), true
}

func entryKey(id string) string { return idPrefix + id }

func tokenIndexKey(hashed, id string) string { return tokenPrefix + hashed + "/" + flatKey(id) }

func irrevocableKey(id string) string { return irrevocablePrefix + flatKey(id) }
