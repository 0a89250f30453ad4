package serve_test

import (
	"errors"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// TestRaftLifecycle drives init, unseal with a threshold subset, seal,
// rotate, rekey and restart through the official Vault client.
func TestRaftLifecycle(t *testing.T) {
	dir := t.TempDir()
	s := servertest.Start(t, servertest.Options{RaftDir: dir})
	c := s.Client
	sys := c.Sys()

	st, err := sys.SealStatus()
	if err != nil {
		t.Fatal(err)
	}
	if st.Initialized || !st.Sealed {
		t.Fatalf("fresh server: initialized=%v sealed=%v", st.Initialized, st.Sealed)
	}
	init, err := sys.Init(&vault.InitRequest{SecretShares: 5, SecretThreshold: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(init.Keys) != 5 || len(init.KeysB64) != 5 || init.RootToken == "" {
		t.Fatalf("init response: %d keys, %d b64, root token set=%v", len(init.Keys), len(init.KeysB64), init.RootToken != "")
	}
	if _, err := sys.Init(&vault.InitRequest{SecretShares: 1, SecretThreshold: 1}); err == nil {
		t.Fatal("second init succeeded")
	}
	// Two shares are not enough.
	for i, k := range []string{init.Keys[4], init.KeysB64[2]} {
		st, err := sys.Unseal(k)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Sealed || st.Progress != i+1 {
			t.Fatalf("after %d shares: sealed=%v progress=%d", i+1, st.Sealed, st.Progress)
		}
	}
	st, err = sys.Unseal(init.Keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Sealed {
		t.Fatal("still sealed after threshold")
	}
	c.SetToken(init.RootToken)

	// A mount and some data survive a restart.
	if err := sys.Mount("mykv", &vault.MountInput{Type: "kv", Description: "test"}); err != nil {
		t.Fatalf("mount: %v", err)
	}
	if err := sys.Rotate(); err != nil {
		t.Fatal(err)
	}
	ks, err := sys.KeyStatus()
	if err != nil {
		t.Fatal(err)
	}
	if ks.Term != 2 {
		t.Fatalf("term after rotate = %d, want 2", ks.Term)
	}

	// Rekey to 3 shares, threshold 2.
	rk, err := sys.RekeyInit(&vault.RekeyInitRequest{SecretShares: 3, SecretThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	var done *vault.RekeyUpdateResponse
	for _, k := range init.Keys[:3] {
		done, err = sys.RekeyUpdate(k, rk.Nonce)
		if err != nil {
			t.Fatal(err)
		}
	}
	if !done.Complete || len(done.Keys) != 3 {
		t.Fatalf("rekey: complete=%v keys=%d", done.Complete, len(done.Keys))
	}

	if err := sys.Seal(); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.ListMounts(); !isStatus(err, 503) {
		t.Fatalf("sealed request: %v, want 503", err)
	}
	// Old keys no longer unseal.
	for _, k := range init.Keys[:3] {
		_, err = sys.Unseal(k)
		if err != nil {
			break
		}
	}
	if !isStatus(err, 400) {
		t.Fatalf("old shares after rekey: %v, want 400", err)
	}

	s.Stop()
	s2 := servertest.Start(t, servertest.Options{RaftDir: dir})
	c2 := s2.Client
	c2.SetToken(init.RootToken)
	for _, k := range done.Keys[1:] {
		if st, err = c2.Sys().Unseal(k); err != nil {
			t.Fatal(err)
		}
	}
	if st.Sealed {
		t.Fatal("sealed after restart and new shares")
	}
	mounts, err := c2.Sys().ListMounts()
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := mounts["mykv/"]; !ok || m.Description != "test" {
		t.Fatalf("mount lost across restart: %v", mounts)
	}
	ks, err = c2.Sys().KeyStatus()
	if err != nil || ks.Term != 2 {
		t.Fatalf("key status after restart: %+v, %v", ks, err)
	}
}

func isStatus(err error, code int) bool {
	var re *vault.ResponseError
	return errors.As(err, &re) && re.StatusCode == code
}
