package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAuditEnable(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"PUT /v1/sys/audit/file":   {status: 204},
		"PUT /v1/sys/audit/team/a": {status: 204},
		"PUT /v1/sys/audit/bad":    {status: 400, body: `{"errors":["audit device test failed: open /nope/a.log: no such file or directory"]}`},
	})
	res := s.run(t, "audit", "enable", "file", "file_path=/var/log/audit.log", "mode=0640")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Enabled the file audit device at: file/")
	b := s.last(t, "PUT", "/v1/sys/audit/file").bodyMap(t)
	opts, _ := b["options"].(map[string]any)
	if b["type"] != "file" || opts["file_path"] != "/var/log/audit.log" || opts["mode"] != "0640" || b["local"] != false {
		t.Errorf("enable body = %v", b)
	}

	res = s.run(t, "audit", "enable", "-path=/team/a/", "-description=Team log", "-local", "socket", "address=127.0.0.1:9090", "socket_type=tcp")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Enabled the socket audit device at: team/a/")
	b = s.last(t, "PUT", "/v1/sys/audit/team/a").bodyMap(t)
	opts, _ = b["options"].(map[string]any)
	if b["type"] != "socket" || b["description"] != "Team log" || b["local"] != true || opts["address"] != "127.0.0.1:9090" {
		t.Errorf("enable body = %v", b)
	}

	res = s.run(t, "audit", "enable", "-path=bad", "file", "file_path=/nope/a.log")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "Error enabling audit device", "audit device test failed")

	res = s.run(t, "audit", "enable", "file", "secret-value")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "Option 1 must have the form KEY=VALUE")
	if strings.Contains(res.stderr, "secret-value") {
		t.Errorf("usage error shows the argument: %s", res.stderr)
	}
	wantCode(t, s.run(t, "audit", "enable"), ExitUsage)
}

func TestAuditDisable(t *testing.T) {
	s := newStub(t, map[string]stubResp{"DELETE /v1/sys/audit/file": {status: 204}})
	res := s.run(t, "audit", "disable", "file/")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Disabled audit device (if it was enabled) at: file/")
	s.last(t, "DELETE", "/v1/sys/audit/file")
	wantCode(t, s.run(t, "audit", "disable"), ExitUsage)
}

const auditBody = `{"request_id":"x","data":{
 "file/":{"type":"file","description":"","options":{"file_path":"/var/log/a.log","mode":"0600"},"local":false,"path":"file/"},
 "sock/":{"type":"socket","description":"to the SIEM","options":{"address":"10.0.0.1:9090"},"local":true,"path":"sock/"}
}}`

func TestAuditList(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/audit": {body: auditBody}})
	res := s.run(t, "audit", "list")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout,
		"Path     Type      Description\n----     ----      -----------\n",
		"file/    file      n/a\n",
		"sock/    socket    to the SIEM\n")
	res = s.run(t, "audit", "list", "-detailed")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Replication", "replicated", "local", "file_path=/var/log/a.log mode=0600", "address=10.0.0.1:9090")
	res = s.run(t, "audit", "list", "-format=json")
	wantCode(t, res, ExitOK)
	var m map[string]map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &m); err != nil || m["sock/"]["type"] != "socket" || len(m) != 2 {
		t.Errorf("json list = %v (%v)", m, err)
	}

	empty := newStub(t, map[string]stubResp{"GET /v1/sys/audit": {body: `{"request_id":"x","data":{}}`}})
	res = empty.run(t, "audit", "list")
	wantCode(t, res, exitNoValues)
	wantContains(t, res.stdout, "No audit devices are enabled.")
}
