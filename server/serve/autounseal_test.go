package serve_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/config"
	"github.com/cofre-io/cofre/server/servertest"
)

// TestStaticSealAutoUnseal: a server with a static seal unseals itself at
// start, init returns recovery keys, and generate-root takes them.
func TestStaticSealAutoUnseal(t *testing.T) {
	dir := t.TempDir()
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	env := func(k string) string {
		if k == "TEST_SEAL_KEY" {
			return key
		}
		return ""
	}
	seals := []config.Seal{{Type: "static", Static: &config.StaticSeal{KeyEnv: "TEST_SEAL_KEY"}}}
	s := servertest.Start(t, servertest.Options{RaftDir: dir, Seals: seals, Getenv: env})
	init, err := s.Client.Sys().Init(&vault.InitRequest{RecoveryShares: 3, RecoveryThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(init.Keys) != 0 || len(init.RecoveryKeys) != 3 {
		t.Fatalf("init: %d keys, %d recovery keys", len(init.Keys), len(init.RecoveryKeys))
	}
	st, err := s.Client.Sys().SealStatus()
	if err != nil || st.Sealed || st.Type != "static" || !st.RecoverySeal {
		t.Fatalf("after init: %+v %v", st, err)
	}
	s.Client.SetToken(init.RootToken)
	if err := s.Client.Sys().PutPolicy("kept", `path "x" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	s.Stop()

	s2 := servertest.Start(t, servertest.Options{RaftDir: dir, Seals: seals, Getenv: env})
	st, err = s2.Client.Sys().SealStatus()
	if err != nil || st.Sealed {
		t.Fatalf("restart did not auto-unseal: %+v %v", st, err)
	}
	s2.Client.SetToken(init.RootToken)
	if p, err := s2.Client.Sys().GetPolicy("kept"); err != nil || p == "" {
		t.Fatalf("data lost: %q %v", p, err)
	}
	// Unseal keys are refused on an auto-sealed server.
	if _, err := s2.Client.Sys().Unseal(init.RecoveryKeys[0]); err != nil {
		// Already unsealed: Vault answers with the status; either is fine as
		// long as the server stays unsealed.
		t.Logf("unseal on auto-sealed server: %v", err)
	}
	s2.Stop()

	// With the wrong key the server stays sealed and says so.
	wrong := func(k string) string {
		if k == "TEST_SEAL_KEY" {
			return base64.StdEncoding.EncodeToString([]byte(strings.Repeat("w", 32)))
		}
		return ""
	}
	s3 := servertest.Start(t, servertest.Options{RaftDir: dir, Seals: seals, Getenv: wrong})
	st, err = s3.Client.Sys().SealStatus()
	if err != nil || !st.Sealed || !st.Initialized {
		t.Fatalf("wrong seal key: %+v %v", st, err)
	}
}

// TestHealthCodesAndBearer checks sys/health's status codes and query
// flags, and the Authorization: Bearer header.
func TestHealthCodesAndBearer(t *testing.T) {
	fresh := servertest.Start(t, servertest.Options{})
	get := func(url, token string) int {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get(fresh.Addr+"/v1/sys/health", ""); c != 501 {
		t.Fatalf("uninitialised health = %d, want 501", c)
	}
	if c := get(fresh.Addr+"/v1/sys/health?uninitcode=200", ""); c != 200 {
		t.Fatalf("uninitcode=200 gave %d", c)
	}
	init, err := fresh.Client.Sys().Init(&vault.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c := get(fresh.Addr+"/v1/sys/health", ""); c != 503 {
		t.Fatalf("sealed health = %d, want 503", c)
	}
	if c := get(fresh.Addr+"/v1/sys/health?sealedcode=299", ""); c != 299 {
		t.Fatalf("sealedcode=299 gave %d", c)
	}
	if _, err := fresh.Client.Sys().Unseal(init.Keys[0]); err != nil {
		t.Fatal(err)
	}
	if c := get(fresh.Addr+"/v1/sys/health", ""); c != 200 {
		t.Fatalf("active health = %d, want 200", c)
	}
	if c := get(fresh.Addr+"/v1/sys/mounts", init.RootToken); c != 200 {
		t.Fatalf("Bearer token: %d", c)
	}
	if c := get(fresh.Addr+"/v1/sys/mounts", "nope"); c != 403 {
		t.Fatalf("bad Bearer token: %d", c)
	}
}
