package transit

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestRotateConfigTrim(t *testing.T) {
	f := newFixture(t)
	f.write("keys/k", nil)
	cts := []string{f.encrypt("k", []byte("v1"), nil)}
	for i := 2; i <= 4; i++ {
		f.clock.Advance(time.Minute)
		d := f.write("keys/k/rotate", nil)
		if d["latest_version"] != i {
			t.Fatalf("rotate: %v", d)
		}
		cts = append(cts, f.encrypt("k", []byte("v"), nil))
	}
	keys := f.read("keys/k")["keys"].(map[string]any)
	if len(keys) != 4 || keys["1"].(int64) >= keys["4"].(int64) {
		t.Fatalf("keys %v", keys)
	}
	for _, c := range []struct {
		data map[string]any
		want string
	}{
		{map[string]any{"min_decryption_version": 5}, "latest key version is 4"},
		{map[string]any{"min_decryption_version": -1}, "cannot be negative"},
		{map[string]any{"min_encryption_version": 5}, "latest key version is 4"},
		{map[string]any{"min_decryption_version": 3, "min_encryption_version": 2}, "must not be below"},
		{map[string]any{"auto_rotate_period": "10m"}, "at least an hour"},
	} {
		f.fail("keys/k/config", c.data, c.want)
	}
	f.fail("keys/missing/config", map[string]any{"deletion_allowed": true}, msgKeyNotFound)
	f.fail("keys/missing/rotate", nil, msgKeyNotFound)

	// Trimming needs min_encryption_version and stays within both minimums.
	f.fail("keys/k/trim", map[string]any{"min_available_version": 2}, "set min_encryption_version")
	f.write("keys/k/config", map[string]any{"min_decryption_version": 3, "min_encryption_version": 4})
	f.fail("keys/k/trim", map[string]any{"min_available_version": 4}, "must not exceed")
	f.fail("keys/k/trim", map[string]any{"min_available_version": 0}, "at least 1")
	d := f.write("keys/k/trim", map[string]any{"min_available_version": 3})
	if d["min_available_version"] != 3 || len(d["keys"].(map[string]any)) != 2 {
		t.Fatalf("trim: %v", d)
	}
	f.fail("keys/k/trim", map[string]any{"min_available_version": 2}, "cannot go down")
	f.fail("keys/k/config", map[string]any{"min_decryption_version": 2}, "below min_available_version")
	f.fail("decrypt/k", map[string]any{"ciphertext": cts[1]}, msgTooOld)
	if got := f.decrypt("k", cts[2], nil); string(got) != "v" {
		t.Fatal("version 3 after trim")
	}
	// Trimmed versions are gone from storage too.
	g := newFixtureOn(t, f.view)
	if d := g.read("keys/k"); d["min_available_version"] != 3 || len(d["keys"].(map[string]any)) != 2 {
		t.Fatalf("after remount: %v", d)
	}
	r, _ := g.b.keys.get(context.Background(), "k")
	if r.version(1) != nil || r.version(2) != nil || r.version(3) == nil {
		t.Fatal("trimmed versions were kept")
	}

	// exportable and allow_plaintext_backup cannot be turned off.
	f.write("keys/k/config", map[string]any{"exportable": true, "allow_plaintext_backup": true})
	f.fail("keys/k/config", map[string]any{"exportable": false}, "cannot be made non-exportable")
	f.fail("keys/k/config", map[string]any{"allow_plaintext_backup": false}, "cannot be disabled")
	// 0 means 1, which is below the trimmed versions.
	f.fail("keys/k/config", map[string]any{"min_decryption_version": 0}, "below min_available_version")
}

// TestAutoRotate drives the rotation loop with a fake clock and ticks.
func TestAutoRotate(t *testing.T) {
	f := newFixture(t)
	f.write("keys/auto", map[string]any{"auto_rotate_period": "2h"})
	f.write("keys/manual", nil)
	f.write("keys/later", nil)
	f.write("keys/later/config", map[string]any{"auto_rotate_period": "5h"})
	if n := f.b.rotateDue(context.Background()); n != 0 {
		t.Fatalf("rotated %d keys before any period passed", n)
	}
	f.clock.Advance(2 * time.Hour)
	if n := f.b.rotateDue(context.Background()); n != 1 {
		t.Fatalf("rotated %d keys, want 1", n)
	}
	if f.read("keys/auto")["latest_version"] != 2 || f.read("keys/manual")["latest_version"] != 1 || f.read("keys/later")["latest_version"] != 1 {
		t.Fatal("wrong keys rotated")
	}
	// The period counts from the newest version: a manual rotation resets it.
	f.clock.Advance(time.Hour)
	f.write("keys/auto/rotate", nil)
	f.clock.Advance(90 * time.Minute)
	if n := f.b.rotateDue(context.Background()); n != 0 {
		t.Fatalf("rotated %d keys 90 minutes after a manual rotation", n)
	}
	// Through the goroutine: a tick runs a pass.
	f.clock.Advance(3 * time.Hour)
	f.ticks <- f.clock.Now()
	f.ticks <- f.clock.Now() // the second send returns once the first pass is over
	if a, l := f.read("keys/auto")["latest_version"], f.read("keys/later")["latest_version"]; a != 4 || l != 2 {
		t.Fatalf("after tick: auto v%v, later v%v", a, l)
	}
}

// TestCleanupStopsRotation: Cleanup returns only once the loop has ended,
// and the loop no longer receives ticks.
func TestCleanupStopsRotation(t *testing.T) {
	f := newFixture(t)
	f.b.Cleanup(context.Background())
	select {
	case f.ticks <- time.Now():
		t.Fatal("the rotation loop still runs after Cleanup")
	default:
	}
}

func TestRotateEveryTypeKeepsOldVersions(t *testing.T) {
	f := newFixture(t)
	for _, typ := range []string{"aes128-gcm96", "chacha20-poly1305", "ed25519", "ecdsa-p384", "hmac"} {
		f.write("keys/"+typ, map[string]any{"type": typ})
		f.write("keys/"+typ+"/rotate", nil)
		d := f.read("keys/" + typ)
		if d["latest_version"] != 2 || len(d["keys"].(map[string]any)) != 2 {
			t.Fatalf("%s: %v", typ, d)
		}
		r, _ := f.b.keys.get(context.Background(), typ)
		if string(r.version(1).hmacKey) == string(r.version(2).hmacKey) || (r.version(1).key != nil && string(r.version(1).key) == string(r.version(2).key)) {
			t.Fatalf("%s: rotation reused key material", typ)
		}
		if strings.Contains(typ, "ecdsa") && r.version(1).signer == nil {
			t.Fatalf("%s: no signer", typ)
		}
	}
}
