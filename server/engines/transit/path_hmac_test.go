package transit

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"strings"
	"testing"
)

func TestHMAC(t *testing.T) {
	f := newFixture(t)
	f.write("keys/h", map[string]any{"type": "hmac", "exportable": true})
	f.write("keys/aes", map[string]any{"exportable": true})
	in := []byte("hmac me")
	for _, name := range []string{"h", "aes"} {
		out := f.write("hmac/"+name, map[string]any{"input": b64(in)})
		mac := out["hmac"].(string)
		// Independent check against the exported HMAC key.
		key, _ := base64.StdEncoding.DecodeString(f.read("export/hmac-key/" + name + "/1")["keys"].(map[string]any)["1"].(string))
		m := hmac.New(sha256.New, key)
		m.Write(in)
		if mac != "vault:v1:"+base64.StdEncoding.EncodeToString(m.Sum(nil)) {
			t.Fatalf("%s: hmac %s", name, mac)
		}
		if v := f.write("verify/"+name, map[string]any{"input": b64(in), "hmac": mac}); v["valid"] != true {
			t.Fatalf("%s: verify", name)
		}
		if v := f.write("verify/"+name, map[string]any{"input": b64([]byte("other")), "hmac": mac}); v["valid"] != false {
			t.Fatalf("%s: verify other input", name)
		}
		mac512 := f.write("hmac/"+name+"/sha2-512", map[string]any{"input": b64(in)})["hmac"].(string)
		m = hmac.New(sha512.New, key)
		m.Write(in)
		if mac512 != "vault:v1:"+base64.StdEncoding.EncodeToString(m.Sum(nil)) {
			t.Fatalf("%s: sha2-512", name)
		}
		if v := f.write("verify/"+name+"/sha2-512", map[string]any{"input": b64(in), "hmac": mac512}); v["valid"] != true {
			t.Fatalf("%s: verify sha2-512", name)
		}
	}
	// Rotation: new HMACs use v2; v1 HMACs verify until min_decryption_version.
	old := f.write("hmac/h", map[string]any{"input": b64(in)})["hmac"]
	f.write("keys/h/rotate", nil)
	if mac := f.write("hmac/h", map[string]any{"input": b64(in)})["hmac"].(string); !strings.HasPrefix(mac, "vault:v2:") || mac == old {
		t.Fatalf("after rotation: %s", mac)
	}
	if v := f.write("verify/h", map[string]any{"input": b64(in), "hmac": old}); v["valid"] != true {
		t.Fatal("old hmac after rotation")
	}
	f.write("keys/h/config", map[string]any{"min_decryption_version": 2})
	f.fail("verify/h", map[string]any{"input": b64(in), "hmac": old}, msgTooOld)

	out := f.write("hmac/aes", map[string]any{"batch_input": []any{
		map[string]any{"input": b64(in)}, map[string]any{}, map[string]any{"input": ""},
	}})
	res := out["batch_results"].([]map[string]any)
	if res[0]["hmac"] == nil || res[1]["error"] != "missing input for HMAC" || res[2]["hmac"] == nil {
		t.Fatalf("batch: %v", res)
	}
	f.fail("hmac/aes", map[string]any{}, "missing input for HMAC")
	f.fail("hmac/aes/md5", map[string]any{"input": ""}, "unsupported hash algorithm")
	f.fail("hmac/aes/sha1", map[string]any{"input": ""}, "unsupported hash algorithm")
	f.fail("hmac/missing", map[string]any{"input": ""}, msgKeyNotFound)
	f.fail("verify/aes", map[string]any{"input": "", "hmac": "vault:v1:%%"}, "could not decode base64")
}

func TestHash(t *testing.T) {
	f := newFixture(t)
	abc := b64([]byte("abc"))
	for _, c := range []struct{ path, format, want string }{
		{"hash", "", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"hash/sha2-256", "hex", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"hash/sha2-224", "", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"},
		{"hash/sha3-256", "", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"},
		{"hash/sha2-256", "base64", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
	} {
		data := map[string]any{"input": abc}
		if c.format != "" {
			data["format"] = c.format
		}
		if got := f.write(c.path, data)["sum"]; got != c.want {
			t.Fatalf("%s %s: %v", c.path, c.format, got)
		}
	}
	if got := f.write("hash", map[string]any{"input": abc, "algorithm": "sha2-224"})["sum"]; got != "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" {
		t.Fatalf("algorithm field: %v", got)
	}
	f.fail("hash/md5", map[string]any{"input": abc}, "unsupported hash algorithm")
	f.fail("hash", map[string]any{"input": abc, "format": "binary"}, "unsupported encoding format")
	f.fail("hash", map[string]any{"input": "%"}, msgInputB64)
	f.fail("hash", map[string]any{}, "missing input")
}

func TestRandom(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		path string
		data map[string]any
		n    int
		hex  bool
	}{
		{"random", nil, 32, false},
		{"random/64", nil, 64, false},
		{"random", map[string]any{"bytes": 16, "format": "hex"}, 16, true},
		{"random/all/8", map[string]any{"format": "hex"}, 8, true},
		{"random/platform", nil, 32, false},
		{"random/seal/1", nil, 1, false},
	} {
		s := f.write(c.path, c.data)["random_bytes"].(string)
		n := len(s) / 2
		if !c.hex {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				t.Fatal(err)
			}
			n = len(b)
		}
		if n != c.n {
			t.Fatalf("%s %v: %d bytes", c.path, c.data, n)
		}
	}
	a := f.write("random", nil)["random_bytes"]
	if b := f.write("random", nil)["random_bytes"]; a == b {
		t.Fatal("two random answers are equal")
	}
	f.fail("random/0", nil, "between 1 and")
	f.fail("random", map[string]any{"bytes": maxRandomBytes + 1}, "between 1 and")
	f.fail("random/ten", nil, "invalid number of bytes")
	f.fail("random", map[string]any{"format": "z85"}, "unsupported encoding format")
}
