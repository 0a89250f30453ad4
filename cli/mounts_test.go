package cli

import (
	"encoding/json"
	"testing"
)

func TestSecretsEnable(t *testing.T) {
	s := newStub(t, map[string]stubResp{"POST /v1/sys/mounts/kv-v2": {status: 204}, "POST /v1/sys/mounts/team": {status: 204}})
	res := s.run(t, "secrets", "enable", "kv-v2")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Enabled the kv-v2 secrets engine at: kv-v2/")
	b := s.last(t, "POST", "/v1/sys/mounts/kv-v2").bodyMap(t)
	if b["type"] != "kv" || b["options"].(map[string]any)["version"] != "2" {
		t.Errorf("enable body = %v", b)
	}

	res = s.run(t, "secrets", "enable", "-path=team/", "-description=Team secrets", "-default-lease-ttl=1h",
		"-max-lease-ttl=7d", "-options=foo=bar", "-version=1", "kv")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Enabled the kv secrets engine at: team/")
	b = s.last(t, "POST", "/v1/sys/mounts/team").bodyMap(t)
	cfg, _ := b["config"].(map[string]any)
	opts, _ := b["options"].(map[string]any)
	if b["type"] != "kv" || b["description"] != "Team secrets" || cfg["default_lease_ttl"] != "1h0m0s" ||
		cfg["max_lease_ttl"] != "168h0m0s" || opts["foo"] != "bar" || opts["version"] != "1" {
		t.Errorf("enable body = %v", b)
	}
	wantCode(t, s.run(t, "secrets", "enable", "-default-lease-ttl=soon", "kv"), ExitUsage)
	wantCode(t, s.run(t, "secrets", "enable"), ExitUsage)
}

func TestSecretsDisableTune(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"DELETE /v1/sys/mounts/team":    {status: 204},
		"POST /v1/sys/mounts/team/tune": {status: 204},
		"DELETE /v1/sys/mounts/gone":    {status: 400, body: `{"errors":["no mount at gone/"]}`},
	})
	res := s.run(t, "secrets", "disable", "team/")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Disabled the secrets engine (if it existed) at: team/")
	res = s.run(t, "secrets", "disable", "gone")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "no mount at gone/")

	res = s.run(t, "secrets", "tune", "-max-lease-ttl=2h", "-description=new", "team")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Tuned the secrets engine at: team/")
	b := s.last(t, "POST", "/v1/sys/mounts/team/tune").bodyMap(t)
	if b["max_lease_ttl"] != "2h0m0s" || b["description"] != "new" || b["default_lease_ttl"] != nil {
		t.Errorf("tune body = %v", b)
	}
}

const mountsBody = `{"request_id":"x","data":{
 "secret/":{"type":"kv","accessor":"kv_1","description":"key/value secret storage","options":{"version":"2"},"config":{"default_lease_ttl":0,"max_lease_ttl":3600},"local":false,"seal_wrap":false,"uuid":"u1"},
 "sys/":{"type":"system","accessor":"system_2","description":"","config":{}}
},"secret/":{"type":"kv"}}`

func TestSecretsList(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/mounts": {body: mountsBody}})
	res := s.run(t, "secrets", "list")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout,
		"Path       Type      Accessor    Description\n----       ----      --------    -----------\n",
		"secret/    kv        kv_1        key/value secret storage\n",
		"sys/       system    system_2    n/a\n")
	res = s.run(t, "secrets", "list", "-detailed")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Default TTL", "system", "1h", "map[version:2]", "u1")
	res = s.run(t, "secrets", "list", "-format=json")
	wantCode(t, res, ExitOK)
	var m map[string]map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &m); err != nil || m["secret/"]["accessor"] != "kv_1" || len(m) != 2 {
		t.Errorf("json list = %v (%v)", m, err)
	}
}

func TestMountsOfLegacyTopLevel(t *testing.T) {
	m, _ := decodeObject([]byte(`{"token/":{"type":"token"},"request_id":"x","lease_duration":0}`))
	got := mountsOf(m)
	if len(got) != 1 || got["token/"] == nil {
		t.Errorf("mountsOf = %v", got)
	}
}

func TestAuthCommands(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"POST /v1/sys/auth/people":   {status: 204},
		"DELETE /v1/sys/auth/people": {status: 204},
		"GET /v1/sys/auth":           {body: `{"data":{"token/":{"type":"token","accessor":"auth_token_1","description":"token based credentials"}}}`},
	})
	res := s.run(t, "auth", "enable", "-path=people", "-description=humans", "userpass")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Enabled userpass auth method at: people/")
	if b := s.last(t, "POST", "/v1/sys/auth/people").bodyMap(t); b["type"] != "userpass" || b["description"] != "humans" {
		t.Errorf("auth enable body = %v", b)
	}
	res = s.run(t, "auth", "disable", "auth/people/")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Disabled the auth method (if it existed) at: people/")
	s.last(t, "DELETE", "/v1/sys/auth/people")
	res = s.run(t, "auth", "list")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "token/    token    auth_token_1    token based credentials")
}
