package dbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestUser is the system user the servers run as when tests run as root.
const TestUser = "cofre-test"

// startTimeout bounds how long a server may take to accept connections.
const startTimeout = 60 * time.Second

var userMu sync.Mutex // serialises the useradd of concurrent tests in one process

// credential returns the credential child processes run with: nil when the
// test is not root, the TestUser's otherwise (created if missing).
func credential(t testing.TB) *syscall.Credential {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	userMu.Lock()
	defer userMu.Unlock()
	u, err := user.Lookup(TestUser)
	if err != nil {
		out, addErr := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TestUser).CombinedOutput()
		// Another test binary may have created it meanwhile: look again.
		if u, err = user.Lookup(TestUser); err != nil {
			t.Fatalf("dbtest: create user %s: %v %s", TestUser, addErr, out)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
}

// workDir returns a fresh t.TempDir() that cred's user may use. t.TempDir's
// parent is private to root (0700), so it is opened for traversal only.
func workDir(t testing.TB, cred *syscall.Credential) string {
	t.Helper()
	dir := t.TempDir()
	if cred == nil {
		return dir
	}
	if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return dir
}

// socketDir returns a directory for a unix socket under dir when the path is
// short enough for a socket address (about 100 bytes), or a short private
// one otherwise.
func socketDir(t testing.TB, dir string, cred *syscall.Credential) string {
	t.Helper()
	if len(dir)+len("/s/.s.PGSQL.65535.lock") < 100 {
		s := filepath.Join(dir, "s")
		mkdirFor(t, s, cred)
		return s
	}
	s, err := os.MkdirTemp("", "cofredb")
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(s) })
	if cred != nil {
		if err := os.Chown(s, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatalf("dbtest: %v", err)
		}
	}
	return s
}

func mkdirFor(t testing.TB, dir string, cred *syscall.Credential) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatalf("dbtest: %v", err)
		}
	}
}

// writeFileFor writes a file readable by cred's user only.
func writeFileFor(t testing.TB, path string, data []byte, cred *syscall.Credential) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	if cred != nil {
		if err := os.Chown(path, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatalf("dbtest: %v", err)
		}
	}
}

// command builds a command that runs as cred's user with a minimal
// environment.
func command(cred *syscall.Credential, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + dir, "LC_ALL=C", "TZ=UTC"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// run runs a setup command to completion and fails the test with its output.
func run(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("dbtest: %s: %v\n%s", cmd.Path, err, out.String())
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is a running server process owned by the test.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func startProc(cmd *exec.Cmd, logPath string) (*proc, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	// The server dies with the test binary even if cleanups never run.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig and waits for the process, killing it after a while.
func (p *proc) stop(sig os.Signal) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// errNotReady is what a readiness probe returns while it should be retried.
var errNotReady = errors.New("not ready")

// waitReady polls probe until it succeeds, the process exits, or the
// deadline passes.
func waitReady(p *proc, logPath string, probe func(context.Context) error) error {
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("server exited: %v\n%s", p.err, tail(logPath))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		last = probe(ctx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-p.done:
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("server not ready after %v: %v\n%s", startTimeout, last, tail(logPath))
}

// tail returns the end of a log file for failure messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// lookPath finds the first of names in PATH or in dirs, or skips/fails.
func lookPath(t testing.TB, what string, dirs []string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		for _, d := range dirs {
			p := filepath.Join(d, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
	}
	msg := fmt.Sprintf("dbtest: %s is not installed (looked for %v); run `make db-deps`", what, names)
	if os.Getenv("COFRE_SKIP_DB_TESTS") == "1" {
		t.Skip(msg)
	}
	t.Fatal(msg)
	return ""
}
