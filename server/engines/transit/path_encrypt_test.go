package transit

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

var encTypes = []string{"aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "xchacha20-poly1305", "rsa-2048"}

func TestEncryptDecryptEveryType(t *testing.T) {
	f := newFixture(t)
	for _, typ := range encTypes {
		f.write("keys/"+typ, map[string]any{"type": typ})
		for _, pt := range [][]byte{{}, []byte("the quick brown fox"), bytes.Repeat([]byte{0xa5}, 190)} {
			ct := f.encrypt(typ, pt, nil)
			if !strings.HasPrefix(ct, "vault:v1:") {
				t.Fatalf("%s: ciphertext %q", typ, ct)
			}
			if got := f.decrypt(typ, ct, nil); !bytes.Equal(got, pt) {
				t.Fatalf("%s: round trip %q -> %q", typ, pt, got)
			}
			if ct2 := f.encrypt(typ, pt, nil); ct2 == ct {
				t.Fatalf("%s: two encryptions are equal", typ)
			}
		}
	}
}

// TestCiphertextLayout checks Vault's layout: base64 of a 12-byte nonce,
// the ciphertext and the 16-byte GCM tag, decryptable with the raw key.
func TestCiphertextLayout(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", map[string]any{"exportable": true})
	pt := []byte("layout")
	ct := f.encrypt("k", pt, nil)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(ct, "vault:v1:"))
	if err != nil || len(raw) != 12+len(pt)+16 {
		t.Fatalf("payload of %d bytes (%v)", len(raw), err)
	}
	keyB64 := f.read("export/encryption-key/k/1")["keys"].(map[string]any)["1"].(string)
	key, _ := base64.StdEncoding.DecodeString(keyB64)
	a, err := newAEAD(typeAES256GCM96, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Open(nil, raw[:12], raw[12:], nil)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("independent decryption: %q %v", got, err)
	}
}

func TestAssociatedData(t *testing.T) {
	f := newFixture(t)
	for _, typ := range []string{"aes256-gcm96", "chacha20-poly1305"} {
		f.write("keys/"+typ, map[string]any{"type": typ})
		ad := map[string]any{"associated_data": b64([]byte("row 7"))}
		ct := f.encrypt(typ, []byte("secret"), ad)
		if got := f.decrypt(typ, ct, ad); string(got) != "secret" {
			t.Fatalf("%s: %q", typ, got)
		}
		f.fail("decrypt/"+typ, map[string]any{"ciphertext": ct}, msgAuthFailed)
		f.fail("decrypt/"+typ, map[string]any{"ciphertext": ct, "associated_data": b64([]byte("row 8"))}, msgAuthFailed)
	}
}

func TestDerivedKeys(t *testing.T) {
	f := newFixture(t)
	f.write("keys/d", map[string]any{"derived": true})
	c1 := map[string]any{"context": b64([]byte("user-1"))}
	c2 := map[string]any{"context": b64([]byte("user-2"))}
	ct := f.encrypt("d", []byte("per user"), c1)
	if got := f.decrypt("d", ct, c1); string(got) != "per user" {
		t.Fatalf("%q", got)
	}
	f.fail("decrypt/d", map[string]any{"ciphertext": ct, "context": c2["context"]}, msgAuthFailed)
	f.fail("decrypt/d", map[string]any{"ciphertext": ct}, "missing 'context'")
	f.fail("encrypt/d", map[string]any{"plaintext": b64([]byte("x"))}, "missing 'context'")
	f.fail("encrypt/d", map[string]any{"plaintext": b64([]byte("x")), "context": "%%%"}, msgContextB64)
	// Derived keys are still random per encryption unless convergent.
	if f.encrypt("d", []byte("a"), c1) == f.encrypt("d", []byte("a"), c1) {
		t.Fatal("derived, non-convergent encryptions are equal")
	}
}

func TestConvergentEncryption(t *testing.T) {
	f := newFixture(t)
	f.write("keys/c", map[string]any{"derived": true, "convergent_encryption": true})
	c1 := map[string]any{"context": b64([]byte("ctx"))}
	a := f.encrypt("c", []byte("same"), c1)
	if b := f.encrypt("c", []byte("same"), c1); a != b {
		t.Fatalf("convergent encryptions differ: %s %s", a, b)
	}
	if b := f.encrypt("c", []byte("other"), c1); a == b {
		t.Fatal("different plaintexts gave equal ciphertexts")
	}
	if b := f.encrypt("c", []byte("same"), map[string]any{"context": b64([]byte("ctx2"))}); a == b {
		t.Fatal("different contexts gave equal ciphertexts")
	}
	ad := map[string]any{"context": c1["context"], "associated_data": b64([]byte("ad"))}
	if b := f.encrypt("c", []byte("same"), ad); a == b {
		t.Fatal("different associated data gave the same nonce")
	}
	if got := f.decrypt("c", a, c1); string(got) != "same" {
		t.Fatalf("%q", got)
	}
	// Legacy mode: a caller's 12-byte nonce is used as given.
	nonce := b64(bytes.Repeat([]byte{1}, 12))
	withNonce := map[string]any{"context": c1["context"], "nonce": nonce}
	ct := f.encrypt("c", []byte("legacy"), withNonce)
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(ct, "vault:v1:"))
	if !bytes.Equal(raw[:12], bytes.Repeat([]byte{1}, 12)) {
		t.Fatal("caller nonce not used")
	}
	if got := f.decrypt("c", ct, withNonce); string(got) != "legacy" {
		t.Fatalf("%q", got)
	}
	f.fail("encrypt/c", map[string]any{"plaintext": "", "context": c1["context"], "nonce": b64([]byte("short"))}, "12 bytes")
	f.write("keys/plain", nil)
	f.fail("encrypt/plain", map[string]any{"plaintext": "", "nonce": nonce}, "convergent")
}

// TestDecryptBadInput: every malformed or unauthorised ciphertext is a 400
// with a reason.
func TestDecryptBadInput(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	f.write("keys/other", nil)
	f.write("keys/sig", map[string]any{"type": "ed25519"})
	ct := f.encrypt("k", []byte("payload"), nil)
	body := strings.TrimPrefix(ct, "vault:v1:")
	raw, _ := base64.StdEncoding.DecodeString(body)
	flip := bytes.Clone(raw)
	flip[len(flip)-1] ^= 1
	for _, c := range []struct{ ct, want string }{
		{"", "missing ciphertext"},
		{"nonsense", "no prefix"},
		{"vault:v1", "wrong number of fields"},
		{"vault:vx:" + body, "bad version"},
		{"vault:v0:" + body, "bad version"},
		{"vault:v-1:" + body, "bad version"},
		{"vault:v99999999999:" + body, "bad version"},
		{"vault:v1:!!!", "could not decode base64"},
		{"vault:v2:" + body, "does not exist"},
		{"vault:v1:" + b64(raw[:20]), "too short"},
		{"vault:v1:" + b64(raw[:len(raw)-1]), msgAuthFailed},
		{"vault:v1:" + b64(flip), msgAuthFailed},
	} {
		f.fail("decrypt/k", map[string]any{"ciphertext": c.ct}, c.want)
	}
	f.fail("decrypt/other", map[string]any{"ciphertext": ct}, msgAuthFailed)
	f.fail("decrypt/missing", map[string]any{"ciphertext": ct}, msgKeyNotFound)
	f.fail("decrypt/sig", map[string]any{"ciphertext": ct}, "does not support decryption")
	f.fail("encrypt/sig", map[string]any{"plaintext": ""}, "does not support encryption")
	f.fail("encrypt/k", map[string]any{"plaintext": "not base64!"}, msgPlaintextB64)
	f.fail("encrypt/k", map[string]any{}, "missing plaintext")
	f.fail("encrypt/k", map[string]any{"plaintext": "", "associated_data": "@@"}, msgAssocB64)
	f.fail("encrypt/k", map[string]any{"plaintext": "", "key_version": 2}, "invalid key version")
	f.write("keys/r", map[string]any{"type": "rsa-2048"})
	f.fail("encrypt/r", map[string]any{"plaintext": b64(make([]byte, 300))}, "too long")
	f.fail("encrypt/r", map[string]any{"plaintext": "", "associated_data": b64([]byte("a"))}, "not supported")
}

// TestEncryptUpsert: a create (token with the create capability) makes a
// missing key; an update does not; disable_upsert stops creation.
func TestEncryptUpsert(t *testing.T) {
	f := newFixture(t)
	ct := f.encrypt("new", []byte("x"), nil)
	if d := f.read("keys/new"); d["type"] != "aes256-gcm96" || d["derived"] != false {
		t.Fatalf("upserted key %v", d)
	}
	f.encrypt("newd", []byte("x"), map[string]any{"context": b64([]byte("c")), "type": "chacha20-poly1305"})
	if d := f.read("keys/newd"); d["type"] != "chacha20-poly1305" || d["derived"] != true {
		t.Fatalf("upserted derived key %v", d)
	}
	// An update-only request (what a token without "create" does) fails.
	req := &logical.Request{Operation: logical.UpdateOperation, Path: "encrypt/absent", Data: map[string]any{"plaintext": ""}, Storage: f.view}
	if _, err := f.b.HandleRequest(t.Context(), req); err == nil || !strings.Contains(err.Error(), msgKeyNotFound) {
		t.Fatalf("update of a missing key: %v", err)
	}
	f.write("config/keys", map[string]any{"disable_upsert": true})
	if f.read("config/keys")["disable_upsert"] != true {
		t.Fatal("config/keys not kept")
	}
	f.fail("encrypt/absent", map[string]any{"plaintext": ""}, msgKeyNotFound)
	if got := f.decrypt("new", ct, nil); string(got) != "x" {
		t.Fatalf("%q", got)
	}
}

func TestRewrapAndKeyVersion(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	v1 := f.encrypt("k", []byte("old"), nil)
	f.write("keys/k/rotate", nil)
	f.write("keys/k/rotate", nil)
	if ct := f.encrypt("k", []byte("x"), nil); !strings.HasPrefix(ct, "vault:v3:") {
		t.Fatalf("after rotations: %s", ct)
	}
	if ct := f.encrypt("k", []byte("x"), map[string]any{"key_version": 2}); !strings.HasPrefix(ct, "vault:v2:") {
		t.Fatalf("key_version 2: %s", ct)
	}
	out := f.write("rewrap/k", map[string]any{"ciphertext": v1})
	re := out["ciphertext"].(string)
	if !strings.HasPrefix(re, "vault:v3:") || out["key_version"] != 3 || out["plaintext"] != nil {
		t.Fatalf("rewrap: %v", out)
	}
	if got := f.decrypt("k", re, nil); string(got) != "old" {
		t.Fatalf("%q", got)
	}
	// Old versions stop decrypting once min_decryption_version passes them.
	f.write("keys/k/config", map[string]any{"min_decryption_version": 2})
	f.fail("decrypt/k", map[string]any{"ciphertext": v1}, msgTooOld)
	f.fail("rewrap/k", map[string]any{"ciphertext": v1}, msgTooOld)
	if got := f.decrypt("k", re, nil); string(got) != "old" {
		t.Fatalf("%q", got)
	}
	f.write("keys/k/config", map[string]any{"min_encryption_version": 3})
	f.fail("encrypt/k", map[string]any{"plaintext": "", "key_version": 2}, "below min_encryption_version")
}

func TestDatakey(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	for _, bits := range []int{128, 256, 512} {
		out := f.write("datakey/plaintext/k", map[string]any{"bits": bits})
		pt, _ := base64.StdEncoding.DecodeString(out["plaintext"].(string))
		if len(pt) != bits/8 {
			t.Fatalf("bits %d: %d bytes", bits, len(pt))
		}
		if got := f.decrypt("k", out["ciphertext"].(string), nil); !bytes.Equal(got, pt) {
			t.Fatal("data key does not decrypt to its plaintext")
		}
	}
	out := f.write("datakey/wrapped/k", nil)
	if _, ok := out["plaintext"]; ok || out["ciphertext"] == "" {
		t.Fatalf("wrapped: %v", out)
	}
	if got := f.decrypt("k", out["ciphertext"].(string), nil); len(got) != 32 {
		t.Fatalf("default data key of %d bytes", len(got))
	}
	f.fail("datakey/plaintext/k", map[string]any{"bits": 100}, "invalid bits")
	f.fail("datakey/other/k", nil, "invalid path")
	f.fail("datakey/wrapped/missing", nil, msgKeyNotFound)
}
