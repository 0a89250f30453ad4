package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/lease/leasetest"
)

func TestLeaseCommands(t *testing.T) {
	const id = "db/creds/app/AbC"
	s := newStub(t, map[string]stubResp{
		"PUT /v1/sys/leases/lookup":                 {body: `{"data":{"id":"` + id + `","ttl":300,"renewable":true,"last_renewal":null}}`},
		"PUT /v1/sys/leases/renew":                  {body: `{"lease_id":"` + id + `","lease_duration":600,"renewable":true,"data":null}`},
		"PUT /v1/sys/leases/revoke":                 {status: 204},
		"PUT /v1/sys/leases/revoke-prefix/db/creds": {status: 204},
		"PUT /v1/sys/leases/revoke-force/db/creds":  {status: 204},
	})
	res := s.run(t, "lease", "lookup", id)
	wantCode(t, res, ExitOK)
	wantRow(t, res.stdout, "id", id)
	wantRow(t, res.stdout, "ttl", "300")
	if b := s.last(t, "PUT", "/v1/sys/leases/lookup").bodyMap(t); b["lease_id"] != id {
		t.Errorf("lookup body = %v", b)
	}

	res = s.run(t, "lease", "renew", "-increment=10m", id)
	wantCode(t, res, ExitOK)
	wantRow(t, res.stdout, "lease_id", id)
	wantRow(t, res.stdout, "lease_renewable", "true")
	if b := s.last(t, "PUT", "/v1/sys/leases/renew").bodyMap(t); b["lease_id"] != id || b["increment"] != "10m0s" {
		t.Errorf("renew body = %v", b)
	}
	wantCode(t, s.run(t, "lease", "renew", id), ExitOK)
	if b := s.last(t, "PUT", "/v1/sys/leases/renew").bodyMap(t); len(b) != 1 {
		t.Errorf("renew without increment sent %v", b)
	}

	res = s.run(t, "lease", "revoke", id)
	wantCode(t, res, ExitOK)
	if !strings.Contains(res.stdout, "queued") {
		t.Errorf("revoke printed %q", res.stdout)
	}
	if b := s.last(t, "PUT", "/v1/sys/leases/revoke").bodyMap(t); b["lease_id"] != id || b["sync"] != false {
		t.Errorf("revoke body = %v", b)
	}
	res = s.run(t, "lease", "revoke", "-sync", id)
	wantCode(t, res, ExitOK)
	if res.stdout != "Success! Revoked lease: "+id+"\n" {
		t.Errorf("revoke -sync printed %q", res.stdout)
	}
	res = s.run(t, "lease", "revoke", "-prefix", "-sync", "db/creds")
	wantCode(t, res, ExitOK)
	if b := s.last(t, "PUT", "/v1/sys/leases/revoke-prefix/db/creds").bodyMap(t); b["sync"] != true {
		t.Errorf("revoke-prefix body = %v", b)
	}
	res = s.run(t, "lease", "revoke", "-prefix", "-force", "db/creds")
	wantCode(t, res, ExitOK)
	if !strings.Contains(res.stdout, "Force revoked") {
		t.Errorf("revoke -force printed %q", res.stdout)
	}
	s.last(t, "PUT", "/v1/sys/leases/revoke-force/db/creds")

	wantCode(t, s.run(t, "lease", "revoke", "-force", id), ExitUsage)
	wantCode(t, s.run(t, "lease", "lookup"), ExitUsage)
	wantCode(t, s.run(t, "lease", "renew", "-increment=soon", id), ExitUsage)
	bad := newStub(t, map[string]stubResp{"PUT /v1/sys/leases/lookup": {status: 400, body: `{"errors":["invalid lease"]}`}})
	res = bad.run(t, "lease", "lookup", "db/none")
	if res.code != ExitError || !strings.Contains(res.stderr, "invalid lease") {
		t.Errorf("lookup of a missing lease: %+v", res)
	}
}

// TestLeaseCommandsAgainstServer runs the commands against a real server
// with a leasing secrets engine.
func TestLeaseCommandsAgainstServer(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	sec, err := srv.Client.Logical().Read("db/creds/app")
	if err != nil || sec == nil || sec.LeaseID == "" {
		t.Fatalf("read: %+v, %v", sec, err)
	}
	run := func(args ...string) result {
		env, out, errb := testEnv(t, srv.Addr, map[string]string{"COFRE_TOKEN": srv.Root})
		return result{Run(context.Background(), args, env), out.String(), errb.String()}
	}
	res := run("lease", "lookup", sec.LeaseID)
	wantCode(t, res, ExitOK)
	wantRow(t, res.stdout, "id", sec.LeaseID)
	res = run("lease", "renew", "-increment=90s", sec.LeaseID)
	wantCode(t, res, ExitOK)
	wantRow(t, res.stdout, "lease_duration", "1m30s")
	res = run("lease", "revoke", "-sync", sec.LeaseID)
	wantCode(t, res, ExitOK)
	if u, _ := sec.Data["username"].(string); srv.Engine.IsLive(u) {
		t.Fatal("the secret survived lease revoke -sync")
	}
	res = run("lease", "lookup", sec.LeaseID)
	if res.code != ExitError || !strings.Contains(res.stderr, "invalid lease") {
		t.Fatalf("lookup after revoke: %+v", res)
	}
}
