package mount_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/mount"
	"github.com/cofre-io/cofre/provider/objversion"
)

const kvObjects = `
- objectName: username
  secretPath: secret/data/app/db
  secretKey: username
- objectName: password
  secretPath: secret/data/app/db
  secretKey: password
  filePermission: 0600
- objectName: db
  secretPath: secret/data/app/db
- objectName: pgpass
  secretPath: secret/data/app/db
  template: "db:5432:app:{{ .username }}:{{ .password }}\n"
`

func TestMountKV(t *testing.T) {
	f := newFixture(t)
	class := map[string]string{"roleName": "app", "objects": kvObjects}
	res := f.mount(appPod, class)
	if file(t, res, "username") != "appuser" || file(t, res, "password") != "s3cret" || file(t, res, "db/username") != "appuser" ||
		file(t, res, "db/password") != "s3cret" || file(t, res, "pgpass") != "db:5432:app:appuser:s3cret\n" || len(res.Files) != 5 {
		t.Fatalf("files %v", paths(res))
	}
	for _, fl := range res.Files {
		want := 0o644
		if fl.Path == "password" {
			want = 0o600
		}
		if int(fl.Mode) != want {
			t.Errorf("%s: mode %o", fl.Path, fl.Mode)
		}
	}
	v1 := versions(res)
	if len(v1) != 4 || v1["username"] == v1["password"] || !res.RefreshAfter.IsZero() {
		t.Fatalf("versions %v, refresh %v", v1, res.RefreshAfter)
	}
	reqs := f.srv.Requests()
	// One login, one read for four objects of one secret.
	if logins(reqs) != 1 || reqs["GET /v1/secret/data/app/db"] != 1 {
		t.Fatalf("requests %v", reqs)
	}

	// A poll: the token is reused, KV is read again, nothing changes.
	f.srv.ResetRequests()
	f.clock.Advance(2 * time.Minute)
	res = f.mount(appPod, class)
	if v := versions(res); !equal(v, v1) {
		t.Fatalf("versions changed without a change: %v %v", v, v1)
	}
	if reqs := f.srv.Requests(); logins(reqs) != 0 || reqs["GET /v1/secret/data/app/db"] != 1 || len(reqs) != 1 {
		t.Fatalf("poll requests %v", reqs)
	}

	// The password changes: only the objects holding it change version.
	f.srv.PutKV(t, "app/db", map[string]any{"username": "appuser", "password": "n3w"})
	res = f.mount(appPod, class)
	v2 := versions(res)
	if file(t, res, "password") != "n3w" || v2["username"] != v1["username"] || v2["password"] == v1["password"] ||
		v2["db"] == v1["db"] || v2["pgpass"] == v1["pgpass"] {
		t.Fatalf("after update: %v vs %v", v2, v1)
	}

	// ?version= reads an older version.
	res = f.mount(appPod, map[string]string{"roleName": "app", "objects": "- {objectName: old, secretPath: 'secret/data/app/db?version=1', secretKey: password}"})
	if file(t, res, "old") != "s3cret" {
		t.Fatal("version 1")
	}
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMountErrorsLeaveNoVolume(t *testing.T) {
	f := newFixture(t)
	f.srv.PutKV(t, "app/binary", map[string]any{"b": "not-base64!"})
	cases := []struct {
		name    string
		objects string
		extra   map[string]string
		code    providerapi.Code
	}{
		{"missing secret", "- {objectName: a, secretPath: secret/data/app/db, secretKey: username}\n- {objectName: b, secretPath: secret/data/app/nope, secretKey: x}", nil, providerapi.CodeSecretNotFound},
		{"missing key", "- {objectName: a, secretPath: secret/data/app/db, secretKey: nope}", nil, providerapi.CodeSecretNotFound},
		{"denied", "- {objectName: a, secretPath: secret/data/app/db, secretKey: username}\n- {objectName: b, secretPath: secret/data/other, secretKey: x}", nil, providerapi.CodePermissionDenied},
		{"bad encoding", "- {objectName: a, secretPath: secret/data/app/binary, secretKey: b, encoding: base64}", nil, providerapi.CodeRenderFailed},
		{"unknown parameter", "- {objectName: a, secretPath: secret/data/app/db}", map[string]string{"rolename": "x"}, providerapi.CodeInvalidRequest},
		{"bad template", "- {objectName: a, secretPath: secret/data/app/db, template: '{{ .x '}", nil, providerapi.CodeInvalidRequest},
		{"unknown role", "- {objectName: a, secretPath: secret/data/app/db}", map[string]string{"roleName": "nope"}, providerapi.CodeAuthFailed},
		{"directory clash", "- {objectName: db, secretPath: secret/data/app/db}\n- {objectName: db/username, secretPath: secret/data/app/db, secretKey: username}", nil, providerapi.CodeInvalidRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			class := map[string]string{"roleName": "app", "objects": c.objects}
			for k, v := range c.extra {
				class[k] = v
			}
			res, err := f.p.Mount(context.Background(), f.attrs(appPod, class), "", "", "/t")
			var me *mount.Error
			if res != nil || !errors.As(err, &me) || me.Code != c.code {
				t.Fatalf("got %v %v, want code %s", res, err, c.code)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "not-base64") {
				t.Fatalf("error holds a secret: %v", err)
			}
		})
	}
}

func TestOptionalObjects(t *testing.T) {
	f := newFixture(t)
	res := f.mount(appPod, map[string]string{"roleName": "app", "objects": `
- {objectName: user, secretPath: secret/data/app/db, secretKey: username}
- {objectName: extra, secretPath: secret/data/app/extra, secretKey: x, optional: true}
- {objectName: nokey, secretPath: secret/data/app/db, secretKey: x, optional: true}
`})
	v := versions(res)
	if len(res.Files) != 1 || v["extra"] != objversion.Absent || v["nokey"] != objversion.Absent || v["user"] == "" {
		t.Fatalf("files %v versions %v", paths(res), v)
	}
	f.srv.PutKV(t, "app/extra", map[string]any{"x": "now here"})
	res = f.mount(appPod, map[string]string{"roleName": "app", "objects": "- {objectName: extra, secretPath: secret/data/app/extra, secretKey: x, optional: true}"})
	if file(t, res, "extra") != "now here" || versions(res)["extra"] == objversion.Absent {
		t.Fatal("optional object after it appeared")
	}
}

func TestServerAddress(t *testing.T) {
	f := newFixture(t)
	class := map[string]string{"roleName": "app", "objects": "- {objectName: a, secretPath: secret/data/app/db}"}
	noDefault := f.newProvider(func(c *mount.Config) { c.DefaultAddress = "" })
	res, err := noDefault.Mount(context.Background(), f.attrs(appPod, class), "", "", "")
	var me *mount.Error
	if res != nil || !errors.As(err, &me) || me.Code != providerapi.CodeInvalidRequest || !errors.Is(err, mount.ErrNoAddress) {
		t.Fatalf("no address: %v", err)
	}
	// The class's address wins over the default.
	class["vaultAddress"] = f.srv.Addr
	if _, err := noDefault.Mount(context.Background(), f.attrs(appPod, class), "", "", ""); err != nil {
		t.Fatal(err)
	}
	class["vaultAddress"] = "http://127.0.0.1:1"
	res, err = f.p.Mount(context.Background(), f.attrs(appPod, class), "", "", "")
	if res != nil || !errors.As(err, &me) || me.Code != providerapi.CodeServerUnavailable {
		t.Fatalf("unreachable server: %v", err)
	}
}
