package transit

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// storedVersion is one version as stored (and as held in a backup).
type storedVersion struct {
	Key     []byte    `json:"key,omitempty"`
	Private []byte    `json:"private_pkcs8,omitempty"`
	HMACKey []byte    `json:"hmac_key"`
	Created time.Time `json:"creation_time"`
}

// storedRing is a named key as stored at policy/<name> in the mount's view
// (so only through the barrier), and inside a backup.
type storedRing struct {
	Name                 string                    `json:"name"`
	Type                 string                    `json:"type"`
	Derived              bool                      `json:"derived"`
	KDF                  string                    `json:"kdf,omitempty"`
	Convergent           bool                      `json:"convergent_encryption"`
	Exportable           bool                      `json:"exportable"`
	AllowPlaintextBackup bool                      `json:"allow_plaintext_backup"`
	DeletionAllowed      bool                      `json:"deletion_allowed"`
	MinDecryptionVersion int                       `json:"min_decryption_version"`
	MinEncryptionVersion int                       `json:"min_encryption_version"`
	MinAvailableVersion  int                       `json:"min_available_version"`
	LatestVersion        int                       `json:"latest_version"`
	AutoRotateSeconds    int64                     `json:"auto_rotate_period"`
	KeySize              int                       `json:"key_size,omitempty"`
	Versions             map[string]*storedVersion `json:"versions"`
}

// kdfHKDFSHA256 is the only key derivation function, as Vault names it.
const kdfHKDFSHA256 = "hkdf_sha256"

func (r *keyRing) toStored() *storedRing {
	s := &storedRing{
		Name:                 r.name,
		Type:                 r.typ.String(),
		Derived:              r.derived,
		Convergent:           r.convergent,
		Exportable:           r.exportable,
		AllowPlaintextBackup: r.backupOK,
		DeletionAllowed:      r.deletable,
		MinDecryptionVersion: r.minDecrypt,
		MinEncryptionVersion: r.minEncrypt,
		MinAvailableVersion:  r.minAvailable,
		LatestVersion:        r.latest,
		AutoRotateSeconds:    int64(r.autoRotate / time.Second),
		KeySize:              r.keySize,
		Versions:             make(map[string]*storedVersion, len(r.vers)),
	}
	if r.derived {
		s.KDF = kdfHKDFSHA256
	}
	for _, v := range r.vers {
		if v != nil {
			s.Versions[strconv.Itoa(v.n)] = &storedVersion{Key: v.key, Private: v.private, HMACKey: v.hmacKey, Created: v.created}
		}
	}
	return s
}

func encodeRing(r *keyRing) ([]byte, error) { return json.Marshal(r.toStored()) }

func decodeRing(b []byte) (*keyRing, error) {
	var s storedRing
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return s.toRing()
}

// maxVersions bounds the versions a ring may hold, so a crafted backup
// cannot make the server allocate without limit.
const maxVersions = 1 << 20

// toRing checks a stored (or restored) ring and parses its material.
func (s *storedRing) toRing() (*keyRing, error) {
	t, ok := parseKeyType(s.Type)
	if !ok {
		return nil, fmt.Errorf("%w: unknown key type %q", ErrCorrupt, s.Type)
	}
	r := &keyRing{
		name: s.Name, typ: t, derived: s.Derived, convergent: s.Convergent,
		exportable: s.Exportable, backupOK: s.AllowPlaintextBackup, deletable: s.DeletionAllowed,
		minDecrypt: s.MinDecryptionVersion, minEncrypt: s.MinEncryptionVersion,
		minAvailable: s.MinAvailableVersion, latest: s.LatestVersion,
		autoRotate: time.Duration(s.AutoRotateSeconds) * time.Second, keySize: s.KeySize,
	}
	switch {
	case r.latest < 1 || r.latest > maxVersions:
		return nil, fmt.Errorf("%w: latest version %d", ErrCorrupt, r.latest)
	case r.minAvailable < 0 || r.minAvailable > r.latest:
		return nil, fmt.Errorf("%w: min_available_version %d", ErrCorrupt, r.minAvailable)
	case r.minDecrypt < r.lowest() || r.minDecrypt > r.latest:
		return nil, fmt.Errorf("%w: min_decryption_version %d", ErrCorrupt, r.minDecrypt)
	case r.minEncrypt < 0 || r.minEncrypt > r.latest:
		return nil, fmt.Errorf("%w: min_encryption_version %d", ErrCorrupt, r.minEncrypt)
	case s.AutoRotateSeconds < 0:
		return nil, fmt.Errorf("%w: negative auto_rotate_period", ErrCorrupt)
	case r.derived && !t.canDerive(), r.convergent && !(r.derived && t.aead()):
		return nil, fmt.Errorf("%w: derivation settings do not fit a %s key", ErrCorrupt, t)
	case r.derived && s.KDF != "" && s.KDF != kdfHKDFSHA256:
		return nil, fmt.Errorf("%w: unknown key derivation function %q", ErrCorrupt, s.KDF)
	case len(s.Versions) != r.latest-r.lowest()+1:
		return nil, fmt.Errorf("%w: %d versions stored for versions %d to %d", ErrCorrupt, len(s.Versions), r.lowest(), r.latest)
	}
	r.vers = make([]*version, r.latest+1)
	for n := r.lowest(); n <= r.latest; n++ {
		sv := s.Versions[strconv.Itoa(n)]
		if sv == nil {
			return nil, fmt.Errorf("%w: version %d is missing", ErrCorrupt, n)
		}
		v := &version{n: n, key: sv.Key, private: sv.Private, hmacKey: sv.HMACKey, created: sv.Created}
		if err := v.prepare(t, r.derived); err != nil {
			return nil, err
		}
		r.vers[n] = v
	}
	return r, nil
}
