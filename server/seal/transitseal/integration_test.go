package transitseal_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/config"
	"github.com/cofre-io/cofre/server/seal/transitseal"
	"github.com/cofre-io/cofre/server/servertest"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// keeper is the server whose transit engine holds the seal key: a dev
// server with transit at transit/, key "autounseal", and a token that may
// only encrypt and decrypt with it.
type keeper struct {
	*servertest.Server
	token string
}

func startKeeper(t *testing.T, tokenTTL string) *keeper {
	t.Helper()
	s := servertest.StartDev(t)
	c := s.Client
	if err := c.Sys().Mount("transit", &vault.MountInput{Type: "transit"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Logical().Write("transit/keys/autounseal", nil); err != nil {
		t.Fatal(err)
	}
	policy := `path "transit/encrypt/autounseal" { capabilities = ["update"] }
path "transit/decrypt/autounseal" { capabilities = ["update"] }`
	if err := c.Sys().PutPolicy("autounseal", policy); err != nil {
		t.Fatal(err)
	}
	sec, err := c.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"autounseal"}, TTL: tokenTTL, NoParent: true})
	if err != nil {
		t.Fatal(err)
	}
	return &keeper{Server: s, token: sec.Auth.ClientToken}
}

// sealBlock is the seal "transit" block pointing at k.
func (k *keeper) sealBlock(disabled bool) config.Seal {
	return config.Seal{Type: "transit", Disabled: disabled, Options: map[string]string{}, Transit: &config.TransitSeal{
		Address: k.Addr, Token: k.token, KeyName: "autounseal", MountPath: "transit/",
	}}
}

func startNode(t *testing.T, dir string, logs *syncBuffer, seals ...config.Seal) *servertest.Server {
	t.Helper()
	return servertest.Start(t, servertest.Options{RaftDir: dir, Seals: seals, LogOutput: logs})
}

func sealStatus(t *testing.T, s *servertest.Server) *vault.SealStatusResponse {
	t.Helper()
	st, err := s.Client.Sys().SealStatus()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestTransitSealAutoUnseal: a server sealed by another server's transit
// engine initialises unsealed, unseals itself after a restart, and stays
// sealed, saying why, while the other server is down.
func TestTransitSealAutoUnseal(t *testing.T) {
	k := startKeeper(t, "")
	dir := t.TempDir()
	logs := &syncBuffer{}
	s := startNode(t, dir, logs, k.sealBlock(false))
	init, err := s.Client.Sys().Init(&vault.InitRequest{RecoveryShares: 3, RecoveryThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(init.Keys) != 0 || len(init.RecoveryKeys) != 3 {
		t.Fatalf("init: %d keys, %d recovery keys", len(init.Keys), len(init.RecoveryKeys))
	}
	if st := sealStatus(t, s); st.Sealed || st.Type != "transit" || !st.RecoverySeal {
		t.Fatalf("after init: %+v", st)
	}
	s.Client.SetToken(init.RootToken)
	if err := s.Client.Sys().PutPolicy("kept", `path "x" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	s.Stop()

	s = startNode(t, dir, logs, k.sealBlock(false))
	if st := sealStatus(t, s); st.Sealed {
		t.Fatalf("restart did not unseal: %+v\n%s", st, logs)
	}
	s.Client.SetToken(init.RootToken)
	if p, err := s.Client.Sys().GetPolicy("kept"); err != nil || p == "" {
		t.Fatalf("data lost: %q %v", p, err)
	}
	s.Stop()

	// The keeper goes away: the server stays sealed and the log says why.
	keeperAddr := k.Addr
	k.Stop()
	logs2 := &syncBuffer{}
	s = startNode(t, dir, logs2, k.sealBlock(false))
	st := sealStatus(t, s)
	if !st.Sealed || !st.Initialized || st.Type != "transit" {
		t.Fatalf("keeper down: %+v", st)
	}
	out := logs2.String()
	if !strings.Contains(out, "auto-unseal failed") || !strings.Contains(out, "cannot reach "+keeperAddr) {
		t.Fatalf("the log does not say why:\n%s", out)
	}
	if strings.Contains(out, k.token) {
		t.Fatal("the log shows the seal token")
	}
	// Unseal keys are no substitute for the seal.
	if _, err := s.Client.Sys().Unseal(init.RecoveryKeys[0]); err == nil {
		t.Fatal("a recovery key unsealed a transit-sealed server")
	}
}

// TestTransitSealRenewsToken: the wrapper keeps a short-lived token alive
// against a real server.
func TestTransitSealRenewsToken(t *testing.T) {
	k := startKeeper(t, "4s")
	w, err := transitseal.New(transitseal.Config{Address: k.Addr, Token: k.token, KeyName: "autounseal", MountPath: "transit"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		sec, err := k.Client.Auth().Token().Lookup(k.token)
		if err != nil {
			t.Fatal(err)
		}
		if sec.Data["last_renewal_time"] != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the token was not renewed: %v", sec.Data)
		}
		time.Sleep(100 * time.Millisecond) // polling the server, with a deadline
	}
	blob, err := w.Encrypt(context.Background(), []byte("root"), []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.Decrypt(context.Background(), blob, []byte("aad")); err != nil || string(got) != "root" {
		t.Fatalf("%q %v", got, err)
	}
}

// TestSealMigrationBothWays moves a Shamir server to the transit seal and
// back, restarting between steps; the data stays readable throughout.
func TestSealMigrationBothWays(t *testing.T) {
	k := startKeeper(t, "")
	dir := t.TempDir()
	logs := &syncBuffer{}
	s := startNode(t, dir, logs)
	init, err := s.Client.Sys().Init(&vault.InitRequest{SecretShares: 3, SecretThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range init.Keys[:2] {
		if _, err := s.Client.Sys().Unseal(key); err != nil {
			t.Fatal(err)
		}
	}
	root := init.RootToken
	s.Client.SetToken(root)
	writePolicy(t, s, "before")
	s.Stop()

	// Shamir -> transit: the transit block enabled, unseal with -migrate.
	s = startNode(t, dir, logs, k.sealBlock(false))
	if st := sealStatus(t, s); !st.Sealed || !st.Migration || st.Type != "shamir" || st.T != 2 {
		t.Fatalf("pending migration: %+v", st)
	}
	if _, err := s.Client.Sys().Unseal(init.Keys[0]); err == nil || !strings.Contains(err.Error(), "migrate") {
		t.Fatalf("unseal without migrate: %v", err)
	}
	migrate(t, s, init.Keys[1], true)
	if st := migrate(t, s, init.Keys[2], false); st.Sealed || st.Type != "transit" || st.Migration {
		t.Fatalf("after migration: %+v", st)
	}
	s.Client.SetToken(root)
	readPolicy(t, s, "before")
	writePolicy(t, s, "under-transit")
	s.Stop()

	// It now unseals itself.
	s = startNode(t, dir, logs, k.sealBlock(false))
	if st := sealStatus(t, s); st.Sealed || st.Type != "transit" || st.T != 2 || st.N != 3 {
		t.Fatalf("restart under transit: %+v", st)
	}
	s.Stop()

	// transit -> Shamir: the transit block disabled; the recovery shares
	// (the old unseal shares) with -migrate.
	s = startNode(t, dir, logs, k.sealBlock(true))
	if st := sealStatus(t, s); !st.Sealed || !st.Migration || st.Type != "transit" {
		t.Fatalf("pending migration back: %+v", st)
	}
	migrate(t, s, init.Keys[0], true)
	if st := migrate(t, s, init.Keys[2], false); st.Sealed || st.Type != "shamir" {
		t.Fatalf("after migration back: %+v", st)
	}
	s.Client.SetToken(root)
	readPolicy(t, s, "before")
	readPolicy(t, s, "under-transit")
	s.Stop()

	// Plain Shamir again: the same shares unseal.
	s = startNode(t, dir, logs)
	for _, key := range init.Keys[1:] {
		if _, err := s.Client.Sys().Unseal(key); err != nil {
			t.Fatal(err)
		}
	}
	s.Client.SetToken(root)
	readPolicy(t, s, "under-transit")
}

func migrate(t *testing.T, s *servertest.Server, key string, sealed bool) *vault.SealStatusResponse {
	t.Helper()
	st, err := s.Client.Sys().UnsealWithOptions(&vault.UnsealOpts{Key: key, Migrate: true})
	if err != nil {
		t.Fatalf("unseal -migrate: %v", err)
	}
	if st.Sealed != sealed {
		t.Fatalf("sealed = %v after a migrate share: %+v", st.Sealed, st)
	}
	return st
}

func writePolicy(t *testing.T, s *servertest.Server, name string) {
	t.Helper()
	if err := s.Client.Sys().PutPolicy(name, `path "`+name+`" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
}

func readPolicy(t *testing.T, s *servertest.Server, name string) {
	t.Helper()
	if p, err := s.Client.Sys().GetPolicy(name); err != nil || !strings.Contains(p, name) {
		t.Fatalf("policy %s: %q %v", name, p, err)
	}
}
