package raft

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Environment of the helper process: the data directory and a key prefix.
const (
	helperDirEnv    = "COFRE_RAFT_HELPER_DIR"
	helperPrefixEnv = "COFRE_RAFT_HELPER_PREFIX"
)

// crashValue is the value the helper writes under key.
func crashValue(key string) []byte { return []byte(strings.Repeat(key, 8)) }

// TestHelperProcess is not a test: TestCrashDurability runs the test binary
// again with only this function selected. It opens the backend and writes
// forever from several goroutines, printing "ack <key>" after each write
// (and "ack tx <key-a> <key-b>" after each transaction) returns nil, until
// it is killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("helper process for TestCrashDurability")
	}
	prefix := os.Getenv(helperPrefixEnv)
	ctx := context.Background()
	b, err := New(ctx, Config{Path: dir, ClusterAddr: "127.0.0.1:0"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: New:", err)
		os.Exit(2)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "helper: write:", err)
		os.Exit(3)
	}
	for w := range 4 {
		go func() {
			for i := 0; ; i++ {
				key := fmt.Sprintf("%s/w%d/%06d", prefix, w, i)
				if i%5 == 0 {
					ka, kb := key+"/a", key+"/b"
					err := b.Transaction(ctx, []storage.TxnOp{
						{Entry: storage.Entry{Key: ka, Value: crashValue(ka)}},
						{Entry: storage.Entry{Key: kb, Value: crashValue(kb)}},
					})
					if err != nil {
						fail(err)
					}
					fmt.Printf("ack tx %s %s\n", ka, kb) // one write(2) per line: atomic on a pipe
					continue
				}
				if err := b.Put(ctx, &storage.Entry{Key: key, Value: crashValue(key)}); err != nil {
					fail(err)
				}
				fmt.Printf("ack %s\n", key)
			}
		}()
	}
	select {} // until SIGKILL
}

// TestCrashDurability kills a writing process with SIGKILL, twice, and checks
// that every write it acknowledged is present after reopening the directory
// and that every transaction is all-or-nothing.
func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	var acked []string
	var txns [][2]string
	for round := range 2 {
		a, tx := runAndKill(t, dir, fmt.Sprintf("r%d", round), 150)
		acked = append(acked, a...)
		txns = append(txns, tx...)

		b := openBackend(t, testConfig(t, dir))
		ctx := context.Background()
		for _, k := range acked {
			e, err := b.Get(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if e == nil || !bytes.Equal(e.Value, crashValue(k)) {
				t.Fatalf("round %d: acknowledged key %q lost (%d acknowledged)", round, k, len(acked))
			}
		}
		// Unacknowledged transactions must be whole or absent too.
		for _, w := range []string{"w0", "w1", "w2", "w3"} {
			names, err := b.List(ctx, fmt.Sprintf("r%d/%s/", round, w))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if !strings.HasSuffix(n, "/") {
					continue
				}
				sub, err := b.List(ctx, fmt.Sprintf("r%d/%s/%s", round, w, n))
				if err != nil {
					t.Fatal(err)
				}
				if len(sub) != 2 {
					t.Fatalf("transaction %s%s half applied: %q", w, n, sub)
				}
			}
		}
		t.Logf("round %d: %d writes acknowledged before SIGKILL, all present; applied index %s",
			round, len(acked), b.Stats()["fsm_applied_index"])
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(txns) == 0 {
		t.Fatal("no transactions acknowledged")
	}
}

// runAndKill starts the helper on dir, kills it with SIGKILL after it has
// acknowledged killAfter writes, and returns every key it acknowledged
// (transactions also as pairs).
func runAndKill(t *testing.T, dir, prefix string, killAfter int) ([]string, [][2]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir, helperPrefixEnv+"="+prefix)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	var txns [][2]string
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() { // read to EOF: lines written before the kill still count
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "ack":
			keys = append(keys, f[1])
		case len(f) == 4 && f[0] == "ack" && f[1] == "tx":
			keys = append(keys, f[2], f[3])
			txns = append(txns, [2]string{f[2], f[3]})
		default:
			continue
		}
		if !killed && len(keys) >= killAfter {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("helper exited before %d acks (%d): %v\n%s", killAfter, len(keys), err, stderr.String())
	}
	if ctx.Err() != nil {
		t.Fatalf("helper timed out:\n%s", stderr.String())
	}
	return keys, txns
}
