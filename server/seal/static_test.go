package seal

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// env and files are fakes for the process environment and file system.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func files(m map[string][]byte) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		b, ok := m[p]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		}
		return bytes.Clone(b), nil
	}
}

func TestStaticKeySources(t *testing.T) {
	key := bytes.Repeat([]byte{0xa5, 0x3c}, KeySize/2)
	hexKey := hex.EncodeToString(key)
	b64 := base64.StdEncoding.EncodeToString(key)
	ctx := context.Background()

	// reference decrypts what each configured seal encrypts: every source
	// must yield the same key.
	reference, err := NewAESGCM(TypeStatic, key)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cfg   StaticConfig
		env   map[string]string
		files map[string][]byte
	}{
		{"raw file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": key}},
		{"hex file with newline", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": []byte(hexKey + "\n")}},
		{"upper-case hex file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": []byte(strings.ToUpper(hexKey))}},
		{"base64 file with spaces", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": []byte("  " + b64 + " \r\n")}},
		{"hex env", StaticConfig{KeyEnv: "K"}, map[string]string{"K": hexKey}, nil},
		{"base64 env", StaticConfig{KeyEnv: "K"}, map[string]string{"K": b64}, nil},
		{"raw base64 env", StaticConfig{KeyEnv: "K"}, map[string]string{"K": base64.RawStdEncoding.EncodeToString(key)}, nil},
		{"url base64 env", StaticConfig{KeyEnv: "K"}, map[string]string{"K": base64.URLEncoding.EncodeToString(key) + "\n"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := NewStatic(c.cfg, env(c.env), files(c.files))
			if err != nil {
				t.Fatal(err)
			}
			if w.Type() != TypeStatic {
				t.Fatalf("Type() = %q, want %q", w.Type(), TypeStatic)
			}
			blob, err := w.Encrypt(ctx, []byte("root"), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := reference.Decrypt(ctx, blob, nil)
			if err != nil || string(got) != "root" {
				t.Fatalf("the seal did not use the configured key: %v", err)
			}
		})
	}
}

func TestStaticErrors(t *testing.T) {
	key := bytes.Repeat([]byte{0x11}, KeySize)
	// secretish is a recognisable invalid key; errors must not echo it.
	const secretish = "correct-horse-battery-staple-zzz!!"
	cases := []struct {
		name  string
		cfg   StaticConfig
		env   map[string]string
		files map[string][]byte
		want  error
	}{
		{"no source", StaticConfig{}, nil, nil, ErrStaticConfig},
		{"two sources", StaticConfig{KeyFile: "/k", KeyEnv: "K"},
			map[string]string{"K": hex.EncodeToString(key)}, map[string][]byte{"/k": key}, ErrStaticConfig},
		{"env unset", StaticConfig{KeyEnv: "K"}, nil, nil, ErrStaticKey},
		{"missing file", StaticConfig{KeyFile: "/nope"}, nil, nil, fs.ErrNotExist},
		{"empty file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": []byte(" \n")}, ErrStaticKey},
		{"short raw file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": key[:31]}, ErrStaticKey},
		{"long raw file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": append(bytes.Clone(key), 0)}, ErrStaticKey},
		{"hex of 16 bytes", StaticConfig{KeyEnv: "K"}, map[string]string{"K": hex.EncodeToString(key[:16]) + "00"}, nil, ErrStaticKey},
		{"base64 of 31 bytes", StaticConfig{KeyEnv: "K"}, map[string]string{"K": base64.StdEncoding.EncodeToString(key[:31])}, nil, ErrStaticKey},
		{"raw bytes in env", StaticConfig{KeyEnv: "K"}, map[string]string{"K": string(bytes.Repeat([]byte{'a'}, 32))}, nil, ErrStaticKey},
		{"passphrase in env", StaticConfig{KeyEnv: "K"}, map[string]string{"K": secretish}, nil, ErrStaticKey},
		{"passphrase in file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": []byte(secretish)}, ErrStaticKey},
		{"bad hex in file", StaticConfig{KeyFile: "/k"}, nil, map[string][]byte{"/k": []byte(strings.Repeat("g", 64))}, ErrStaticKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := NewStatic(c.cfg, env(c.env), files(c.files))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if w != nil {
				t.Fatal("wrapper returned with an error")
			}
			msg := err.Error()
			if strings.Contains(msg, secretish) || strings.Contains(msg, "gggg") ||
				strings.Contains(msg, "aaaa") || strings.Contains(msg, hex.EncodeToString(key[:8])) {
				t.Fatalf("error echoes key material: %s", msg)
			}
		})
	}
}

// FuzzParseStaticKey: parsing an operator-supplied key never panics,
// yields exactly KeySize bytes on success, and never echoes the input.
func FuzzParseStaticKey(f *testing.F) {
	f.Add([]byte(strings.Repeat("ab", 32)), true)
	f.Add([]byte(base64.StdEncoding.EncodeToString(make([]byte, 32))), false)
	f.Add(make([]byte, 32), true)
	f.Add(make([]byte, 32), false)
	f.Add([]byte("  \n"), false)
	f.Add([]byte("not a key at all, but long enough"), true)
	f.Fuzz(func(t *testing.T, data []byte, allowRaw bool) {
		orig := bytes.Clone(data)
		key, err := parseStaticKey(data, allowRaw)
		if !bytes.Equal(orig, data) {
			t.Fatal("parseStaticKey modified its input")
		}
		if err != nil {
			if key != nil || !errors.Is(err, ErrStaticKey) {
				t.Fatalf("bad failure: %v", err)
			}
			text := bytes.TrimSpace(data)
			if len(text) >= 12 && strings.Contains(err.Error(), string(text[:12])) {
				t.Fatalf("error echoes input: %v", err)
			}
			return
		}
		if len(key) != KeySize {
			t.Fatalf("key of %d bytes", len(key))
		}
	})
}
