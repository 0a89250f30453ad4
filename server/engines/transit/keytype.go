package transit

// keyType is the algorithm a named key uses. It is fixed at creation.
type keyType int

// Key types, named as Vault names them on the wire.
const (
	typeAES128GCM96 keyType = iota + 1
	typeAES256GCM96
	typeChaCha20Poly1305
	typeXChaCha20Poly1305
	typeEd25519
	typeECDSAP256
	typeECDSAP384
	typeECDSAP521
	typeRSA2048
	typeRSA3072
	typeRSA4096
	typeHMAC
)

var keyTypeNames = map[keyType]string{
	typeAES128GCM96:       "aes128-gcm96",
	typeAES256GCM96:       "aes256-gcm96",
	typeChaCha20Poly1305:  "chacha20-poly1305",
	typeXChaCha20Poly1305: "xchacha20-poly1305",
	typeEd25519:           "ed25519",
	typeECDSAP256:         "ecdsa-p256",
	typeECDSAP384:         "ecdsa-p384",
	typeECDSAP521:         "ecdsa-p521",
	typeRSA2048:           "rsa-2048",
	typeRSA3072:           "rsa-3072",
	typeRSA4096:           "rsa-4096",
	typeHMAC:              "hmac",
}

// parseKeyType reads a type name; ok is false for an unknown name.
func parseKeyType(s string) (keyType, bool) {
	for t, n := range keyTypeNames {
		if n == s {
			return t, true
		}
	}
	return 0, false
}

func (t keyType) String() string { return keyTypeNames[t] }

// aead reports a symmetric authenticated-encryption type.
func (t keyType) aead() bool {
	switch t {
	case typeAES128GCM96, typeAES256GCM96, typeChaCha20Poly1305, typeXChaCha20Poly1305:
		return true
	}
	return false
}

func (t keyType) ecdsa() bool { return t == typeECDSAP256 || t == typeECDSAP384 || t == typeECDSAP521 }

func (t keyType) rsa() bool { return t == typeRSA2048 || t == typeRSA3072 || t == typeRSA4096 }

// asymmetric types have a public key shown by a read.
func (t keyType) asymmetric() bool { return t == typeEd25519 || t.ecdsa() || t.rsa() }

// canEncrypt: encrypt, decrypt, rewrap and datakey work with the key.
func (t keyType) canEncrypt() bool { return t.aead() || t.rsa() }

// canSign: sign and verify (signature) work with the key.
func (t keyType) canSign() bool { return t.asymmetric() }

// canDerive: the key may be created with derived=true.
func (t keyType) canDerive() bool { return t.aead() || t == typeEd25519 }

// aeadKeyLen is the key length of an AEAD type.
func (t keyType) aeadKeyLen() int {
	if t == typeAES128GCM96 {
		return 16
	}
	return 32
}

// rsaBits is the modulus size of an RSA type.
func (t keyType) rsaBits() int {
	switch t {
	case typeRSA2048:
		return 2048
	case typeRSA3072:
		return 3072
	case typeRSA4096:
		return 4096
	}
	return 0
}
