package database

import (
	"fmt"
	"io"
	"strings"
)

// passwordLength is the length of generated passwords.
const passwordLength = 20

const (
	lower    = "abcdefghijklmnopqrstuvwxyz"
	upper    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits   = "0123456789"
	alphaNum = lower + upper + digits
)

// randomString returns n characters drawn uniformly from alphabet
// (at most 256 characters) with bytes from r, by rejection sampling.
func randomString(r io.Reader, n int, alphabet string) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2+8)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("database: random source: %w", err)
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// generatePassword returns a random alphanumeric password of
// passwordLength characters holding at least one lower-case letter, one
// upper-case letter and one digit. Draws missing a class are discarded, so
// the result is uniform over the passwords that have all three.
func generatePassword(r io.Reader) (string, error) {
	for {
		p, err := randomString(r, passwordLength, alphaNum)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(p, lower) && strings.ContainsAny(p, upper) && strings.ContainsAny(p, digits) {
			return p, nil
		}
	}
}
