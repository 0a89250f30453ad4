package audit

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func testSalt(t testing.TB) *Salt {
	t.Helper()
	s, err := NewSalt([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type point struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

func TestHashData(t *testing.T) {
	s := testSalt(t)
	h := s.Hash
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		in    map[string]any
		clear []string
		want  map[string]any
	}{
		{"nil", nil, nil, nil},
		{"string", map[string]any{"password": "pw"}, nil, map[string]any{"password": h("pw")}},
		{"empty string is hashed too", map[string]any{"a": ""}, nil, map[string]any{"a": h("")}},
		{"scalars kept", map[string]any{"n": 3, "f": 1.5, "b": true, "nil": nil, "num": json.Number("42"), "i64": int64(7), "d": time.Second},
			nil, map[string]any{"n": 3, "f": 1.5, "b": true, "nil": nil, "num": json.Number("42"), "i64": int64(7), "d": time.Second}},
		{"time kept", map[string]any{"t": when}, nil, map[string]any{"t": when}},
		{"nested map and list", map[string]any{"data": map[string]any{"k": "v", "l": []any{"a", 1, map[string]any{"deep": "x"}}}},
			nil, map[string]any{"data": map[string]any{"k": h("v"), "l": []any{h("a"), 1, map[string]any{"deep": h("x")}}}}},
		{"typed string collections", map[string]any{"keys": []string{"a", "b"}, "meta": map[string]string{"m": "v"}},
			nil, map[string]any{"keys": []string{h("a"), h("b")}, "meta": map[string]string{"m": h("v")}}},
		{"list of maps", map[string]any{"l": []map[string]any{{"a": "b"}}}, nil, map[string]any{"l": []any{map[string]any{"a": h("b")}}}},
		{"struct through JSON", map[string]any{"p": point{"secret", 2}}, nil, map[string]any{"p": map[string]any{"name": h("secret"), "n": json.Number("2")}}},
		{"pointer to string", map[string]any{"p": ptr("s")}, nil, map[string]any{"p": h("s")}},
		{"bytes as base64", map[string]any{"raw": []byte("hi")}, nil, map[string]any{"raw": h("aGk=")}},
		{"clear top-level keys", map[string]any{"role": "r", "pw": "p", "nested": map[string]any{"role": "x"}}, []string{"role"},
			map[string]any{"role": "r", "pw": h("p"), "nested": map[string]any{"role": h("x")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := deepCopyJSON(t, tc.in)
			got, err := hashData(tc.in, h, tc.clear)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("hashData =\n %#v\nwant\n %#v", got, tc.want)
			}
			if after := deepCopyJSON(t, tc.in); after != before {
				t.Fatalf("input modified: %s -> %s", before, after)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func deepCopyJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHashDataRejectsUnencodable(t *testing.T) {
	_, err := hashData(map[string]any{"c": make(chan int)}, testSalt(t).Hash, nil)
	if err == nil {
		t.Fatal("a channel in data was accepted")
	}
}

// decode parses one line (without the prefix) into a generic map.
func decode(t *testing.T, line []byte, prefix string) map[string]any {
	t.Helper()
	s := string(line)
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, "\n") || strings.Count(s, "\n") != 1 {
		t.Fatalf("line %q: want prefix %q and exactly one trailing newline", s, prefix)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(s, prefix)), &m); err != nil {
		t.Fatalf("line %q is not JSON: %v", s, err)
	}
	return m
}

func get(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func sampleInput() *Input {
	return &Input{
		Time: time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.FixedZone("x", 3600)),
		Path: "secret/data/app",
		Request: &logical.Request{
			ID: "req-1", Operation: logical.UpdateOperation, Path: "data/app",
			MountPoint: "secret/", MountType: "kv", MountAccessor: "kv_123",
			ClientToken: "hvs.callertoken", Connection: &logical.Connection{RemoteAddr: "10.0.0.9"},
			WrapTTL: 90 * time.Second,
			Data:    map[string]any{"data": map[string]any{"password": "hunter2", "port": json.Number("5432")}},
		},
		Auth: &AuthInfo{
			ClientToken: "hvs.callertoken", Accessor: "acc-caller", DisplayName: "approle",
			Policies: []string{"default", "app"}, TokenPolicies: []string{"default", "app"},
			Metadata: map[string]string{"role_name": "web"}, EntityID: "ent-1", TokenType: "service",
			TTL: time.Hour, IssueTime: time.Date(2025, 5, 6, 6, 0, 0, 0, time.UTC),
		},
	}
}

func TestFormatRequest(t *testing.T) {
	s := testSalt(t)
	f := NewFormatter(FormatOptions{HMACAccessor: true}, s)
	line, err := f.FormatRequest(sampleInput())
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, line, "")
	checks := map[string]struct {
		got  any
		want any
	}{
		"time":                          {m["time"], "2025-05-06T06:08:09.123456789Z"},
		"type":                          {m["type"], "request"},
		"auth.client_token":             {get(m, "auth", "client_token"), s.Hash("hvs.callertoken")},
		"auth.accessor":                 {get(m, "auth", "accessor"), s.Hash("acc-caller")},
		"auth.display_name":             {get(m, "auth", "display_name"), "approle"},
		"auth.policies":                 {get(m, "auth", "policies"), []any{"default", "app"}},
		"auth.token_policies":           {get(m, "auth", "token_policies"), []any{"default", "app"}},
		"auth.metadata":                 {get(m, "auth", "metadata"), map[string]any{"role_name": "web"}},
		"auth.entity_id":                {get(m, "auth", "entity_id"), "ent-1"},
		"auth.token_type":               {get(m, "auth", "token_type"), "service"},
		"auth.token_ttl":                {get(m, "auth", "token_ttl"), 3600.0},
		"auth.token_issue_time":         {get(m, "auth", "token_issue_time"), "2025-05-06T06:00:00Z"},
		"request.id":                    {get(m, "request", "id"), "req-1"},
		"request.operation":             {get(m, "request", "operation"), "update"},
		"request.path":                  {get(m, "request", "path"), "secret/data/app"},
		"request.mount_point":           {get(m, "request", "mount_point"), "secret/"},
		"request.mount_type":            {get(m, "request", "mount_type"), "kv"},
		"request.mount_accessor":        {get(m, "request", "mount_accessor"), "kv_123"},
		"request.client_token":          {get(m, "request", "client_token"), s.Hash("hvs.callertoken")},
		"request.client_token_accessor": {get(m, "request", "client_token_accessor"), s.Hash("acc-caller")},
		"request.namespace":             {get(m, "request", "namespace"), map[string]any{"id": "root"}},
		"request.remote_address":        {get(m, "request", "remote_address"), "10.0.0.9"},
		"request.wrap_ttl":              {get(m, "request", "wrap_ttl"), 90.0},
		"request.data":                  {get(m, "request", "data"), map[string]any{"data": map[string]any{"password": s.Hash("hunter2"), "port": 5432.0}}},
	}
	for name, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", name, c.got, c.want)
		}
	}
	for _, secret := range []string{"hunter2", "hvs.callertoken", "acc-caller"} {
		if strings.Contains(string(line), secret) {
			t.Errorf("line contains %q in clear: %s", secret, line)
		}
	}
	if _, ok := m["error"]; ok {
		t.Errorf("error set without one: %v", m["error"])
	}
}

func TestFormatOptions(t *testing.T) {
	s := testSalt(t)
	in := sampleInput()
	t.Run("hmac_accessor=false", func(t *testing.T) {
		line, _ := NewFormatter(FormatOptions{HMACAccessor: false}, s).FormatRequest(in)
		m := decode(t, line, "")
		if get(m, "auth", "accessor") != "acc-caller" || get(m, "request", "client_token_accessor") != "acc-caller" {
			t.Fatalf("accessor hashed: %s", line)
		}
		if get(m, "auth", "client_token") != s.Hash("hvs.callertoken") {
			t.Fatalf("token not hashed: %s", line)
		}
	})
	t.Run("log_raw", func(t *testing.T) {
		line, _ := NewFormatter(FormatOptions{LogRaw: true, HMACAccessor: true}, s).FormatRequest(in)
		m := decode(t, line, "")
		if get(m, "auth", "client_token") != "hvs.callertoken" || get(m, "auth", "accessor") != "acc-caller" ||
			get(m, "request", "data", "data", "password") != "hunter2" {
			t.Fatalf("log_raw still hashes: %s", line)
		}
	})
	t.Run("prefix", func(t *testing.T) {
		line, _ := NewFormatter(FormatOptions{Prefix: "@cee: ", HMACAccessor: true}, s).FormatRequest(in)
		decode(t, line, "@cee: ")
	})
	t.Run("auth error recorded", func(t *testing.T) {
		in := *in
		in.Auth = nil
		in.Err = logical.Errorf(logical.ErrPermissionDenied, "permission denied")
		line, _ := NewFormatter(FormatOptions{HMACAccessor: true}, s).FormatRequest(&in)
		m := decode(t, line, "")
		if m["error"] != "permission denied" || m["auth"] != nil {
			t.Fatalf("failed auth: %s", line)
		}
		if get(m, "request", "client_token") != s.Hash("hvs.callertoken") {
			t.Fatalf("presented token not hashed: %s", line)
		}
	})
}

func TestFormatResponse(t *testing.T) {
	s := testSalt(t)
	f := NewFormatter(FormatOptions{HMACAccessor: true}, s)
	in := sampleInput()
	in.Response = &logical.Response{
		Data:     map[string]any{"secret_id": "sid-1", "ttl": 30},
		Warnings: []string{"careful"},
		Auth: &logical.Auth{ClientToken: "hvs.newtoken", Accessor: "acc-new", Policies: []string{"p"},
			TokenPolicies: []string{"p"}, TTL: 2 * time.Hour, TokenType: "service", DisplayName: "approle-web"},
		Secret: &logical.Secret{LeaseID: "database/creds/ro/abc"},
	}
	line, err := f.FormatResponse(in)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, line, "")
	for name, c := range map[string]struct{ got, want any }{
		"type":                 {m["type"], "response"},
		"response.data":        {get(m, "response", "data"), map[string]any{"secret_id": s.Hash("sid-1"), "ttl": 30.0}},
		"response.auth.token":  {get(m, "response", "auth", "client_token"), s.Hash("hvs.newtoken")},
		"response.auth.acc":    {get(m, "response", "auth", "accessor"), s.Hash("acc-new")},
		"response.auth.ttl":    {get(m, "response", "auth", "token_ttl"), 7200.0},
		"response.secret":      {get(m, "response", "secret"), map[string]any{"lease_id": "database/creds/ro/abc"}},
		"response.warnings":    {get(m, "response", "warnings"), []any{"careful"}},
		"response.mount_type":  {get(m, "response", "mount_type"), "kv"},
		"request.data.hashed":  {get(m, "request", "data", "data", "password"), s.Hash("hunter2")},
		"auth (caller) hashed": {get(m, "auth", "client_token"), s.Hash("hvs.callertoken")},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", name, c.got, c.want)
		}
	}

	t.Run("wrap info", func(t *testing.T) {
		in := sampleInput()
		in.Response = &logical.Response{WrapInfo: &logical.WrapInfo{Token: "hvs.wrap", Accessor: "wacc", TTL: time.Minute,
			CreationTime: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), CreationPath: "secret/data/app", WrappedAccessor: "inner"}}
		line, _ := f.FormatResponse(in)
		m := decode(t, line, "")
		want := map[string]any{"token": s.Hash("hvs.wrap"), "accessor": s.Hash("wacc"), "ttl": 60.0,
			"creation_time": "2025-01-01T00:00:00Z", "creation_path": "secret/data/app", "wrapped_accessor": s.Hash("inner")}
		if got := get(m, "response", "wrap_info"); !reflect.DeepEqual(got, want) {
			t.Fatalf("wrap_info = %#v", got)
		}
	})
	t.Run("error only", func(t *testing.T) {
		in := sampleInput()
		in.Err = errors.New("backend broke")
		line, _ := f.FormatResponse(in)
		m := decode(t, line, "")
		if m["error"] != "backend broke" || m["response"] != nil {
			t.Fatalf("error response: %s", line)
		}
	})
	t.Run("elide list responses", func(t *testing.T) {
		in := sampleInput()
		in.Request.Operation = logical.ListOperation
		in.Response = &logical.Response{Data: map[string]any{"keys": []string{"a", "b", "c"}, "key_info": map[string]any{"a": 1, "b": 2}, "other": "x"}}
		line, _ := NewFormatter(FormatOptions{HMACAccessor: true, ElideListResponses: true}, s).FormatResponse(in)
		m := decode(t, line, "")
		want := map[string]any{"keys": 3.0, "key_info": 2.0, "other": s.Hash("x")}
		if got := get(m, "response", "data"); !reflect.DeepEqual(got, want) {
			t.Fatalf("elided data = %#v", got)
		}
		if ks := in.Response.Data["keys"].([]string); len(ks) != 3 {
			t.Fatal("response modified")
		}
		// Without the option, keys are listed (hashed).
		line, _ = f.FormatResponse(in)
		if got := get(decode(t, line, ""), "response", "data", "keys"); !reflect.DeepEqual(got, []any{s.Hash("a"), s.Hash("b"), s.Hash("c")}) {
			t.Fatalf("keys = %#v", got)
		}
	})
	t.Run("raw response", func(t *testing.T) {
		in := sampleInput()
		in.Response = &logical.Response{Raw: &logical.RawResponse{StatusCode: 200, ContentType: "application/pkix-cert", Body: []byte("PEM")}}
		line, _ := f.FormatResponse(in)
		if got := get(decode(t, line, ""), "response", "data", "http_raw_body"); got != s.Hash("PEM") {
			t.Fatalf("raw body = %#v", got)
		}
	})
	t.Run("non-hmac keys", func(t *testing.T) {
		in := sampleInput()
		in.Response = &logical.Response{Data: map[string]any{"role": "web", "secret": "s"}}
		in.NonHMACResponseKeys = []string{"role"}
		in.NonHMACRequestKeys = []string{"data"}
		line, _ := f.FormatResponse(in)
		m := decode(t, line, "")
		if get(m, "response", "data", "role") != "web" || get(m, "response", "data", "secret") != s.Hash("s") {
			t.Fatalf("response data = %v", get(m, "response", "data"))
		}
		if get(m, "request", "data", "data", "password") != "hunter2" {
			t.Fatalf("request data = %v", get(m, "request", "data"))
		}
	})
}

func TestParseFormatOptions(t *testing.T) {
	for _, tc := range []struct {
		in      map[string]string
		want    FormatOptions
		wantErr bool
	}{
		{nil, FormatOptions{HMACAccessor: true}, false},
		{map[string]string{"format": "json", "prefix": "p", "log_raw": "true", "hmac_accessor": "false", "elide_list_responses": "1", "skip_test": "t"},
			FormatOptions{Prefix: "p", LogRaw: true, ElideListResponses: true, SkipTest: true}, false},
		{map[string]string{"format": "jsonx"}, FormatOptions{}, true},
		{map[string]string{"log_raw": "yes"}, FormatOptions{}, true},
		{map[string]string{"hmac_accessor": ""}, FormatOptions{HMACAccessor: true}, false},
	} {
		got, err := ParseFormatOptions(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("%v: err = %v", tc.in, err)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidOption) || !errors.Is(err, logical.ErrInvalidRequest) {
				t.Errorf("%v: err %v is not an invalid option (400)", tc.in, err)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%v: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
