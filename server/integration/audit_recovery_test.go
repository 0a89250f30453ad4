package integration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// auditRefusal reports which entry (request or response) an error says
// could not be recorded, or "" if it is not an audit refusal.
func auditRefusal(err error) string {
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 500 {
		return ""
	}
	msg := strings.Join(re.Errors, " ")
	for _, entry := range []string{"request", "response"} {
		if strings.Contains(msg, "audit: no audit device could record the "+entry) {
			return entry
		}
	}
	return ""
}

// TestAuditResumesWhenSpaceIsFreed fills the small tmpfs holding the only
// audit log: requests are refused (those refused before running leave no
// trace), and once space is freed service resumes by itself with a log
// that is still one JSON object per line.
func TestAuditResumesWhenSpaceIsFreed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
	s := servertest.StartDev(t) // stops (closing the log) before the umount
	c := s.Client
	log := filepath.Join(dir, "audit.log")
	must(t, c.Sys().EnableAuditWithOptions("file", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": log}}))
	_, err := c.KVv2("secret").Put(t.Context(), "demo/before", map[string]any{"v": "1"})
	must(t, err)

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	must(t, err)
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			break // the tmpfs is full
		}
	}
	f.Close()

	// Until the log's last page is used up some entries still fit; keep
	// going until a request is refused before it runs.
	refused := map[string]string{} // key -> entry that failed
	requestRefused := ""
	for i := 0; i < 300 && requestRefused == ""; i++ {
		key := fmt.Sprintf("demo/k%d", i)
		_, err := c.KVv2("secret").Put(t.Context(), key, map[string]any{"v": "1"})
		if err == nil {
			continue
		}
		entry := auditRefusal(err)
		if entry == "" {
			t.Fatalf("put %s: %v, want an audit refusal", key, err)
		}
		refused[key] = entry
		if entry == "request" {
			requestRefused = key
		}
	}
	if requestRefused == "" {
		t.Fatalf("no request was refused with the log's filesystem full (refusals: %v)", refused)
	}
	if n := counter(t, s, "cofre_audit_log_request_failures_total", "file/"); n < 1 {
		t.Fatalf("request failures counted: %v", n)
	}

	must(t, os.Remove(filler))
	for i := range 5 {
		_, err := c.KVv2("secret").Put(t.Context(), fmt.Sprintf("demo/after%d", i), map[string]any{"v": "1"})
		if err != nil {
			t.Fatalf("after freeing space, put %d: %v", i, err)
		}
	}
	// What was refused at the request stage never ran; what was refused
	// at the response stage had run (as in Vault: the client sees an
	// error, the write stands).
	for key, entry := range refused {
		_, err := c.KVv2("secret").Get(t.Context(), key)
		ran := err == nil
		if ran != (entry == "response") {
			t.Errorf("%s refused at the %s stage: ran=%v (%v)", key, entry, ran, err)
		}
	}
	auditLog(t, log) // every line (no partial one left by a failed write) is JSON
}

// collector is a TCP audit collector: it counts the lines it receives.
type collector struct {
	ln      net.Listener
	lines   chan string
	mu      sync.Mutex
	conns   []net.Conn
	readers sync.WaitGroup
	done    chan struct{}
	once    sync.Once
}

func startCollector(t *testing.T, addr string) *collector {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	k := &collector{ln: ln, lines: make(chan string, 1000), done: make(chan struct{})}
	go func() {
		defer close(k.done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			k.mu.Lock()
			k.conns = append(k.conns, conn)
			k.mu.Unlock()
			k.readers.Go(func() {
				sc := bufio.NewScanner(conn)
				sc.Buffer(nil, 1<<20)
				for sc.Scan() {
					select {
					case k.lines <- sc.Text():
					default: // the test reads only a few
					}
				}
			})
		}
	}()
	t.Cleanup(k.stop)
	return k
}

// stop closes the listener and every connection, like a crashed collector.
func (k *collector) stop() {
	k.once.Do(func() {
		k.ln.Close()
		<-k.done
		k.mu.Lock()
		for _, c := range k.conns {
			c.Close()
		}
		k.mu.Unlock()
		k.readers.Wait()
	})
}

func (k *collector) waitLine(t *testing.T, contains string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l := <-k.lines:
			if strings.Contains(l, contains) {
				return
			}
		case <-deadline:
			t.Fatalf("the collector received no line with %q", contains)
		}
	}
}

// TestAuditSocketCollectorGoingAway: a socket device whose collector dies
// does not stop service while a file device still records; alone, it
// refuses requests until the collector is back, then recovers by itself.
func TestAuditSocketCollectorGoingAway(t *testing.T) {
	k := startCollector(t, "127.0.0.1:0")
	addr := k.ln.Addr().String()
	s := servertest.StartDev(t)
	c := s.Client
	must(t, c.Sys().EnableAuditWithOptions("sock", &vault.EnableAuditOptions{Type: "socket", Options: map[string]string{"address": addr, "socket_type": "tcp"}}))
	must(t, c.Sys().EnableAuditWithOptions("file", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": filepath.Join(t.TempDir(), "audit.log")}}))
	_, err := c.KVv2("secret").Put(t.Context(), "demo/one", map[string]any{"v": "1"})
	must(t, err)
	k.waitLine(t, `"path":"secret/data/demo/one"`)

	k.stop()
	_, err = c.KVv2("secret").Put(t.Context(), "demo/two", map[string]any{"v": "2"})
	must(t, err) // the file device recorded it
	if n := counter(t, s, "cofre_audit_log_request_failures_total", "sock/"); n < 1 {
		t.Fatalf("socket request failures counted: %v", n)
	}

	// Alone, the dead socket device refuses requests. (Disabling the file
	// device through the API would be refused at its response, recorded
	// only by the dead socket; the operator does it in-process.)
	if ok, err := s.Core.DisableAudit(context.Background(), "file"); !ok || err != nil {
		t.Fatalf("disable file: %v %v", ok, err)
	}
	_, err = c.KVv2("secret").Put(t.Context(), "demo/three", map[string]any{"v": "3"})
	if auditRefusal(err) != "request" {
		t.Fatalf("put with only a dead socket device: %v", err)
	}

	// The collector comes back on the same address: service resumes.
	k2 := startCollector(t, addr)
	_, err = c.KVv2("secret").Put(t.Context(), "demo/four", map[string]any{"v": "4"})
	must(t, err)
	k2.waitLine(t, `"path":"secret/data/demo/four"`)
	if _, err := c.KVv2("secret").Get(t.Context(), "demo/three"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("the refused write happened: %v", err)
	}
}
