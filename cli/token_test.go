package cli

import (
	"testing"
)

func TestTokenCreate(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"POST /v1/auth/token/create":     {body: loginAuth},
		"POST /v1/auth/token/create/ops": {body: loginAuth},
	})
	res := s.run(t, "token", "create", "-policy=a", "-policy=b,c", "-ttl=1h", "-explicit-max-ttl=2h", "-period=30m",
		"-orphan", "-use-limit=3", "-display-name=ci", "-metadata=team=x", "-type=service", "-renewable=false", "-no-default-policy")
	wantCode(t, res, ExitOK)
	wantRow(t, res.stdout, "token", "hvs.user")
	wantRow(t, res.stdout, "token_renewable", "true")
	b := s.last(t, "POST", "/v1/auth/token/create").bodyMap(t)
	pol, _ := b["policies"].([]any)
	meta, _ := b["meta"].(map[string]any)
	if len(pol) != 3 || pol[2] != "c" || b["ttl"] != "1h0m0s" || b["explicit_max_ttl"] != "2h0m0s" || b["period"] != "30m0s" ||
		b["no_parent"] != true || b["num_uses"] != 3.0 || b["display_name"] != "ci" || meta["team"] != "x" ||
		b["type"] != "service" || b["renewable"] != false || b["no_default_policy"] != true {
		t.Errorf("create body = %v", b)
	}
	res = s.run(t, "token", "create", "-role=ops", "-field=token")
	wantCode(t, res, ExitOK)
	if res.stdout != "hvs.user" {
		t.Errorf("-field=token printed %q", res.stdout)
	}
	if b := s.last(t, "POST", "/v1/auth/token/create/ops").bodyMap(t); len(b) != 0 {
		t.Errorf("bare create body = %v", b)
	}
	wantCode(t, s.run(t, "token", "create", "-ttl=forever"), ExitUsage)
}

func TestTokenLookupRenewRevoke(t *testing.T) {
	lookup := `{"data":{"id":"hvs.x","policies":["default"],"ttl":60}}`
	s := newStub(t, map[string]stubResp{
		"GET /v1/auth/token/lookup-self":      {body: lookup},
		"POST /v1/auth/token/lookup":          {body: lookup},
		"POST /v1/auth/token/lookup-accessor": {body: lookup},
		"POST /v1/auth/token/renew-self":      {body: loginAuth},
		"POST /v1/auth/token/renew":           {body: loginAuth},
		"POST /v1/auth/token/renew-accessor":  {body: loginAuth},
		"POST /v1/auth/token/revoke":          {status: 204},
		"POST /v1/auth/token/revoke-self":     {status: 204},
		"POST /v1/auth/token/revoke-accessor": {status: 204},
		"POST /v1/auth/token/revoke-orphan":   {status: 204},
	})
	res := s.run(t, "token", "lookup")
	wantCode(t, res, ExitOK)
	wantRow(t, res.stdout, "id", "hvs.x")
	wantRow(t, res.stdout, "ttl", "60")
	s.run(t, "token", "lookup", "hvs.other")
	if b := s.last(t, "POST", "/v1/auth/token/lookup").bodyMap(t); b["token"] != "hvs.other" {
		t.Errorf("lookup body = %v", b)
	}
	s.run(t, "token", "lookup", "-accessor", "acc")
	if b := s.last(t, "POST", "/v1/auth/token/lookup-accessor").bodyMap(t); b["accessor"] != "acc" {
		t.Errorf("lookup-accessor body = %v", b)
	}

	wantCode(t, s.run(t, "token", "renew", "-increment=1h"), ExitOK)
	if b := s.last(t, "POST", "/v1/auth/token/renew-self").bodyMap(t); b["increment"] != "1h0m0s" {
		t.Errorf("renew-self body = %v", b)
	}
	wantCode(t, s.run(t, "token", "renew", "hvs.other"), ExitOK)
	if b := s.last(t, "POST", "/v1/auth/token/renew").bodyMap(t); b["token"] != "hvs.other" || b["increment"] != nil {
		t.Errorf("renew body = %v", b)
	}
	wantCode(t, s.run(t, "token", "renew", "-accessor", "acc"), ExitOK)
	s.last(t, "POST", "/v1/auth/token/renew-accessor")

	res = s.run(t, "token", "revoke", "hvs.other")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Revoked token (if it existed)")
	if b := s.last(t, "POST", "/v1/auth/token/revoke").bodyMap(t); b["token"] != "hvs.other" {
		t.Errorf("revoke body = %v", b)
	}
	wantCode(t, s.run(t, "token", "revoke", "-self"), ExitOK)
	s.last(t, "POST", "/v1/auth/token/revoke-self")
	wantCode(t, s.run(t, "token", "revoke", "-accessor", "acc"), ExitOK)
	s.last(t, "POST", "/v1/auth/token/revoke-accessor")
	wantCode(t, s.run(t, "token", "revoke", "-mode=orphan", "hvs.o"), ExitOK)
	s.last(t, "POST", "/v1/auth/token/revoke-orphan")
	wantCode(t, s.run(t, "token", "revoke"), ExitUsage)
	wantCode(t, s.run(t, "token", "revoke", "-mode=path", "x"), ExitUsage)
}
