package transit

import (
	"crypto"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"
)

// hmacKeyLen is the length of every version's HMAC key (for hmac/ on keys
// of any type) and the default size of an hmac-type key.
const hmacKeyLen = 32

// keyRing is a named key: its settings and its versions. A published
// keyRing is immutable; a change builds a new one with clone. Readers
// therefore use it without locks.
type keyRing struct {
	name       string
	typ        keyType
	derived    bool
	convergent bool
	exportable bool
	// backupOK is allow_plaintext_backup.
	backupOK     bool
	deletable    bool
	minDecrypt   int
	minEncrypt   int
	minAvailable int
	latest       int
	autoRotate   time.Duration
	keySize      int // hmac keys only: bytes
	// vers is indexed by version number; index 0 and trimmed versions are
	// nil.
	vers []*version
}

// version is one version's key material, parsed once.
type version struct {
	n       int
	key     []byte // AEAD key, hmac-type key, or Ed25519 seed
	private []byte // PKCS#8 DER (ECDSA and RSA)
	hmacKey []byte
	created time.Time
	aead    cipher.AEAD   // AEAD types without derivation
	signer  crypto.Signer // asymmetric types
}

// clone returns a copy that may be changed before it is published; the
// versions themselves are shared, as they never change.
func (r *keyRing) clone() *keyRing {
	c := *r
	c.vers = append([]*version(nil), r.vers...)
	return &c
}

// lowest is the lowest version still held.
func (r *keyRing) lowest() int { return max(1, r.minAvailable) }

// version returns version n, or nil when it does not exist or was trimmed.
func (r *keyRing) version(n int) *version {
	if n < 1 || n >= len(r.vers) {
		return nil
	}
	return r.vers[n]
}

// rotate appends a new latest version made at now.
func (r *keyRing) rotate(now time.Time) error {
	v, err := newVersion(r.typ, r.keySize, r.derived, r.latest+1, now)
	if err != nil {
		return err
	}
	r.vers = append(r.vers, v)
	r.latest = v.n
	return nil
}

// newVersion generates key material for version n of a key of type t.
func newVersion(t keyType, keySize int, derived bool, n int, now time.Time) (*version, error) {
	v := &version{n: n, created: now.UTC(), hmacKey: randomBytes(hmacKeyLen)}
	switch {
	case t.aead():
		v.key = randomBytes(t.aeadKeyLen())
	case t == typeHMAC:
		v.key = randomBytes(keySize)
	case t == typeEd25519:
		v.key = randomBytes(ed25519.SeedSize)
	case t.ecdsa():
		k, err := ecdsa.GenerateKey(curveOf(t), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("transit: generate %s key: %w", t, err)
		}
		if v.private, err = x509.MarshalPKCS8PrivateKey(k); err != nil {
			return nil, fmt.Errorf("transit: encode %s key: %w", t, err)
		}
	case t.rsa():
		k, err := rsa.GenerateKey(rand.Reader, t.rsaBits())
		if err != nil {
			return nil, fmt.Errorf("transit: generate %s key: %w", t, err)
		}
		if v.private, err = x509.MarshalPKCS8PrivateKey(k); err != nil {
			return nil, fmt.Errorf("transit: encode %s key: %w", t, err)
		}
	default:
		return nil, fmt.Errorf("%w: %d", ErrCorrupt, t)
	}
	if err := v.prepare(t, derived); err != nil {
		return nil, err
	}
	return v, nil
}

// prepare checks the material of a version of a key of type t and builds
// its cipher or signer. derived keys get no cipher: each request derives
// its own.
func (v *version) prepare(t keyType, derived bool) error {
	if len(v.hmacKey) != hmacKeyLen {
		return fmt.Errorf("%w: version %d: HMAC key of %d bytes", ErrCorrupt, v.n, len(v.hmacKey))
	}
	switch {
	case t.aead():
		if len(v.key) != t.aeadKeyLen() {
			return fmt.Errorf("%w: version %d: %s key of %d bytes", ErrCorrupt, v.n, t, len(v.key))
		}
		if !derived {
			a, err := newAEAD(t, v.key)
			if err != nil {
				return err
			}
			v.aead = a
		}
	case t == typeHMAC:
		if len(v.key) < minHMACKeySize || len(v.key) > maxHMACKeySize {
			return fmt.Errorf("%w: version %d: HMAC key of %d bytes", ErrCorrupt, v.n, len(v.key))
		}
	case t == typeEd25519:
		if len(v.key) != ed25519.SeedSize {
			return fmt.Errorf("%w: version %d: Ed25519 seed of %d bytes", ErrCorrupt, v.n, len(v.key))
		}
		v.signer = ed25519.NewKeyFromSeed(v.key)
	case t.ecdsa(), t.rsa():
		k, err := x509.ParsePKCS8PrivateKey(v.private)
		if err != nil {
			return fmt.Errorf("%w: version %d: private key does not parse", ErrCorrupt, v.n)
		}
		switch pk := k.(type) {
		case *ecdsa.PrivateKey:
			if !t.ecdsa() || pk.Curve != curveOf(t) {
				return fmt.Errorf("%w: version %d: not a %s key", ErrCorrupt, v.n, t)
			}
			v.signer = pk
		case *rsa.PrivateKey:
			if !t.rsa() || pk.N.BitLen() != t.rsaBits() {
				return fmt.Errorf("%w: version %d: not a %s key", ErrCorrupt, v.n, t)
			}
			v.signer = pk
		default:
			return fmt.Errorf("%w: version %d: not a %s key", ErrCorrupt, v.n, t)
		}
	default:
		return fmt.Errorf("%w: unknown key type %d", ErrCorrupt, t)
	}
	return nil
}

func curveOf(t keyType) elliptic.Curve {
	switch t {
	case typeECDSAP384:
		return elliptic.P384()
	case typeECDSAP521:
		return elliptic.P521()
	}
	return elliptic.P256()
}

// randomBytes returns n bytes from the system's secure source, which does
// not fail.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
