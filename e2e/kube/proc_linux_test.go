package kube

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gone reports whether pid no longer runs: absent, or a zombie nobody reaps
// (PID 1 of a container may not).
func gone(pid int) bool { return !processAlive(pid) }

func waitGone(t *testing.T, pid int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := poll(ctx, func() (bool, error) { return gone(pid), nil }); err != nil {
		t.Fatalf("process %d still runs: %v", pid, err)
	}
}

const helperEnv = "COFRE_E2E_KUBE_HELPER_DIR"

// TestHelperProcess is not a test: run by TestChildDiesWithParent as a
// stand-in test binary, it starts a child the harness's way, prints its pid
// and waits to be killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		fmt.Println("error", err)
		return
	}
	p, err := startProcess("sleep", sleep, []string{"600"}, dir)
	if err != nil {
		fmt.Println("error", err)
		return
	}
	fmt.Println(p.cmd.Process.Pid)
	<-p.done // until killed with the helper
}

// TestChildDiesWithParent kills a test binary with SIGKILL (no cleanup runs)
// and checks that the child it started dies too.
func TestChildDiesWithParent(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("inside the helper")
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	helper.Env = append(os.Environ(), helperEnv+"="+t.TempDir())
	helper.SysProcAttr = sysProcAttr() // the helper dies with this test too
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer helper.Wait()
	defer helper.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("helper said %q", line)
	}
	if gone(pid) {
		t.Fatalf("child %d not running", pid)
	}
	if err := helper.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, pid)
}

// TestStop starts a real cluster (without the CRDs), stops it and checks
// that both children are gone and the directory removed.
func TestStop(t *testing.T) {
	if r := SkipReason(); r != "" {
		t.Skip(r)
	}
	var logs strings.Builder
	c, err := Start(t.Context(), Options{SkipCRDs: true, LogOutput: &logs})
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	t.Logf("cluster without CRDs started in %v", c.StartDuration)
	pids := []int{c.etcd.cmd.Process.Pid, c.apiserver.cmd.Process.Pid}
	for _, pid := range pids {
		if gone(pid) {
			t.Errorf("process %d not running after Start", pid)
		}
	}
	c.Stop()
	c.Stop() // a second Stop is harmless
	for _, pid := range pids {
		waitGone(t, pid)
	}
	if _, err := os.Stat(c.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still exists after Stop: %v", c.Dir, err)
	}
}

func TestSweepStale(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true:", err)
	}
	owners := map[string]string{
		"dead":    strconv.Itoa(dead.Process.Pid),
		"alive":   "1",
		"unowned": "",
	}
	dirs := map[string]string{}
	for name, owner := range owners {
		dir, err := os.MkdirTemp("", dirPrefix)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		dirs[name] = dir
		if owner != "" {
			if err := os.WriteFile(dir+"/"+ownerFile, []byte(owner), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	sweepStale()
	for name, dir := range dirs {
		_, err := os.Stat(dir)
		if removed := errors.Is(err, os.ErrNotExist); removed != (name == "dead") {
			t.Errorf("%s owner: removed = %v", name, removed)
		}
	}
}

// TestWaitForNoticesAnyExit: waiting for one child gives up as soon as any
// watched child exits, not at the deadline.
func TestWaitForNoticesAnyExit(t *testing.T) {
	dir := t.TempDir()
	long, err := startProcess("long", "/bin/sh", []string{"-c", "exec sleep 600"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer long.stop()
	short, err := startProcess("short", "/bin/sh", []string{"-c", "exit 4"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer short.stop()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err = waitFor(ctx, "long", func(context.Context) error { return errors.New("not yet") }, long, short)
	if !errors.Is(err, ErrStart) || !strings.Contains(err.Error(), "short exited early") || ctx.Err() != nil {
		t.Errorf("err = %v (ctx: %v), want short's early exit", err, ctx.Err())
	}
	pid := long.cmd.Process.Pid
	long.stop()
	waitGone(t, pid)
}
