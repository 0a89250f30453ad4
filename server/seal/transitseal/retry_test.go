package transitseal_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"
)

// TestUnsealsWhenKeeperComesBack: a server whose transit keeper is down at
// start stays sealed, says why, and unseals by itself once the keeper
// answers again, without a restart.
func TestUnsealsWhenKeeperComesBack(t *testing.T) {
	k := startKeeper(t, "1h")
	target, err := url.Parse(k.Addr)
	if err != nil {
		t.Fatal(err)
	}
	var down atomic.Bool
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, `{"errors":["keeper down"]}`, http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	block := k.sealBlock(false)
	block.Transit.Address = front.URL

	dir := t.TempDir()
	logs := &syncBuffer{}
	n := startNode(t, dir, logs, block)
	if _, err := n.Client.Sys().Init(&vault.InitRequest{RecoveryShares: 1, RecoveryThreshold: 1}); err != nil {
		t.Fatal(err)
	}
	n.Stop()

	down.Store(true)
	n2 := startNode(t, dir, logs, block)
	if st := sealStatus(t, n2); !st.Sealed {
		t.Fatal("unsealed while the keeper was down")
	}
	if !strings.Contains(logs.String(), "auto-unseal failed") {
		t.Fatalf("the log does not say why it is sealed:\n%s", logs.String())
	}
	down.Store(false)
	deadline := time.Now().Add(30 * time.Second)
	for sealStatus(t, n2).Sealed {
		if time.Now().After(deadline) {
			t.Fatalf("still sealed 30 s after the keeper came back:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond) // poll interval, bounded by the deadline
	}
}
