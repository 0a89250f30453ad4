package serve_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
	"github.com/cofre-io/cofre/server/token"
)

// syncBuffer collects the server log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}

// TestNoPlaintextAtRest writes known secrets, tokens and keys through a Raft
// server, stops it, and scans every byte of its data directory and its log
// for them.
func TestNoPlaintextAtRest(t *testing.T) {
	dir := t.TempDir()
	logs := &syncBuffer{}
	s := servertest.Start(t, servertest.Options{RaftDir: dir, LogOutput: logs})
	sys := s.Client.Sys()
	start := time.Now()
	init, err := sys.Init(&vault.InitRequest{SecretShares: 3, SecretThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("init on fresh single-node raft took %v", time.Since(start))
	for _, k := range init.Keys[:2] {
		if _, err := sys.Unseal(k); err != nil {
			t.Fatal(err)
		}
	}
	s.Client.SetToken(init.RootToken)

	const marker = "pl41nt3xt-m4rk3r-value-0xC0FFEE"
	if err := sys.PutPolicy("marker", `# `+marker+"\n"+`path "x/*" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	if err := sys.Mount("markermount", &vault.MountInput{Type: "kv", Description: marker}); err != nil {
		// The KV engine may not be registered yet; the description is then
		// not written, which the scan tolerates.
		t.Logf("mount: %v", err)
	}
	child, err := s.Core.Tokens().Create(context.Background(), &token.Entry{Policies: []string{"marker"}, Orphan: true})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string][]byte{
		"marker":      []byte(marker),
		"root token":  []byte(init.RootToken),
		"child token": []byte(child.ID),
	}
	for i, k := range init.Keys {
		raw, _ := hex.DecodeString(k)
		secrets["share hex "+k[:4]] = []byte(k)
		secrets["share raw "+string(rune('0'+i))] = raw
		secrets["share b64 "+string(rune('0'+i))] = []byte(base64.StdEncoding.EncodeToString(raw))
	}
	s.Stop()

	files := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for name, v := range secrets {
			if bytes.Contains(data, v) {
				t.Errorf("%s found in plaintext in %s", name, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 2 {
		t.Fatalf("scanned only %d files; is the data in %s?", files, dir)
	}
	logData := logs.Bytes()
	if len(logData) == 0 {
		t.Fatal("no server log captured")
	}
	for name, v := range secrets {
		if name == "marker" {
			continue
		}
		if bytes.Contains(logData, v) {
			t.Errorf("%s found in the server log", name)
		}
	}
}
