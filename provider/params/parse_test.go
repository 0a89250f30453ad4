package params

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// attrs builds an attributes JSON: the pod information plus extra.
func attrs(t testing.TB, extra map[string]string) string {
	t.Helper()
	m := map[string]string{
		AttrPodName:                    "app-1",
		AttrPodNamespace:               "shop",
		AttrPodUID:                     "0f3c5a2e-uid",
		AttrServiceAccount:             "app",
		"secretProviderClass":          "cofre-app",
		"csi.storage.k8s.io/ephemeral": "true",
	}
	for k, v := range extra {
		if v == "\x00delete" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const objectsYAML = `
- objectName: db/username
  secretPath: database/creds/app
  secretKey: username
- objectName: db/password
  secretPath: database/creds/app
  secretKey: password
  filePermission: 0600
- objectName: config
  secretPath: secret/data/app?version=3
- objectName: tls.crt
  secretPath: pki/issue/web
  method: POST
  secretArgs:
    common_name: app.example.com
    ttl: 24h
  secretKey: certificate
- objectName: tls.key
  secretPath: /pki/issue/web
  method: put
  secretArgs: {ttl: 24h, common_name: app.example.com}
  secretKey: private_key
  encoding: UTF-8
- objectName: blob
  secretPath: secret/data/blob
  secretKey: b
  encoding: base64
  filePermission: "0o640"
  optional: true
- objectName: app.env
  secretPath: secret/data/app
  secretArgs: {version: 2}
  template: "{{ .user }}"
`

func TestParseFull(t *testing.T) {
	tokens := `{"cofre":{"token":"eyJ.a.b","expirationTimestamp":"2030-01-02T03:04:05Z"}}`
	r, err := Parse(attrs(t, map[string]string{
		"roleName": "app", "vaultAddress": "https://cofre.example:8200", "vaultAuthMountPath": "auth/k8s/",
		"audience": "cofre", "vaultSkipTLSVerify": "true", "tlsServerName": "cofre.internal",
		"objects": objectsYAML, AttrTokens: tokens,
	}), `{"other":"x"}`, "420", "/var/lib/kubelet/pods/x/volumes/y")
	if err != nil {
		t.Fatal(err)
	}
	if r.Pod != (Pod{Name: "app-1", Namespace: "shop", UID: "0f3c5a2e-uid", ServiceAccount: "app"}) {
		t.Fatalf("pod %+v", r.Pod)
	}
	if r.Permission != 0o644 || r.TargetPath != "/var/lib/kubelet/pods/x/volumes/y" {
		t.Fatalf("permission %o target %q", r.Permission, r.TargetPath)
	}
	want := ServiceAccountToken{Token: "eyJ.a.b", Expiry: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	if got := r.Tokens["cofre"]; got.Token != want.Token || !got.Expiry.Equal(want.Expiry) || len(r.Tokens) != 1 {
		t.Fatalf("tokens %+v", r.Tokens)
	}
	c := r.Class
	if c.RoleName != "app" || c.Address != "https://cofre.example:8200" || c.AuthMountPath != "k8s" || c.Audience != "cofre" ||
		!c.TLS.SkipVerify || c.TLS.ServerName != "cofre.internal" {
		t.Fatalf("class %+v", c)
	}
	if len(c.Objects) != 7 {
		t.Fatalf("%d objects", len(c.Objects))
	}
	o := c.Objects
	if o[0].Method != MethodGet || o[0].Path != "database/creds/app" || o[0].Key != "username" || o[0].Mode != 0 || o[0].Encoding != EncodingUTF8 {
		t.Fatalf("object 0 %+v", o[0])
	}
	if o[1].Mode != 0o600 {
		t.Fatalf("object 1 mode %o", o[1].Mode)
	}
	if o[0].RequestKey() != o[1].RequestKey() {
		t.Fatalf("same request, different keys: %q %q", o[0].RequestKey(), o[1].RequestKey())
	}
	if o[2].Path != "secret/data/app" || !reflect.DeepEqual(o[2].Query, url.Values{"version": {"3"}}) || o[2].Key != "" {
		t.Fatalf("object 2 %+v", o[2])
	}
	if o[3].Method != MethodPost || o[3].Args["common_name"] != "app.example.com" || o[3].Query != nil {
		t.Fatalf("object 3 %+v", o[3])
	}
	if o[4].Method != MethodPut || o[4].Path != "pki/issue/web" {
		t.Fatalf("object 4 %+v", o[4])
	}
	// PUT and POST are the same to the server, and so are the same
	// arguments in another order.
	if o[3].RequestKey() != o[4].RequestKey() {
		t.Fatalf("keys %q %q", o[3].RequestKey(), o[4].RequestKey())
	}
	if o[5].Encoding != EncodingBase64 || o[5].Mode != 0o640 || !o[5].Optional {
		t.Fatalf("object 5 %+v", o[5])
	}
	if o[6].Template != "{{ .user }}" || o[6].Query.Get("version") != "2" || o[6].Args != nil {
		t.Fatalf("object 6 %+v", o[6])
	}
	if o[6].RequestKey() == o[2].RequestKey() {
		t.Fatal("different versions share a key")
	}
}

func TestParseDefaults(t *testing.T) {
	r, err := Parse(attrs(t, map[string]string{"roleName": "app", "objects": "- {objectName: a, secretPath: secret/data/a}"}), "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Permission != DefaultPermission || r.Class.AuthMountPath != DefaultAuthMountPath || r.Class.Address != "" || r.Tokens != nil {
		t.Fatalf("%+v", r)
	}
}

func TestParseTokensFromSecrets(t *testing.T) {
	sec, _ := json.Marshal(map[string]string{AttrTokens: `{"":{"token":"tok","expirationTimestamp":"2030-01-02T03:04:05Z"}}`})
	r, err := Parse(attrs(t, map[string]string{"roleName": "app", "objects": "- {objectName: a, secretPath: s/a}"}), string(sec), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Tokens[""].Token != "tok" {
		t.Fatalf("tokens %+v", r.Tokens)
	}
}

func TestParseErrors(t *testing.T) {
	good := "- {objectName: a, secretPath: secret/data/a}"
	cases := []struct {
		name  string
		extra map[string]string
		perm  string
		want  string
	}{
		{"unknown parameter", map[string]string{"roleName": "r", "objects": good, "rolename": "x"}, "", `unknown parameter "rolename"`},
		{"no role", map[string]string{"objects": good}, "", "roleName is required"},
		{"no objects", map[string]string{"roleName": "r"}, "", "objects is required"},
		{"empty list", map[string]string{"roleName": "r", "objects": "[]"}, "", "lists nothing"},
		{"not yaml list", map[string]string{"roleName": "r", "objects": "objectName: a"}, "", "not a YAML list"},
		{"bad yaml", map[string]string{"roleName": "r", "objects": "- {objectName: a"}, "", "not a YAML list"},
		{"unknown field", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, secretkey: x}"}, "", "unknown field"},
		{"duplicate yaml key", map[string]string{"roleName": "r", "objects": "- {objectName: a, objectName: b, secretPath: s/a}"}, "", "not a YAML list"},
		{"duplicate names", map[string]string{"roleName": "r", "objects": good + "\n- {objectName: a, secretPath: s/b}"}, "", `objects 1 and 2 are both named "a"`},
		{"nested names", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a}\n- {objectName: a/b, secretPath: s/b}"}, "", `"a/b" is inside "a"`},
		{"escape", map[string]string{"roleName": "r", "objects": "- {objectName: ../etc/passwd, secretPath: s/a}"}, "", `object 1 ("../etc/passwd"): objectName`},
		{"absolute", map[string]string{"roleName": "r", "objects": "- {objectName: /etc/passwd, secretPath: s/a}"}, "", "is absolute"},
		{"unclean", map[string]string{"roleName": "r", "objects": "- {objectName: a//b, secretPath: s/a}"}, "", "not a clean path"},
		{"reserved", map[string]string{"roleName": "r", "objects": "- {objectName: ..data, secretPath: s/a}"}, "", "reserved"},
		{"no name", map[string]string{"roleName": "r", "objects": "- {secretPath: s/a}"}, "", "empty path"},
		{"no path", map[string]string{"roleName": "r", "objects": "- {objectName: a}"}, "", "secretPath is required"},
		{"dotdot path", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: secret/../sys/x}"}, "", "element"},
		{"bad method", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, method: DELETE}"}, "", "is not GET, PUT or POST"},
		{"query on write", map[string]string{"roleName": "r", "objects": "- objectName: a\n  secretPath: s/a?x=1\n  method: PUT"}, "", "needs method GET"},
		{"bad encoding", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, encoding: rot13}"}, "", "encoding"},
		{"bad mode", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, filePermission: 1000}"}, "", "filePermission"},
		{"bad mode string", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, filePermission: '0689'}"}, "", "filePermission"},
		{"key and template", map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, secretKey: k, template: x}"}, "", "exclude"},
		{"aliases disagree", map[string]string{"roleName": "r", "objects": good, "cofreAddress": "https://a", "vaultAddress": "https://b"}, "", "disagree"},
		{"bad address", map[string]string{"roleName": "r", "objects": good, "cofreAddress": "cofre:8200"}, "", "not an http(s) URL"},
		{"namespace", map[string]string{"roleName": "r", "objects": good, "vaultNamespace": "team"}, "", "no namespaces"},
		{"bad bool", map[string]string{"roleName": "r", "objects": good, "skipTLSVerify": "yes please"}, "", "not a boolean"},
		{"half mTLS", map[string]string{"roleName": "r", "objects": good, "tlsClientCertPath": "/c"}, "", "go together"},
		{"no pod uid", map[string]string{"roleName": "r", "objects": good, AttrPodUID: "\x00delete"}, "", "podInfoOnMount"},
		{"bad tokens", map[string]string{"roleName": "r", "objects": good, AttrTokens: "[1]"}, "", "serviceAccount.tokens"},
		{"bad permission", map[string]string{"roleName": "r", "objects": good}, "1000", "permission"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(attrs(t, c.extra), "", c.perm, "")
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an ErrInvalid containing %q", err, c.want)
			}
		})
	}
}

func TestParseNotJSON(t *testing.T) {
	for _, in := range []string{"{", `{"a":1}`, `[]`} {
		if _, err := Parse(in, "", "", ""); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%q: %v", in, err)
		}
	}
	if _, err := Parse(attrs(t, nil), "nope", "", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("secrets: %v", err)
	}
}

func TestErrorsNeverQuoteTokens(t *testing.T) {
	secret := "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln"
	_, err := Parse(attrs(t, map[string]string{AttrTokens: `{"a":{"token":"` + secret + `","expirationTimestamp":"bad"}}`, "roleName": "r", "objects": "- {objectName: a, secretPath: s/a}"}), "", "", "")
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %v", err)
	}
}

func TestCheckNoNesting(t *testing.T) {
	for _, c := range []struct {
		paths []string
		ok    bool
	}{
		{[]string{"a", "a-b", "a/b"}, false},
		{[]string{"a/b/c", "a/b"}, false},
		{[]string{"a/b", "a/c", "ab/c", "a-b"}, true},
		{[]string{"x/y/z", "x/y/w", "x/yz"}, true},
	} {
		if err := CheckNoNesting(c.paths); (err == nil) != c.ok {
			t.Errorf("%v: %v", c.paths, err)
		}
	}
}

func TestModes(t *testing.T) {
	for in, want := range map[string]os.FileMode{"0600": 0o600, "'0600'": 0o600, "'600'": 0o600, "0o640": 0o640, "420": 0o644, "0": 0} {
		r, err := Parse(attrs(t, map[string]string{"roleName": "r", "objects": "- {objectName: a, secretPath: s/a, filePermission: " + in + "}"}), "", "", "")
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := r.Class.Objects[0].Mode; got != want {
			t.Errorf("%s: %o, want %o", in, got, want)
		}
	}
}
