package cubbyhole_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/cubbyhole"
	"github.com/cofre-io/cofre/server/servertest"
)

// newToken creates a child token with the default policy and returns a
// client using it and the token's accessor.
func newToken(t *testing.T, srv *servertest.Server, typ string) (*vault.Client, string) {
	t.Helper()
	sec, err := srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"default"}, Type: typ, TTL: "1h"})
	if err != nil {
		t.Fatalf("create %s token: %v", typ, err)
	}
	return srv.NewClient(t, sec.Auth.ClientToken), sec.Auth.Accessor
}

func statusOf(err error) int {
	if re, ok := err.(*vault.ResponseError); ok {
		return re.StatusCode
	}
	return 0
}

func TestHTTPTokensAreIsolated(t *testing.T) {
	srv := servertest.StartDev(t)
	alice, _ := newToken(t, srv, "service")
	bob, _ := newToken(t, srv, "service")
	if _, err := alice.Logical().Write("cubbyhole/shared", map[string]any{"owner": "alice"}); err != nil {
		t.Fatal(err)
	}
	if sec, err := bob.Logical().Read("cubbyhole/shared"); err != nil || sec != nil {
		t.Fatalf("bob reads alice's cubbyhole: %v %v", sec, err)
	}
	if sec, err := bob.Logical().List("cubbyhole/"); err != nil || sec != nil {
		t.Fatalf("bob lists alice's cubbyhole: %v %v", sec, err)
	}
	if _, err := bob.Logical().Write("cubbyhole/shared", map[string]any{"owner": "bob"}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*vault.Client{"alice": alice, "bob": bob} {
		sec, err := c.Logical().Read("cubbyhole/shared")
		if err != nil || sec == nil || sec.Data["owner"] != name {
			t.Fatalf("%s reads %v (err %v)", name, sec, err)
		}
		list, err := c.Logical().List("cubbyhole/")
		if err != nil || list == nil || !reflect.DeepEqual(list.Data["keys"], []any{"shared"}) {
			t.Fatalf("%s lists %v (err %v)", name, list, err)
		}
	}
	if _, err := bob.Logical().Delete("cubbyhole/shared"); err != nil {
		t.Fatal(err)
	}
	if sec, err := alice.Logical().Read("cubbyhole/shared"); err != nil || sec == nil || sec.Data["owner"] != "alice" {
		t.Fatalf("after bob's delete alice reads %v (err %v)", sec, err)
	}
}

func TestHTTPBatchTokenRefused(t *testing.T) {
	srv := servertest.StartDev(t)
	batch, _ := newToken(t, srv, "batch")
	_, err := batch.Logical().Write("cubbyhole/x", map[string]any{"a": "b"})
	if statusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), `only supported by "service" type tokens`) {
		t.Fatalf("batch token write: %v", err)
	}
	if _, err := batch.Logical().Read("cubbyhole/x"); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("batch token read: %v", err)
	}
}

func TestHTTPDestroyedOnRevoke(t *testing.T) {
	srv := servertest.StartDev(t)
	ctx := context.Background()
	c, acc := newToken(t, srv, "service")
	if _, err := c.Logical().Write("cubbyhole/a/b", map[string]any{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	route, _, ok := srv.Core.Mounts().Route("cubbyhole/")
	if !ok {
		t.Fatal("cubbyhole is not mounted")
	}
	cub := route.Backend.(*cubbyhole.Backend)
	if v, err := cub.Get(ctx, acc, "a/b"); err != nil || v == nil {
		t.Fatalf("before revoke: %v %v", v, err)
	}
	if err := c.Auth().Token().RevokeSelf(""); err != nil {
		t.Fatal(err)
	}
	if v, err := cub.Get(ctx, acc, "a/b"); err != nil || v != nil {
		t.Fatalf("revoked token's cubbyhole still holds %v (err %v)", v, err)
	}
}

func TestHTTPMountIsProtected(t *testing.T) {
	srv := servertest.StartDev(t)
	if err := srv.Client.Sys().Unmount("cubbyhole"); err == nil {
		t.Fatal("cubbyhole/ was disabled")
	}
	if err := srv.Client.Sys().Remount("cubbyhole", "elsewhere"); err == nil {
		t.Fatal("cubbyhole/ was moved")
	}
	// Still there and working.
	if _, err := srv.Client.Logical().Write("cubbyhole/k", map[string]any{"a": "b"}); err != nil {
		t.Fatal(err)
	}
}
