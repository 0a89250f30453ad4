package transit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
)

var signTypes = []string{"ed25519", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048"}

func TestSignVerifyEveryType(t *testing.T) {
	f := newFixture(t)
	msg := map[string]any{"input": b64([]byte("signed message"))}
	other := b64([]byte("another message"))
	for _, typ := range signTypes {
		f.write("keys/"+typ, map[string]any{"type": typ})
		hashes := []string{"sha2-256"}
		if typ != "ed25519" {
			hashes = []string{"sha1", "sha2-224", "sha2-256", "sha2-384", "sha2-512", "sha3-224", "sha3-256", "sha3-384", "sha3-512"}
		}
		for _, h := range hashes {
			out := f.write("sign/"+typ+"/"+h, msg)
			sig := out["signature"].(string)
			if !strings.HasPrefix(sig, "vault:v1:") || out["key_version"] != 1 {
				t.Fatalf("%s/%s: %v", typ, h, out)
			}
			if v := f.write("verify/"+typ+"/"+h, map[string]any{"input": msg["input"], "signature": sig}); v["valid"] != true {
				t.Fatalf("%s/%s: own signature does not verify", typ, h)
			}
			if v := f.write("verify/"+typ+"/"+h, map[string]any{"input": other, "signature": sig}); v["valid"] != false {
				t.Fatalf("%s/%s: signature verifies another message", typ, h)
			}
			// hash_algorithm in the body means the same as in the path.
			if v := f.write("verify/"+typ, map[string]any{"input": msg["input"], "signature": sig, "hash_algorithm": h}); v["valid"] != true {
				t.Fatalf("%s/%s: hash_algorithm field", typ, h)
			}
		}
	}
}

// TestSignaturesVerifyIndependently checks signatures against the public
// keys keys/ shows, with the standard library alone.
func TestSignaturesVerifyIndependently(t *testing.T) {
	f := newFixture(t)
	input := []byte("interop")
	digest := sha256.Sum256(input)
	pubOf := func(name string) any {
		t.Helper()
		info := f.read("keys/" + name)["keys"].(map[string]any)["1"].(map[string]any)
		text := info["public_key"].(string)
		if name == "ed" {
			b, _ := base64.StdEncoding.DecodeString(text)
			return ed25519.PublicKey(b)
		}
		blk, _ := pem.Decode([]byte(text))
		if blk == nil {
			t.Fatalf("%s: public key is not PEM", name)
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	sigOf := func(path string, extra map[string]any) []byte {
		t.Helper()
		data := map[string]any{"input": b64(input)}
		for k, v := range extra {
			data[k] = v
		}
		s := strings.TrimPrefix(f.write(path, data)["signature"].(string), "vault:v1:")
		enc := base64.StdEncoding
		if extra["marshaling_algorithm"] == "jws" {
			enc = base64.RawURLEncoding
		}
		b, err := enc.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f.write("keys/ed", map[string]any{"type": "ed25519"})
	f.write("keys/ec", map[string]any{"type": "ecdsa-p256"})
	f.write("keys/rsa", map[string]any{"type": "rsa-2048"})
	if !ed25519.Verify(pubOf("ed").(ed25519.PublicKey), input, sigOf("sign/ed", nil)) {
		t.Fatal("ed25519")
	}
	ec := pubOf("ec").(*ecdsa.PublicKey)
	if !ecdsa.VerifyASN1(ec, digest[:], sigOf("sign/ec", nil)) {
		t.Fatal("ecdsa asn1")
	}
	jws := sigOf("sign/ec", map[string]any{"marshaling_algorithm": "jws"})
	if len(jws) != 64 {
		t.Fatalf("jws signature of %d bytes", len(jws))
	}
	rsaPub := pubOf("rsa").(*rsa.PublicKey)
	if err := rsa.VerifyPSS(rsaPub, crypto.SHA256, digest[:], sigOf("sign/rsa", nil), nil); err != nil {
		t.Fatalf("rsa pss: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(rsaPub, crypto.SHA256, digest[:], sigOf("sign/rsa", map[string]any{"signature_algorithm": "pkcs1v15"})); err != nil {
		t.Fatalf("rsa pkcs1v15: %v", err)
	}
	if err := rsa.VerifyPSS(rsaPub, crypto.SHA256, digest[:], sigOf("sign/rsa", map[string]any{"salt_length": "hash"}), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
		t.Fatalf("rsa pss salt=hash: %v", err)
	}
}

func TestSignOptions(t *testing.T) {
	f := newFixture(t)
	f.write("keys/ec", map[string]any{"type": "ecdsa-p256"})
	f.write("keys/rsa", map[string]any{"type": "rsa-2048"})
	f.write("keys/aes", nil)
	f.write("keys/ed", map[string]any{"type": "ed25519", "derived": true})
	in := b64([]byte("data"))
	digest := sha256.Sum256([]byte("data"))

	// Prehashed input signs the digest as given.
	sig := f.write("sign/ec", map[string]any{"input": b64(digest[:]), "prehashed": true})["signature"]
	if v := f.write("verify/ec", map[string]any{"input": in, "signature": sig}); v["valid"] != true {
		t.Fatal("prehashed signature does not verify the message")
	}
	// jws signatures verify with marshaling_algorithm=jws only.
	sig = f.write("sign/ec", map[string]any{"input": in, "marshaling_algorithm": "jws"})["signature"]
	if v := f.write("verify/ec", map[string]any{"input": in, "signature": sig, "marshaling_algorithm": "jws"}); v["valid"] != true {
		t.Fatal("jws")
	}
	f.fail("verify/ec", map[string]any{"input": in, "signature": sig}, "could not decode base64")
	// hash "none": RSA PKCS#1 v1.5 over a prehashed input only.
	sig = f.write("sign/rsa/none", map[string]any{"input": b64(digest[:]), "prehashed": true, "signature_algorithm": "pkcs1v15"})["signature"]
	if v := f.write("verify/rsa/none", map[string]any{"input": b64(digest[:]), "signature": sig, "prehashed": true, "signature_algorithm": "pkcs1v15"}); v["valid"] != true {
		t.Fatal("rsa none")
	}
	f.fail("sign/rsa/none", map[string]any{"input": in}, "requires an RSA key, prehashed=true")
	f.fail("sign/ec/none", map[string]any{"input": in, "prehashed": true}, "requires an RSA key")
	f.fail("sign/rsa", map[string]any{"input": b64([]byte("short")), "prehashed": true}, "unable to sign")
	// Derived Ed25519: context picks the key; the public key comes back.
	c1 := b64([]byte("tenant-1"))
	out := f.write("sign/ed", map[string]any{"input": in, "context": c1})
	if out["publickey"] == nil {
		t.Fatalf("derived ed25519 sign: %v", out)
	}
	if v := f.write("verify/ed", map[string]any{"input": in, "signature": out["signature"], "context": c1}); v["valid"] != true {
		t.Fatal("derived ed25519")
	}
	if v := f.write("verify/ed", map[string]any{"input": in, "signature": out["signature"], "context": b64([]byte("tenant-2"))}); v["valid"] != false {
		t.Fatal("derived ed25519 verified under another context")
	}
	f.fail("sign/ed", map[string]any{"input": in}, "missing 'context'")

	for _, c := range []struct {
		path string
		data map[string]any
		want string
	}{
		{"sign/aes", map[string]any{"input": in}, "does not support signing"},
		{"verify/aes", map[string]any{"input": in, "signature": "vault:v1:AAAA"}, "does not support verification"},
		{"sign/ec/md5", map[string]any{"input": in}, "unsupported hash algorithm"},
		{"sign/ec", map[string]any{"input": "%%"}, msgInputB64},
		{"sign/ec", map[string]any{}, "missing input"},
		{"sign/rsa", map[string]any{"input": in, "signature_algorithm": "rsa"}, "unsupported signature_algorithm"},
		{"sign/rsa", map[string]any{"input": in, "marshaling_algorithm": "jws"}, "only to ECDSA"},
		{"sign/rsa", map[string]any{"input": in, "salt_length": "-3"}, "invalid salt_length"},
		{"sign/missing", map[string]any{"input": in}, msgKeyNotFound},
		{"verify/ec", map[string]any{"input": in, "signature": "nope"}, "no prefix"},
		{"verify/ec", map[string]any{"input": in}, "exactly one of signature or hmac"},
		{"verify/ec", map[string]any{"input": in, "signature": "vault:v1:AA", "hmac": "vault:v1:AA"}, "exactly one"},
		{"verify/ec", map[string]any{"input": in, "signature": "vault:v2:AAAA"}, "does not exist"},
	} {
		f.fail(c.path, c.data, c.want)
	}
}

func TestSignRotationAndBatch(t *testing.T) {
	f := newFixture(t)
	f.write("keys/ec", map[string]any{"type": "ecdsa-p256"})
	in := b64([]byte("m"))
	v1 := f.write("sign/ec", map[string]any{"input": in})["signature"]
	f.write("keys/ec/rotate", nil)
	v2 := f.write("sign/ec", map[string]any{"input": in})["signature"].(string)
	if !strings.HasPrefix(v2, "vault:v2:") {
		t.Fatal(v2)
	}
	if v := f.write("verify/ec", map[string]any{"input": in, "signature": v1}); v["valid"] != true {
		t.Fatal("v1 signature after rotation")
	}
	f.write("keys/ec/config", map[string]any{"min_decryption_version": 2})
	f.fail("verify/ec", map[string]any{"input": in, "signature": v1}, msgTooOld)

	out := f.write("sign/ec", map[string]any{"batch_input": []any{
		map[string]any{"input": in, "reference": "a"}, map[string]any{}, map[string]any{"input": "!"},
	}})
	res := out["batch_results"].([]map[string]any)
	if res[0]["signature"] == nil || res[0]["reference"] != "a" || res[1]["error"] != "missing input" || res[2]["error"] != msgInputB64 {
		t.Fatalf("sign batch: %v", res)
	}
	out = f.write("verify/ec", map[string]any{"batch_input": []any{
		map[string]any{"input": in, "signature": res[0]["signature"]},
		map[string]any{"input": b64([]byte("x")), "signature": res[0]["signature"]},
		map[string]any{"input": in, "signature": "bad"},
	}})
	vr := out["batch_results"].([]map[string]any)
	if vr[0]["valid"] != true || vr[1]["valid"] != false || vr[2]["error"] == nil {
		t.Fatalf("verify batch: %v", vr)
	}
	f.fail("verify/ec", map[string]any{"batch_input": []any{
		map[string]any{"input": in, "signature": "vault:v2:AA"}, map[string]any{"input": in, "hmac": "vault:v2:AA"},
	}}, "all carry signatures")
}
