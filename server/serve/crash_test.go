package serve_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"
)

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a `cofre server` child process.
type proc struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid after done
}

type lockedBuffer struct{ syncBuffer }

func (b *lockedBuffer) String() string { return string(b.Bytes()) }

// child starts `cofre server` args in a child process; it is killed at test
// end if still running.
func child(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "COFRE_SERVE_CHILD="+strings.Join(args, "\n"))
	p := &proc{cmd: cmd, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitUp polls until the server answers, fails if it exits first.
func waitUp(t *testing.T, c *vault.Client, p *proc) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := c.Sys().SealStatus(); err == nil {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("server exited (%v); output:\n%s", p.err, p.out.String())
		case <-deadline:
			t.Fatalf("server did not come up; output:\n%s", p.out.String())
		case <-tick.C:
		}
	}
}

func client(t *testing.T, addr string) *vault.Client {
	cfg := vault.DefaultConfig()
	cfg.Address = "http://" + addr
	cfg.MaxRetries = 0
	c, err := vault.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken("")
	return c
}

// TestKill9KeepsAcknowledgedWrites runs a Raft server process, writes
// policies, kills it with SIGKILL, restarts it and finds every write that
// was acknowledged.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	addr := freePort(t)
	cfgPath := filepath.Join(dir, "cofre.hcl")
	cfg := fmt.Sprintf(`
storage "raft" {
  path    = %q
  node_id = "n1"
}
cluster_addr = "http://127.0.0.1:0"
listener "tcp" {
  address     = %q
  tls_disable = true
}
`, filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p := child(t, "-config="+cfgPath)
	c := client(t, addr)
	waitUp(t, c, p)
	start := time.Now()
	init, err := c.Sys().Init(&vault.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("operator init on a fresh single-node raft server: %v", time.Since(start))
	if _, err := c.Sys().Unseal(init.Keys[0]); err != nil {
		t.Fatal(err)
	}
	c.SetToken(init.RootToken)
	var acked []string
	for i := 0; i < 40; i++ {
		name := fmt.Sprintf("p%03d", i)
		if err := c.Sys().PutPolicy(name, `path "x/`+name+`" { capabilities = ["read"] }`); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, name)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done

	p2 := child(t, "-config="+cfgPath)
	c2 := client(t, addr)
	waitUp(t, c2, p2)
	st, err := c2.Sys().Unseal(init.Keys[0])
	if err != nil || st.Sealed {
		t.Fatalf("unseal after kill -9: %+v %v\n%s", st, err, p2.out.String())
	}
	c2.SetToken(init.RootToken)
	for _, name := range acked {
		p, err := c2.Sys().GetPolicy(name)
		if err != nil || !strings.Contains(p, name) {
			t.Fatalf("policy %s lost after kill -9: %q %v", name, p, err)
		}
	}
}

// TestBadConfigRejected checks that a bad config stops the server at start
// with the file, line and reason.
func TestBadConfigRejected(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(cfgPath, []byte("storage \"raft\" {\n  path = \"/tmp/x\"\n  bogus = 1\n}\nlistener \"tcp\" { tls_disable = true }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := child(t, "-config="+cfgPath)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("server with a bad config did not exit")
	}
	if p.err == nil {
		t.Fatalf("server accepted a bad config:\n%s", p.out)
	}
	if !strings.Contains(p.out.String(), "bad.hcl:3") || !strings.Contains(p.out.String(), "bogus") {
		t.Fatalf("error does not name file, line and reason:\n%s", p.out)
	}
}
