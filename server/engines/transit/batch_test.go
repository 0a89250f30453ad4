package transit

import (
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

func TestBatchEncryptDecrypt(t *testing.T) {
	f := newFixture(t)
	f.write("keys/d", map[string]any{"derived": true})
	in := []any{
		map[string]any{"plaintext": b64([]byte("one")), "context": b64([]byte("a")), "reference": "r1"},
		map[string]any{"plaintext": b64([]byte("two")), "context": b64([]byte("b")), "reference": "r2"},
	}
	out := f.write("encrypt/d", map[string]any{"batch_input": in})
	res := out["batch_results"].([]map[string]any)
	if len(res) != 2 || res[0]["reference"] != "r1" || res[1]["reference"] != "r2" || res[0]["error"] != nil {
		t.Fatalf("batch encrypt: %v", res)
	}
	dec := []any{
		map[string]any{"ciphertext": res[0]["ciphertext"], "context": b64([]byte("a"))},
		map[string]any{"ciphertext": res[1]["ciphertext"], "context": b64([]byte("b"))},
	}
	res = f.write("decrypt/d", map[string]any{"batch_input": dec})["batch_results"].([]map[string]any)
	if res[0]["plaintext"] != b64([]byte("one")) || res[1]["plaintext"] != b64([]byte("two")) {
		t.Fatalf("batch decrypt: %v", res)
	}
}

// TestBatchItemErrors: failed items carry "error"; the status is 400 for a
// batch with failures, or partial_failure_response_code when some items
// succeeded; a batch where all fail stays 400.
func TestBatchItemErrors(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	good := f.encrypt("k", []byte("ok"), nil)
	items := []any{
		map[string]any{"ciphertext": good},
		map[string]any{"ciphertext": "vault:v1:AAAA"},
		map[string]any{"ciphertext": "garbage"},
		map[string]any{},
	}
	resp, err := f.do(logical.UpdateOperation, "decrypt/k", map[string]any{"batch_input": items})
	if err != nil {
		t.Fatal(err)
	}
	code, data := rawBody(t, resp)
	res := data["batch_results"].([]any)
	if code != 400 || len(res) != 4 {
		t.Fatalf("status %d, %d results", code, len(res))
	}
	if r := res[0].(map[string]any); r["plaintext"] != b64([]byte("ok")) || r["error"] != nil {
		t.Fatalf("good item: %v", r)
	}
	for i, want := range []string{"", "too short", "no prefix", "missing ciphertext"} {
		if i == 0 {
			continue
		}
		r := res[i].(map[string]any)
		if msg, _ := r["error"].(string); !strings.Contains(msg, want) || r["plaintext"] != nil {
			t.Fatalf("item %d: %v, want error %q", i, r, want)
		}
	}
	resp, _ = f.do(logical.UpdateOperation, "decrypt/k", map[string]any{"batch_input": items, "partial_failure_response_code": 207})
	if code, _ := rawBody(t, resp); code != 207 {
		t.Fatalf("partial failure code %d", code)
	}
	resp, _ = f.do(logical.UpdateOperation, "decrypt/k", map[string]any{"batch_input": items[1:], "partial_failure_response_code": 207})
	if code, _ := rawBody(t, resp); code != 400 {
		t.Fatalf("all failed with override: %d", code)
	}
	// Encrypt items fail individually too.
	resp, _ = f.do(logical.UpdateOperation, "encrypt/k", map[string]any{"batch_input": []any{
		map[string]any{"plaintext": "!!"}, map[string]any{"plaintext": b64([]byte("fine"))},
	}})
	code, data = rawBody(t, resp)
	res = data["batch_results"].([]any)
	if code != 400 || res[0].(map[string]any)["error"] != msgPlaintextB64 || res[1].(map[string]any)["ciphertext"] == nil {
		t.Fatalf("encrypt batch: %d %v", code, res)
	}
}

func TestBatchInputShape(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	f.fail("encrypt/k", map[string]any{"batch_input": []any{}}, msgNoBatch)
	f.fail("encrypt/k", map[string]any{"batch_input": "not json"}, "failed to parse batch input")
	f.fail("encrypt/k", map[string]any{"batch_input": map[string]any{"plaintext": ""}}, "failed to parse batch input")
	f.fail("encrypt/k", map[string]any{"batch_input": []any{"x"}}, "not an object")
	resp, err := f.do(logical.UpdateOperation, "encrypt/k", map[string]any{"batch_input": []any{map[string]any{"plaintext": 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if code, data := rawBody(t, resp); code != 400 || !strings.Contains(data["batch_results"].([]any)[0].(map[string]any)["error"].(string), "must be a string") {
		t.Fatalf("non-string item field: %d %v", code, data)
	}
	// A list sent JSON-encoded in a string is accepted.
	out := f.write("encrypt/k", map[string]any{"batch_input": `[{"plaintext":"eA=="}]`})
	if out["batch_results"].([]map[string]any)[0]["ciphertext"] == nil {
		t.Fatalf("string batch: %v", out)
	}
}
