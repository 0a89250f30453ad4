package transit

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUseAndRotation encrypts, decrypts and signs from many
// goroutines while the keys rotate; every result must stay decryptable.
// Run with -race.
func TestConcurrentUseAndRotation(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	f.write("keys/s", map[string]any{"type": "ed25519"})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				pt := []byte(fmt.Sprintf("g%d-%d", g, i))
				out, err := f.do("update", "encrypt/k", map[string]any{"plaintext": b64(pt)})
				if err != nil {
					errs <- err
					return
				}
				dec, err := f.do("update", "decrypt/k", map[string]any{"ciphertext": out.Data["ciphertext"]})
				if err != nil || dec.Data["plaintext"] != b64(pt) {
					errs <- fmt.Errorf("decrypt: %v %v", dec, err)
					return
				}
				if _, err := f.do("update", "sign/s", map[string]any{"input": b64(pt)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			for _, k := range []string{"k", "s"} {
				if _, err := f.do("update", "keys/"+k+"/rotate", nil); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	// Concurrent upserts of one new key make one key.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.do("update", "encrypt/up", map[string]any{"plaintext": ""}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if d := f.read("keys/k"); d["latest_version"] != 21 {
		t.Fatalf("lost rotations: %v", d["latest_version"])
	}
	if d := f.read("keys/up"); d["latest_version"] != 1 {
		t.Fatalf("upsert: %v", d)
	}
	if !strings.HasPrefix(f.encrypt("k", nil, nil), "vault:v21:") {
		t.Fatal("not encrypting with the latest version")
	}
}
