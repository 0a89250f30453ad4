package transit

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

func TestExport(t *testing.T) {
	f := newFixture(t)
	f.write("keys/aes", map[string]any{"exportable": true})
	f.write("keys/ec", map[string]any{"type": "ecdsa-p256", "exportable": true})
	f.write("keys/ed", map[string]any{"type": "ed25519", "exportable": true})
	f.write("keys/rsa", map[string]any{"type": "rsa-2048", "exportable": true})
	f.write("keys/closed", map[string]any{"type": "ecdsa-p256"})
	f.write("keys/aes/rotate", nil)

	d := f.read("export/encryption-key/aes")
	keys := d["keys"].(map[string]any)
	if d["name"] != "aes" || len(keys) != 2 {
		t.Fatalf("export all: %v", d)
	}
	for _, v := range keys {
		if b, err := base64.StdEncoding.DecodeString(v.(string)); err != nil || len(b) != 32 {
			t.Fatalf("aes key export: %v", v)
		}
	}
	if keys := f.read("export/encryption-key/aes/latest")["keys"].(map[string]any); len(keys) != 1 || keys["2"] == nil {
		t.Fatalf("latest: %v", keys)
	}
	if keys := f.read("export/encryption-key/aes/1")["keys"].(map[string]any); len(keys) != 1 || keys["1"] == nil {
		t.Fatalf("version 1: %v", keys)
	}

	// The exported ECDSA key signs what verify/ accepts.
	pemText := f.read("export/signing-key/ec/1")["keys"].(map[string]any)["1"].(string)
	blk, _ := pem.Decode([]byte(pemText))
	ec, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil || blk.Type != "EC PRIVATE KEY" {
		t.Fatalf("ecdsa export: %v", err)
	}
	msg := []byte("m")
	dg := digest(hashByName["sha2-256"], msg)
	sig, _ := ecdsa.SignASN1(nil, ec, dg)
	if v := f.write("verify/ec", map[string]any{"input": b64(msg), "signature": "vault:v1:" + b64(sig)}); v["valid"] != true {
		t.Fatal("a signature by the exported key does not verify")
	}
	edText := f.read("export/signing-key/ed")["keys"].(map[string]any)["1"].(string)
	edKey, _ := base64.StdEncoding.DecodeString(edText)
	if len(edKey) != ed25519.PrivateKeySize {
		t.Fatalf("ed25519 export of %d bytes", len(edKey))
	}
	rsaText := f.read("export/encryption-key/rsa")["keys"].(map[string]any)["1"].(string)
	if blk, _ := pem.Decode([]byte(rsaText)); blk == nil || blk.Type != "RSA PRIVATE KEY" {
		t.Fatal("rsa export is not PKCS#1 PEM")
	} else if _, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err != nil {
		t.Fatal(err)
	}
	// Public keys export without exportable.
	pub := f.read("export/public-key/closed")["keys"].(map[string]any)["1"].(string)
	if !strings.Contains(pub, "BEGIN PUBLIC KEY") {
		t.Fatalf("public key export: %q", pub)
	}

	for _, c := range []struct{ path, want string }{
		{"export/signing-key/closed", msgNotExportable},
		{"export/encryption-key/ec", "not an encryption key"},
		{"export/signing-key/aes", "not a signing key"},
		{"export/public-key/aes", "has no public key"},
		{"export/private-key/aes", "invalid export type"},
		{"export/encryption-key/aes/3", "invalid key version"},
		{"export/encryption-key/aes/x", "invalid key version"},
	} {
		_, err := f.do(logical.ReadOperation, c.path, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: %v, want %q", c.path, err, c.want)
		}
	}
	if resp, err := f.do(logical.ReadOperation, "export/encryption-key/missing", nil); resp != nil || err != nil {
		t.Fatalf("missing key: %v %v", resp, err)
	}
}

func TestBackupRestore(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", map[string]any{"exportable": true, "allow_plaintext_backup": true, "derived": true})
	f.write("keys/k/rotate", nil)
	c := map[string]any{"context": b64([]byte("c"))}
	ct := f.encrypt("k", []byte("backed up"), c)
	backup := f.read("backup/k")["backup"].(string)

	// Restore into another backend, under the same and another name.
	g := newFixture(t)
	g.write("restore", map[string]any{"backup": backup})
	g.write("restore/copy", map[string]any{"backup": backup})
	for _, name := range []string{"k", "copy"} {
		if got := g.decrypt(name, ct, c); string(got) != "backed up" {
			t.Fatalf("%s: %q", name, got)
		}
		if d := g.read("keys/" + name); d["latest_version"] != 2 || d["derived"] != true || d["name"] != name {
			t.Fatalf("%s: %v", name, d)
		}
	}
	g.fail("restore", map[string]any{"backup": backup}, "already exists")
	g.write("restore", map[string]any{"backup": backup, "force": true})

	f.write("keys/nobackup", map[string]any{"exportable": true})
	f.write("keys/noexport", map[string]any{"allow_plaintext_backup": true})
	for _, name := range []string{"nobackup", "noexport"} {
		if _, err := f.do(logical.ReadOperation, "backup/"+name, nil); err == nil {
			t.Fatalf("backup of %s succeeded", name)
		}
	}
	raw, _ := base64.StdEncoding.DecodeString(backup)
	var doc map[string]any
	_ = json.Unmarshal(raw, &doc)
	doc["policy"].(map[string]any)["type"] = "aes1024"
	bad, _ := json.Marshal(doc)
	for _, c := range []struct{ backup, want string }{
		{"!!", "not base64"},
		{b64([]byte("{}")), "not a key backup"},
		{b64([]byte("[1]")), "not a key backup"},
		{b64(bad), "unknown key type"},
	} {
		g.fail("restore/x", map[string]any{"backup": c.backup}, c.want)
	}
	g.fail("restore/x", map[string]any{}, "missing required field")
}
