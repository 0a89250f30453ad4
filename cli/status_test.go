package cli

import (
	"encoding/json"
	"testing"
)

const unsealedStatus = `{"type":"shamir","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"nonce":"","version":"0.1.0","build_date":"","migration":false,"recovery_seal":false,"storage_type":"raft"}`
const sealedStatus = `{"type":"shamir","initialized":true,"sealed":true,"t":3,"n":5,"progress":1,"nonce":"abc-nonce","version":"0.1.0","migration":false,"recovery_seal":false,"storage_type":"raft"}`

func TestStatusUnsealed(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"GET /v1/sys/seal-status": {body: unsealedStatus},
		"GET /v1/sys/leader":      {body: `{"ha_enabled":true,"is_self":true,"active_time":"2025-01-01T00:00:00Z","leader_address":"https://a:8200","leader_cluster_address":"https://a:8201"}`},
	})
	res := s.run(t, "status")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout,
		"Key             Value\n---             -----\n",
		"Seal Type       shamir\n",
		"Initialized     true\n",
		"Sealed          false\n",
		"Total Shares    5\n",
		"Threshold       3\n",
		"Version         0.1.0\n",
		"Storage Type    raft\n",
		"HA Enabled      true\n",
		"HA Mode         active\n")
	if got := s.last(t, "GET", "/v1/sys/seal-status"); got.Header.Get("X-Vault-Token") != "root-token" {
		t.Errorf("token header = %q", got.Header.Get("X-Vault-Token"))
	}
}

func TestStatusSealedExit2(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/seal-status": {body: sealedStatus}})
	res := s.run(t, "status")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stdout, "Sealed", "true", "Unseal Progress    1/3", "Unseal Nonce       abc-nonce")
	for _, r := range s.requests() {
		if r.Path == "/v1/sys/leader" {
			t.Error("sys/leader asked while sealed")
		}
	}
	res = s.run(t, "status", "-format=json")
	wantCode(t, res, ExitUsage)
	var m map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &m); err != nil || m["sealed"] != true || m["t"] != 3.0 {
		t.Errorf("json status = %v (%v)", m, err)
	}
}

func TestStatusErrors(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/seal-status": {status: 500, body: `{"errors":["storage on fire"]}`}})
	res := s.run(t, "status")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "Error checking seal status", "storage on fire", "Code: 500")
	wantCode(t, s.run(t, "status", "extra"), ExitUsage)
	wantCode(t, s.run(t, "status", "-format=yaml"), ExitUsage)
	wantCode(t, s.run(t, "status", "-nope"), ExitUsage)
	wantCode(t, s.run(t, "status", "-h"), ExitOK)
}

func TestUnknownCommand(t *testing.T) {
	s := newStub(t, nil)
	res := s.run(t, "frobnicate")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, `Unknown command "frobnicate"`, "operator unseal")
	res = s.run(t, "operator")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "Usage: cofre operator <subcommand>", "operator rekey")
	wantCode(t, s.run(t), ExitUsage)
	wantCode(t, s.run(t, "-h"), ExitOK)
	res = s.run(t, "kv", "metadata")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "Usage: cofre kv metadata <subcommand>", "kv metadata put")
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent for usage errors", n)
	}
}
