package serve_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// TestSIGHUPReopensAuditFile rotates a file audit device's log the way
// logrotate does (rename, then SIGHUP) and checks that later entries go to
// a fresh file at the configured path.
func TestSIGHUPReopensAuditFile(t *testing.T) {
	s := servertest.StartDev(t)
	log := filepath.Join(t.TempDir(), "audit.log")
	if err := s.Client.Sys().EnableAuditWithOptions("file", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": log}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client.Sys().ListAudit(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(log); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the audit file was not reopened after SIGHUP")
		}
		time.Sleep(10 * time.Millisecond) // polling a file the server creates
	}
	if _, err := s.Client.Logical().Read("sys/mounts"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"path":"sys/mounts"`) {
		t.Fatalf("new file lacks the later request:\n%s", b)
	}
	old, _ := os.ReadFile(log + ".1")
	if strings.Contains(string(old), `"path":"sys/mounts"`) || !strings.Contains(string(old), `"path":"sys/audit"`) {
		t.Fatalf("rotated file:\n%s", old)
	}
}
