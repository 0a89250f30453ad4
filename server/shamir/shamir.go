package shamir

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// MaxParts is the largest number of shares Split makes: x coordinates are
// the non-zero bytes.
const MaxParts = 255

var (
	// ErrEmptySecret is returned by Split for a zero-length secret.
	ErrEmptySecret = errors.New("shamir: secret is empty")
	// ErrInvalidParts is returned by Split when parts is outside 1..255.
	ErrInvalidParts = errors.New("shamir: parts must be between 1 and 255")
	// ErrInvalidThreshold is returned by Split when threshold is not in
	// 2..parts, or is 1 while parts is not 1.
	ErrInvalidThreshold = errors.New("shamir: threshold must be between 2 and parts (or 1 when parts is 1)")
	// ErrTooFewShares is returned by Combine when given no shares.
	ErrTooFewShares = errors.New("shamir: too few shares")
	// ErrShareTooShort is returned by Combine for a share shorter than two
	// bytes (one secret byte plus the x coordinate).
	ErrShareTooShort = errors.New("shamir: share is too short")
	// ErrShareLengthMismatch is returned by Combine when shares differ in
	// length.
	ErrShareLengthMismatch = errors.New("shamir: shares have different lengths")
	// ErrDuplicateShare is returned by Combine when two shares have the
	// same x coordinate.
	ErrDuplicateShare = errors.New("shamir: duplicate share x coordinate")
	// ErrZeroCoordinate is returned by Combine for a share whose x
	// coordinate is zero; Split never makes one.
	ErrZeroCoordinate = errors.New("shamir: share has x coordinate zero")
	// ErrRandom wraps a failure to read randomness in Split.
	ErrRandom = errors.New("shamir: reading randomness")
)

// Split divides secret into parts shares, any threshold of which
// reconstruct it with Combine. Each share is len(secret)+1 bytes: the
// polynomial values followed by the share's x coordinate, a non-zero byte
// chosen at random and distinct from the other shares'.
//
// Valid parameters are 2 <= threshold <= parts <= 255, plus the degenerate
// 1-of-1 split (parts == 1, threshold == 1): its single share is the secret
// itself followed by a random x byte, and Combine of that one share returns
// the secret. A threshold of 1 with more parts is refused, because every
// share would then be the secret in the clear.
//
// Randomness comes from crypto/rand. Split does not retain secret.
func Split(secret []byte, parts, threshold int) ([][]byte, error) {
	return split(rand.Reader, secret, parts, threshold)
}

// split is Split with the randomness source injected.
func split(r io.Reader, secret []byte, parts, threshold int) ([][]byte, error) {
	if len(secret) == 0 {
		return nil, ErrEmptySecret
	}
	if parts < 1 || parts > MaxParts {
		return nil, ErrInvalidParts
	}
	if threshold < 1 || threshold > parts || (threshold == 1 && parts != 1) {
		return nil, ErrInvalidThreshold
	}

	xs, err := randomCoordinates(r, parts)
	if err != nil {
		return nil, err
	}

	// coeffs holds, for each secret byte, the threshold-1 random
	// coefficients of its polynomial (lowest degree first).
	deg := threshold - 1
	coeffs := make([]byte, len(secret)*deg)
	defer clear(coeffs)
	if _, err := io.ReadFull(r, coeffs); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}

	shares := make([][]byte, parts)
	for j, x := range xs {
		share := make([]byte, len(secret)+1)
		for i, s := range secret {
			share[i] = evaluate(s, coeffs[i*deg:(i+1)*deg], x)
		}
		share[len(secret)] = x
		shares[j] = share
	}
	return shares, nil
}

// evaluate returns c0 + c[0]*x + c[1]*x^2 + ... by Horner's rule.
func evaluate(c0 byte, c []byte, x byte) byte {
	var y byte
	for i := len(c) - 1; i >= 0; i-- {
		y = gfAdd(gfMul(y, x), c[i])
	}
	return gfAdd(gfMul(y, x), c0)
}

// randomCoordinates returns n distinct non-zero bytes in random order,
// drawing bytes from r and discarding zeros and repeats.
func randomCoordinates(r io.Reader, n int) ([]byte, error) {
	var seen [256]bool
	seen[0] = true
	xs := make([]byte, 0, n)
	buf := make([]byte, 64)
	for len(xs) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrRandom, err)
		}
		for _, b := range buf {
			if seen[b] {
				continue
			}
			seen[b] = true
			xs = append(xs, b)
			if len(xs) == n {
				break
			}
		}
	}
	return xs, nil
}

// Combine reconstructs a secret from shares made by Split, by Lagrange
// interpolation at x = 0. It needs at least the threshold number of shares
// of one split; extra shares are harmless. It does not modify the shares.
//
// A single share is accepted and its value bytes returned: that is the
// correct answer for the share of a 1-of-1 split. Shares carry no
// threshold, so Combine cannot tell such a share from one share of a larger
// split (for which the answer is not the secret); the caller must enforce
// the threshold it configured.
//
// Combine returns ErrTooFewShares for no shares, ErrShareTooShort,
// ErrShareLengthMismatch, ErrZeroCoordinate or ErrDuplicateShare for
// malformed input. Shares from different splits, or corrupted shares,
// produce a wrong secret without an error: detecting that is the job of
// whatever the secret unlocks.
func Combine(shares [][]byte) ([]byte, error) {
	if len(shares) == 0 {
		return nil, ErrTooFewShares
	}
	n := len(shares[0])
	var seen [256]bool
	xs := make([]byte, len(shares))
	for j, share := range shares {
		if len(share) < 2 {
			return nil, ErrShareTooShort
		}
		if len(share) != n {
			return nil, ErrShareLengthMismatch
		}
		x := share[n-1]
		if x == 0 {
			return nil, ErrZeroCoordinate
		}
		if seen[x] {
			return nil, ErrDuplicateShare
		}
		seen[x] = true
		xs[j] = x
	}

	// weights[j] is the Lagrange basis polynomial of share j evaluated at
	// zero: the product over m != j of x_m / (x_m - x_j).
	weights := make([]byte, len(xs))
	for j, xj := range xs {
		num, den := byte(1), byte(1)
		for m, xm := range xs {
			if m != j {
				num = gfMul(num, xm)
				den = gfMul(den, gfAdd(xm, xj))
			}
		}
		weights[j] = gfDiv(num, den)
	}

	secret := make([]byte, n-1)
	for j, share := range shares {
		w := weights[j]
		for i := range secret {
			secret[i] = gfAdd(secret[i], gfMul(w, share[i]))
		}
	}
	return secret, nil
}
