package transit_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// startTransit starts a dev server with transit mounted at transit/.
func startTransit(t testing.TB) *servertest.Server {
	t.Helper()
	s := servertest.StartDev(t)
	if err := s.Client.Sys().Mount("transit", &vault.MountInput{Type: "transit"}); err != nil {
		t.Fatalf("mount transit: %v", err)
	}
	return s
}

// TestVaultClientEveryKeyType round-trips every operation each key type
// supports through the official Vault client.
func TestVaultClientEveryKeyType(t *testing.T) {
	s := startTransit(t)
	l := s.Client.Logical()
	write := func(path string, data map[string]any) *vault.Secret {
		t.Helper()
		sec, err := l.Write("transit/"+path, data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return sec
	}
	for _, c := range []struct {
		typ           string
		encrypt, sign bool
	}{
		{"aes128-gcm96", true, false}, {"aes256-gcm96", true, false}, {"chacha20-poly1305", true, false},
		{"xchacha20-poly1305", true, false}, {"ed25519", false, true}, {"ecdsa-p256", false, true},
		{"ecdsa-p384", false, true}, {"ecdsa-p521", false, true}, {"rsa-2048", true, true},
		{"rsa-3072", true, true}, {"rsa-4096", true, true}, {"hmac", false, false},
	} {
		name := "k-" + c.typ
		write("keys/"+name, map[string]any{"type": c.typ})
		key, err := l.Read("transit/keys/" + name)
		if err != nil || key.Data["type"] != c.typ {
			t.Fatalf("%s: read %v %v", c.typ, key, err)
		}
		if c.encrypt {
			ct := write("encrypt/"+name, map[string]any{"plaintext": b64("hello " + c.typ)}).Data["ciphertext"].(string)
			if pt := write("decrypt/"+name, map[string]any{"ciphertext": ct}).Data["plaintext"]; pt != b64("hello "+c.typ) {
				t.Fatalf("%s: decrypt %v", c.typ, pt)
			}
			write("keys/"+name+"/rotate", nil)
			re := write("rewrap/"+name, map[string]any{"ciphertext": ct}).Data["ciphertext"].(string)
			if !strings.HasPrefix(re, "vault:v2:") {
				t.Fatalf("%s: rewrap %s", c.typ, re)
			}
			if pt := write("decrypt/"+name, map[string]any{"ciphertext": re}).Data["plaintext"]; pt != b64("hello "+c.typ) {
				t.Fatalf("%s: decrypt rewrapped %v", c.typ, pt)
			}
			dk := write("datakey/plaintext/"+name, map[string]any{"bits": 256}).Data
			if pt := write("decrypt/"+name, map[string]any{"ciphertext": dk["ciphertext"]}).Data["plaintext"]; pt != dk["plaintext"] {
				t.Fatalf("%s: datakey", c.typ)
			}
		}
		if c.sign {
			sig := write("sign/"+name+"/sha2-384", map[string]any{"input": b64("doc")}).Data["signature"]
			if v := write("verify/"+name+"/sha2-384", map[string]any{"input": b64("doc"), "signature": sig}).Data["valid"]; v != true {
				t.Fatalf("%s: verify %v", c.typ, v)
			}
			if v := write("verify/"+name+"/sha2-384", map[string]any{"input": b64("other"), "signature": sig}).Data["valid"]; v != false {
				t.Fatalf("%s: verify other %v", c.typ, v)
			}
		}
		mac := write("hmac/"+name, map[string]any{"input": b64("doc")}).Data["hmac"]
		if v := write("verify/"+name, map[string]any{"input": b64("doc"), "hmac": mac}).Data["valid"]; v != true {
			t.Fatalf("%s: verify hmac %v", c.typ, v)
		}
	}
	list, err := l.List("transit/keys")
	if err != nil || len(list.Data["keys"].([]any)) != 12 {
		t.Fatalf("list: %v %v", list, err)
	}
	sum := write("hash/sha2-256", map[string]any{"input": b64("abc")}).Data["sum"]
	if sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("hash %v", sum)
	}
	if rb := write("random/16", map[string]any{"format": "hex"}).Data["random_bytes"].(string); len(rb) != 32 {
		t.Fatalf("random %q", rb)
	}
}

// TestVaultClientBadInput: client mistakes are 400s with a reason.
func TestVaultClientBadInput(t *testing.T) {
	s := startTransit(t)
	l := s.Client.Logical()
	if _, err := l.Write("transit/keys/k", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write("transit/keys/ed", map[string]any{"type": "ed25519"}); err != nil {
		t.Fatal(err)
	}
	ct, _ := l.Write("transit/encrypt/k", map[string]any{"plaintext": b64("a longer plaintext")})
	good := ct.Data["ciphertext"].(string)
	for _, c := range []struct {
		path string
		data map[string]any
		want string
	}{
		{"decrypt/k", map[string]any{"ciphertext": good[:len(good)-4]}, "message authentication failed"},
		{"decrypt/k", map[string]any{"ciphertext": "vault:v1:****"}, "base64"},
		{"decrypt/k", map[string]any{"ciphertext": "v1:abc"}, "no prefix"},
		{"encrypt/k", map[string]any{"plaintext": "***"}, "base64-decode plaintext"},
		{"encrypt/ed", map[string]any{"plaintext": b64("x")}, "does not support encryption"},
		{"sign/k", map[string]any{"input": b64("x")}, "does not support signing"},
		{"decrypt/none", map[string]any{"ciphertext": good}, "encryption key not found"},
	} {
		_, err := l.Write("transit/"+c.path, c.data)
		var re *vault.ResponseError
		if !errors.As(err, &re) || re.StatusCode != 400 || !strings.Contains(strings.Join(re.Errors, " "), c.want) {
			t.Fatalf("%s: %v, want a 400 mentioning %q", c.path, err, c.want)
		}
	}
	if _, err := l.Write("transit/keys/k/rotate", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write("transit/keys/k/config", map[string]any{"min_decryption_version": 2}); err != nil {
		t.Fatal(err)
	}
	_, err := l.Write("transit/decrypt/k", map[string]any{"ciphertext": good})
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 400 || !strings.Contains(re.Error(), "too old") {
		t.Fatalf("old version: %v", err)
	}

	// A batch with a failed item answers 400 with every result in the body.
	body, _ := json.Marshal(map[string]any{"batch_input": []any{
		map[string]any{"plaintext": b64("a")}, map[string]any{"plaintext": "!"},
	}})
	req, _ := http.NewRequest(http.MethodPost, s.Addr+"/v1/transit/encrypt/k", bytes.NewReader(body))
	req.Header.Set("X-Vault-Token", s.RootToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data struct {
			BatchResults []map[string]any `json:"batch_results"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	res := env.Data.BatchResults
	if resp.StatusCode != 400 || len(res) != 2 || res[0]["ciphertext"] == nil || res[1]["error"] == nil {
		t.Fatalf("batch: %d %v", resp.StatusCode, res)
	}
}

// TestUpsertNeedsCreateCapability: encrypt/ creates a missing key only for
// a token whose policy grants "create" there.
func TestUpsertNeedsCreateCapability(t *testing.T) {
	s := startTransit(t)
	if err := s.Client.Sys().PutPolicy("upd", `path "transit/encrypt/*" { capabilities = ["update"] }`); err != nil {
		t.Fatal(err)
	}
	if err := s.Client.Sys().PutPolicy("crt", `path "transit/encrypt/*" { capabilities = ["create", "update"] }`); err != nil {
		t.Fatal(err)
	}
	tok := func(policy string) *vault.Client {
		sec, err := s.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{policy}})
		if err != nil {
			t.Fatal(err)
		}
		return s.NewClient(t, sec.Auth.ClientToken)
	}
	if _, err := tok("upd").Logical().Write("transit/encrypt/fresh", map[string]any{"plaintext": b64("x")}); err == nil {
		t.Fatal("update-only token created a key")
	}
	if _, err := tok("crt").Logical().Write("transit/encrypt/fresh", map[string]any{"plaintext": b64("x")}); err != nil {
		t.Fatalf("create token: %v", err)
	}
	if _, err := tok("upd").Logical().Write("transit/encrypt/fresh", map[string]any{"plaintext": b64("x")}); err != nil {
		t.Fatalf("update token on an existing key: %v", err)
	}
}
