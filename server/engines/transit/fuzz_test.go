package transit

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// FuzzParseVersioned: parsing never panics, errors are 400s, and what
// parses formats back to the same string.
func FuzzParseVersioned(f *testing.F) {
	f.Add("vault:v1:AAAA")
	f.Add("vault:v12:aGVsbG8=")
	f.Add("vault:v:")
	f.Add("vault:v0:")
	f.Add("vault:v1")
	f.Add("vault:v99999999999:AA==")
	f.Add("vault:v1:%%%")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		n, payload, err := parseVersioned(s, base64.StdEncoding)
		if err != nil {
			if !errors.Is(err, logical.ErrInvalidRequest) || !errors.Is(err, ErrBadCiphertext) {
				t.Fatalf("error %v is not a 400 ErrBadCiphertext", err)
			}
			return
		}
		if n < 1 || n > maxVersions {
			t.Fatalf("version %d", n)
		}
		again := formatVersioned(n, payload, base64.StdEncoding)
		n2, p2, err := parseVersioned(again, base64.StdEncoding)
		if err != nil || n2 != n || !bytes.Equal(p2, payload) {
			t.Fatalf("round trip of %q: %d %x %v", s, n2, p2, err)
		}
	})
}

// FuzzDecrypt: arbitrary ciphertexts against a real key never panic and
// fail with a 400; only genuine ciphertexts decrypt, to their plaintext.
func FuzzDecrypt(f *testing.F) {
	r, err := newRing("k", keySpec{typ: typeAES256GCM96}, fixedNow)
	if err != nil {
		f.Fatal(err)
	}
	good, _, _ := r.encrypt([]byte("fuzz"), encParams{})
	f.Add(good)
	f.Add(good[:len(good)-2])
	f.Add("vault:v1:" + base64.StdEncoding.EncodeToString(make([]byte, 28)))
	f.Add("vault:v2:AAAA")
	f.Fuzz(func(t *testing.T, ct string) {
		pt, _, err := r.decrypt(ct, encParams{})
		if err != nil {
			if !errors.Is(err, logical.ErrInvalidRequest) {
				t.Fatalf("error %v is not a 400", err)
			}
			return
		}
		if ct != good || string(pt) != "fuzz" {
			t.Fatalf("%q decrypted to %q", ct, pt)
		}
	})
}

// FuzzBatchInput sends arbitrary JSON as batch_input (and as the whole
// body) to encrypt and decrypt: no panics, no 500s, and every item of an
// answered batch has a result.
func FuzzBatchInput(f *testing.F) {
	f.Add(`[{"plaintext":"aGk="}]`)
	f.Add(`[{"plaintext":"aGk=","context":"Yw==","reference":"r"},{"plaintext":5},{}]`)
	f.Add(`[{"ciphertext":"vault:v1:AAAA"},{"ciphertext":null}]`)
	f.Add(`{"plaintext":"aGk="}`)
	f.Add(`[]`)
	f.Add(`[[1]]`)
	f.Add(`"[{\"plaintext\":\"\"}]"`)
	f.Add(`[{"key_version":"1e9","plaintext":""},{"key_version":1.5}]`)
	view := storage.NewView(inmem.New(), "logical/t/")
	fx := newFixtureOn(f, view)
	fx.write("keys/k", nil)
	f.Fuzz(func(t *testing.T, in string) {
		var v any
		d := json.NewDecoder(bytes.NewReader([]byte(in)))
		d.UseNumber()
		if d.Decode(&v) != nil {
			return
		}
		for _, path := range []string{"encrypt/k", "decrypt/k", "rewrap/k", "sign/k", "hmac/k", "verify/k"} {
			for _, body := range []map[string]any{{"batch_input": v}, asObject(v)} {
				req := &logical.Request{Operation: logical.UpdateOperation, Path: path, Data: body, Storage: view}
				resp, err := fx.b.HandleRequest(t.Context(), req)
				if err != nil {
					if !errors.Is(err, logical.ErrInvalidRequest) {
						t.Fatalf("%s %s: %v", path, in, err)
					}
					continue
				}
				if resp != nil && resp.Raw != nil && resp.Raw.StatusCode >= 500 {
					t.Fatalf("%s %s: status %d", path, in, resp.Raw.StatusCode)
				}
			}
		}
	})
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// FuzzRestore: a backup is outside input. Parsing never panics, refusals
// are 400s, and what parses is a usable key.
func FuzzRestore(f *testing.F) {
	for _, typ := range []keyType{typeAES256GCM96, typeEd25519, typeHMAC} {
		r, err := newRing("k", keySpec{typ: typ, exportable: true, allowBackup: true}, fixedNow)
		if err != nil {
			f.Fatal(err)
		}
		doc, _ := json.Marshal(backupDoc{Policy: r.toStored()})
		f.Add(base64.StdEncoding.EncodeToString(doc))
	}
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"policy":{"name":"k","type":"aes256-gcm96","latest_version":1000000,"min_decryption_version":1,"exportable":true,"allow_plaintext_backup":true}}`)))
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"policy":{"name":"k","type":"hmac","latest_version":1,"min_decryption_version":1,"exportable":true,"allow_plaintext_backup":true,"versions":{"1":{"key":"AA==","hmac_key":"AA=="}}}}`)))
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := parseBackup(text, "")
		if err != nil {
			if !errors.Is(err, logical.ErrInvalidRequest) {
				t.Fatalf("error %v is not a 400", err)
			}
			return
		}
		v := r.vers[r.latest]
		if v == nil {
			t.Fatal("restored key has no latest version")
		}
		if r.typ.aead() && !r.derived {
			if _, _, err := r.encrypt([]byte("x"), encParams{}); err != nil {
				t.Fatalf("restored key cannot encrypt: %v", err)
			}
		}
	})
}
