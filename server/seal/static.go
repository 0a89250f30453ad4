package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
)

var (
	// ErrStaticConfig is returned by NewStatic unless exactly one of
	// KeyFile and KeyEnv is set.
	ErrStaticConfig = errors.New("seal: static seal needs exactly one of a key file or a key environment variable")
	// ErrStaticKey is wrapped by NewStatic errors about the key itself:
	// missing, empty, or not an encoding of 32 bytes. The errors say what
	// is wrong (lengths, the source's name) and never contain key bytes.
	ErrStaticKey = errors.New("seal: static seal key is invalid")
)

// StaticConfig says where the static seal's key comes from. Exactly one
// field must be set.
type StaticConfig struct {
	// KeyFile is the path of a file holding the key: either exactly 32 raw
	// bytes, or 64 hex digits or the base64 (standard or URL alphabet,
	// padded or not) of 32 bytes, surrounding whitespace ignored.
	KeyFile string
	// KeyEnv is the name of an environment variable holding the key as hex
	// or base64 text, as for KeyFile. Raw bytes are not accepted here:
	// environment values are text, and 32 printable characters are far
	// more likely a mistaken passphrase than a key.
	KeyEnv string
}

// NewStatic returns the static seal: an AES-256-GCM Wrapper (see NewAESGCM
// for the blob format) whose Type is TypeStatic, keyed by the 32-byte key
// that cfg points at. getenv and readFile are how the key is read (nil
// means os.Getenv and os.ReadFile); they let tests run without touching
// the process environment or the file system.
//
// Errors wrap ErrStaticConfig for a bad cfg, ErrStaticKey for a missing or
// malformed key, or the readFile error for an unreadable file.
func NewStatic(cfg StaticConfig, getenv func(string) string, readFile func(string) ([]byte, error)) (Wrapper, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if readFile == nil {
		readFile = os.ReadFile
	}
	if (cfg.KeyFile == "") == (cfg.KeyEnv == "") {
		return nil, ErrStaticConfig
	}

	var key []byte
	var err error
	if cfg.KeyFile != "" {
		data, rerr := readFile(cfg.KeyFile)
		if rerr != nil {
			return nil, fmt.Errorf("seal: reading static key file %q: %w", cfg.KeyFile, rerr)
		}
		key, err = parseStaticKey(data, true)
		clear(data)
		if err != nil {
			return nil, fmt.Errorf("static key file %q: %w", cfg.KeyFile, err)
		}
	} else {
		value := getenv(cfg.KeyEnv)
		if value == "" {
			return nil, fmt.Errorf("%w: environment variable %q is unset or empty", ErrStaticKey, cfg.KeyEnv)
		}
		key, err = parseStaticKey([]byte(value), false)
		if err != nil {
			return nil, fmt.Errorf("static key environment variable %q: %w", cfg.KeyEnv, err)
		}
	}
	defer clear(key)
	return NewAESGCM(TypeStatic, key)
}

// base64Encodings are tried in order when the key text is not hex.
var base64Encodings = []*base64.Encoding{
	base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
}

// parseStaticKey decodes a static seal key. With allowRaw, exactly KeySize
// bytes are taken as the key as they are. Otherwise the text, trimmed of
// whitespace, must be 64 hex digits or base64 of KeySize bytes. Decoder
// errors are not wrapped because some quote the offending input byte.
func parseStaticKey(data []byte, allowRaw bool) ([]byte, error) {
	if allowRaw && len(data) == KeySize {
		return bytes.Clone(data), nil
	}
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return nil, fmt.Errorf("%w: key is empty", ErrStaticKey)
	}
	if len(text) == hex.EncodedLen(KeySize) {
		key := make([]byte, KeySize)
		if _, err := hex.Decode(key, text); err == nil {
			return key, nil
		}
		clear(key)
	}
	for _, enc := range base64Encodings {
		key := make([]byte, enc.DecodedLen(len(text)))
		n, err := enc.Decode(key, text)
		if err == nil && n == KeySize {
			return key[:KeySize], nil
		}
		clear(key)
	}
	want := "64 hex digits or base64 of 32 bytes"
	if allowRaw {
		want = "32 raw bytes, " + want
	}
	return nil, fmt.Errorf("%w: got %d bytes that are not %s", ErrStaticKey, len(data), want)
}
