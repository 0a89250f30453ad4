package transit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// TestKeyCreateReadEveryType creates a key of every type and checks what a
// read shows: the settings, per-version creation times or public keys, and
// never private material.
func TestKeyCreateReadEveryType(t *testing.T) {
	f := newFixture(t)
	for _, typ := range allTypes {
		name := "k-" + typ
		f.write("keys/"+name, map[string]any{"type": typ})
		d := f.read("keys/" + name)
		if d["type"] != typ || d["name"] != name || d["latest_version"] != 1 || d["min_decryption_version"] != 1 || d["min_encryption_version"] != 0 {
			t.Fatalf("%s: read %v", typ, d)
		}
		kt, _ := parseKeyType(typ)
		if d["supports_encryption"] != kt.canEncrypt() || d["supports_signing"] != kt.canSign() || d["supports_derivation"] != kt.canDerive() {
			t.Fatalf("%s: supports_* %v", typ, d)
		}
		keys := d["keys"].(map[string]any)
		switch v := keys["1"].(type) {
		case int64:
			if kt.asymmetric() || v != f.clock.Now().Unix() {
				t.Fatalf("%s: keys %v", typ, keys)
			}
		case map[string]any:
			if !kt.asymmetric() || v["public_key"] == "" || v["name"] == "" || v["creation_time"] == "" {
				t.Fatalf("%s: keys %v", typ, keys)
			}
		default:
			t.Fatalf("%s: keys %v", typ, keys)
		}
		// No private material in the read.
		r, _ := f.b.keys.get(context.Background(), name)
		body, _ := json.Marshal(d)
		v := r.version(1)
		for _, secret := range [][]byte{v.key, v.hmacKey, v.private} {
			if len(secret) > 0 && (strings.Contains(string(body), base64.StdEncoding.EncodeToString(secret)) || strings.Contains(string(body), string(secret))) {
				t.Fatalf("%s: read shows private material", typ)
			}
		}
	}
	resp, err := f.do(logical.ListOperation, "keys/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Data["keys"].([]string); len(got) != len(allTypes) {
		t.Fatalf("list: %v", got)
	}
}

func TestKeyCreateOptions(t *testing.T) {
	f := newFixture(t)
	f.write("keys/d", map[string]any{"derived": true, "convergent_encryption": true, "exportable": true, "allow_plaintext_backup": true, "auto_rotate_period": "24h"})
	d := f.read("keys/d")
	if d["derived"] != true || d["kdf"] != "hkdf_sha256" || d["convergent_encryption"] != true || d["exportable"] != true ||
		d["allow_plaintext_backup"] != true || d["auto_rotate_period"] != int64(86400) || d["type"] != "aes256-gcm96" {
		t.Fatalf("read %v", d)
	}
	f.write("keys/h", map[string]any{"type": "hmac", "key_size": 64})
	if d := f.read("keys/h"); d["key_size"] != 64 {
		t.Fatalf("hmac key_size: %v", d)
	}
	// Creating again keeps the key and warns.
	resp, err := f.do(logical.UpdateOperation, "keys/d", map[string]any{"type": "ed25519"})
	if err != nil || len(resp.Warnings) == 0 || f.read("keys/d")["type"] != "aes256-gcm96" {
		t.Fatalf("re-create: %+v %v", resp, err)
	}

	for _, c := range []struct {
		data map[string]any
		want string
	}{
		{map[string]any{"type": "aes512"}, "unknown key type"},
		{map[string]any{"convergent_encryption": true}, "requires derivation"},
		{map[string]any{"type": "ecdsa-p256", "derived": true}, "not supported"},
		{map[string]any{"type": "ed25519", "derived": true, "convergent_encryption": true}, "convergent encryption is not supported"},
		{map[string]any{"auto_rotate_period": "30m"}, "at least an hour"},
		{map[string]any{"key_size": 64}, "only valid for hmac"},
		{map[string]any{"type": "hmac", "key_size": 16}, "between 32 and 512"},
		{map[string]any{"type": "hmac", "key_size": 1024}, "between 32 and 512"},
	} {
		f.fail("keys/bad", c.data, c.want)
	}
	if resp, err := f.do(logical.ReadOperation, "keys/bad", nil); err != nil || resp != nil {
		t.Fatalf("a refused key exists: %v %v", resp, err)
	}
}

func TestKeyDelete(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	ct := f.encrypt("k", []byte("x"), nil)
	if _, err := f.do(logical.DeleteOperation, "keys/k", nil); err == nil || !strings.Contains(err.Error(), msgNoDelete) {
		t.Fatalf("delete without deletion_allowed: %v", err)
	}
	f.write("keys/k/config", map[string]any{"deletion_allowed": true})
	if _, err := f.do(logical.DeleteOperation, "keys/k", nil); err != nil {
		t.Fatal(err)
	}
	if resp, err := f.do(logical.ReadOperation, "keys/k", nil); err != nil || resp != nil {
		t.Fatalf("read after delete: %v %v", resp, err)
	}
	f.fail("decrypt/k", map[string]any{"ciphertext": ct}, msgKeyNotFound)
	if e, _ := f.view.Get(context.Background(), "policy/k"); e != nil {
		t.Fatal("deleted key still stored")
	}
	if _, err := f.do(logical.DeleteOperation, "keys/k", nil); err == nil {
		t.Fatal("deleting a missing key succeeded")
	}
	if len(f.b.keys.handles) != 0 {
		t.Fatalf("cache keeps %d handles of missing keys", len(f.b.keys.handles))
	}
}

// TestKeysSurviveRemount: a new backend on the same view (a restart, a
// seal and unseal) serves the same keys.
func TestKeysSurviveRemount(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	f.write("keys/s", map[string]any{"type": "ecdsa-p256"})
	ct := f.encrypt("k", []byte("kept"), nil)
	sig := f.write("sign/s", map[string]any{"input": b64([]byte("m"))})["signature"]
	g := newFixtureOn(t, f.view)
	if got := g.decrypt("k", ct, nil); string(got) != "kept" {
		t.Fatalf("after remount: %q", got)
	}
	if v := g.write("verify/s", map[string]any{"input": b64([]byte("m")), "signature": sig}); v["valid"] != true {
		t.Fatalf("verify after remount: %v", v)
	}
}
