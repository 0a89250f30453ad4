package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestInitShamir(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"GET /v1/sys/seal-status": {body: `{"type":"shamir","initialized":false,"sealed":true,"t":0,"n":0}`},
		"PUT /v1/sys/init":        {body: `{"keys":["aa","bb"],"keys_base64":["qg==","uw=="],"root_token":"hvs.root"}`},
	})
	res := s.run(t, "operator", "init", "-key-shares=2", "-key-threshold=2")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Unseal Key 1: qg==\n", "Unseal Key 2: uw==\n", "Initial Root Token: hvs.root\n", "2 key shares and a key threshold of 2")
	body := s.last(t, "PUT", "/v1/sys/init").bodyMap(t)
	if body["secret_shares"] != 2.0 || body["secret_threshold"] != 2.0 || body["recovery_shares"] != nil {
		t.Errorf("init body = %v", body)
	}

	res = s.run(t, "operator", "init", "-format=json", "-key-shares=2", "-key-threshold=2")
	wantCode(t, res, ExitOK)
	var got machineInit
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.RootToken != "hvs.root" || len(got.UnsealKeysB64) != 2 || got.UnsealKeysHex[1] != "bb" || got.UnsealShares != 2 || got.RecoveryShares != 0 {
		t.Errorf("json init = %+v", got)
	}
	if !strings.Contains(res.stdout, `"recovery_keys_b64": []`) {
		t.Errorf("recovery_keys_b64 should be an empty list: %s", res.stdout)
	}
}

func TestInitAutoSealAndStatus(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"GET /v1/sys/seal-status": {body: `{"type":"static","initialized":false,"sealed":true,"recovery_seal":true}`},
		"PUT /v1/sys/init":        {body: `{"keys":[],"keys_base64":[],"recovery_keys":["cc"],"recovery_keys_base64":["zA=="],"root_token":"hvs.r"}`},
		"GET /v1/sys/init":        {body: `{"initialized":false}`},
	})
	res := s.run(t, "operator", "init", "-recovery-shares=1", "-recovery-threshold=1")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Recovery Key 1: zA==\n", "1 recovery key shares")
	body := s.last(t, "PUT", "/v1/sys/init").bodyMap(t)
	if body["recovery_shares"] != 1.0 || body["recovery_threshold"] != 1.0 || body["secret_shares"] != nil {
		t.Errorf("init body = %v", body)
	}
	res = s.run(t, "operator", "init", "-status")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stdout, "not initialized")
}

func TestUnseal(t *testing.T) {
	s := newStub(t, map[string]stubResp{"PUT /v1/sys/unseal": {body: sealedStatus}})
	res := s.run(t, "operator", "unseal", "c2VjcmV0LWtleQ==")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Unseal Progress    1/3")
	if b := s.last(t, "PUT", "/v1/sys/unseal").bodyMap(t); b["key"] != "c2VjcmV0LWtleQ==" {
		t.Errorf("unseal body = %v", b)
	}

	// The key from standard input, prompted on standard error.
	env, _, _ := testEnv(t, s.srv.URL, nil)
	env.Stdin = strings.NewReader("from-stdin-key\r\nignored\n")
	res = runEnv(t, env, "operator", "unseal")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stderr, "Unseal Key: ")
	if strings.Contains(res.stderr+res.stdout, "from-stdin-key") {
		t.Error("the key was echoed")
	}
	if b := s.last(t, "PUT", "/v1/sys/unseal").bodyMap(t); b["key"] != "from-stdin-key" {
		t.Errorf("unseal body = %v", b)
	}

	res = s.run(t, "operator", "unseal", "-reset")
	wantCode(t, res, ExitOK)
	if b := s.last(t, "PUT", "/v1/sys/unseal").bodyMap(t); b["reset"] != true || b["key"] != nil {
		t.Errorf("reset body = %v", b)
	}
	wantCode(t, s.run(t, "operator", "unseal", "a", "b"), ExitUsage)
}

func TestUnsealErrorHidesKey(t *testing.T) {
	s := newStub(t, map[string]stubResp{"PUT /v1/sys/unseal": {status: 400, body: `{"errors":["'key' must be a valid hex or base64 string"]}`}})
	res := s.run(t, "operator", "unseal", "not-a-key-SECRET")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "Error unsealing", "must be a valid hex")
	if strings.Contains(res.stderr, "SECRET") {
		t.Error("the key appears in the error")
	}
}

func TestSealRotateKeyStatus(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"PUT /v1/sys/seal":       {status: 204},
		"PUT /v1/sys/rotate":     {status: 204},
		"GET /v1/sys/key-status": {body: `{"request_id":"1","data":{"term":2,"install_time":"2025-01-01T00:00:00Z","encryptions":7}}`},
	})
	res := s.run(t, "operator", "seal")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Cofre is sealed.")
	s.last(t, "PUT", "/v1/sys/seal")

	res = s.run(t, "operator", "rotate")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Rotated key", "Key Term            2\n", "Install Time        2025-01-01T00:00:00Z", "Encryption Count    7")
	s.last(t, "PUT", "/v1/sys/rotate")

	res = s.run(t, "operator", "key-status", "-format=json")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, `"term": 2`, `"request_id": "1"`)
	res = s.run(t, "operator", "key-status", "-field=term")
	wantCode(t, res, ExitOK)
	if res.stdout != "2" {
		t.Errorf("-field=term printed %q", res.stdout)
	}
}

func TestRekey(t *testing.T) {
	status := `{"nonce":"n-1","started":true,"t":2,"n":3,"progress":0,"required":3,"verification_required":false}`
	s := newStub(t, map[string]stubResp{
		"PUT /v1/sys/rekey/init":              {body: status},
		"GET /v1/sys/rekey/init":              {body: status},
		"DELETE /v1/sys/rekey/init":           {status: 204},
		"PUT /v1/sys/rekey/update":            {body: `{"complete":true,"nonce":"n-1","keys":["0a","0b","0c"],"keys_base64":["Cg==","Cw==","DA=="]}`},
		"GET /v1/sys/rekey-recovery-key/init": {body: status},
	})
	res := s.run(t, "operator", "rekey", "-init", "-key-shares=3", "-key-threshold=2")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Nonce                    n-1", "Rekey Progress           0/3", "New Shares               3", "New Threshold            2")
	if b := s.last(t, "PUT", "/v1/sys/rekey/init").bodyMap(t); b["secret_shares"] != 3.0 || b["secret_threshold"] != 2.0 {
		t.Errorf("rekey init body = %v", b)
	}

	// Without -nonce the command asks the server for it.
	res = s.run(t, "operator", "rekey", "old-key")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Key 1: Cg==\n", "Key 3: DA==\n", "Operation nonce: n-1")
	if b := s.last(t, "PUT", "/v1/sys/rekey/update").bodyMap(t); b["key"] != "old-key" || b["nonce"] != "n-1" {
		t.Errorf("rekey update body = %v", b)
	}

	res = s.run(t, "operator", "rekey", "-cancel")
	wantCode(t, res, ExitOK)
	s.last(t, "DELETE", "/v1/sys/rekey/init")

	res = s.run(t, "operator", "rekey", "-status", "-target=recovery")
	wantCode(t, res, ExitOK)
	s.last(t, "GET", "/v1/sys/rekey-recovery-key/init")
	wantCode(t, s.run(t, "operator", "rekey", "-status", "-target=moon"), ExitUsage)
}

func TestRekeyNotStarted(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/rekey/init": {body: `{"started":false}`}})
	res := s.run(t, "operator", "rekey", "key")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "No rekey is in progress")
}

// encodeRootToken is the server side of the generate-root encoding.
func encodeRootToken(token, otp string) string {
	x := make([]byte, len(token))
	for i := range x {
		x[i] = token[i] ^ otp[i]
	}
	return base64.RawStdEncoding.EncodeToString(x)
}

func TestDecodeRootToken(t *testing.T) {
	otp, err := generateOTP(bytes.NewReader(bytes.Repeat([]byte{7, 200, 13, 99}, 200)), DefaultOTPLength)
	if err != nil {
		t.Fatal(err)
	}
	if len(otp) != DefaultOTPLength || strings.Trim(otp, base62Alphabet) != "" {
		t.Fatalf("otp %q is not %d base62 characters", otp, DefaultOTPLength)
	}
	token := "hvs.ABCDEFGHIJKLMNOPQRSTUVWX"
	enc := encodeRootToken(token, otp)
	for _, e := range []string{enc, base64.StdEncoding.EncodeToString(mustB64(t, enc)), " " + enc + "\n"} {
		got, err := DecodeRootToken(e, otp)
		if err != nil || got != token {
			t.Errorf("DecodeRootToken(%q) = %q, %v", e, got, err)
		}
	}
	if _, err := DecodeRootToken(enc, otp[:10]); !errors.Is(err, ErrOTPMismatch) {
		t.Errorf("short OTP error = %v", err)
	}
	if _, err := DecodeRootToken("!!!", otp); err == nil {
		t.Error("bad base64 accepted")
	}
}

func mustB64(t *testing.T, s string) []byte {
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGenerateRoot(t *testing.T) {
	otp := "ABCDEFGHIJKLMNOPQRSTUVWXYZab"
	token := "hvs.0123456789abcdefghijklmn"
	enc := encodeRootToken(token, otp)
	s := newStub(t, map[string]stubResp{
		"GET /v1/sys/generate-root/attempt":    {body: `{"started":true,"nonce":"g-1","progress":1,"required":3,"complete":false,"otp_length":28}`},
		"PUT /v1/sys/generate-root/attempt":    {body: `{"started":true,"nonce":"g-1","progress":0,"required":3,"complete":false,"otp":"` + otp + `","otp_length":28}`},
		"DELETE /v1/sys/generate-root/attempt": {status: 204},
		"PUT /v1/sys/generate-root/update":     {body: `{"started":true,"nonce":"g-1","progress":3,"required":3,"complete":true,"encoded_token":"` + enc + `","otp_length":28}`},
	})
	res := s.run(t, "operator", "generate-root", "-generate-otp")
	wantCode(t, res, ExitOK)
	if got := strings.TrimSpace(res.stdout); len(got) != 28 || strings.Trim(got, base62Alphabet) != "" {
		t.Errorf("generated OTP %q", got)
	}

	res = s.run(t, "operator", "generate-root", "-init")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "OTP           "+otp, "OTP Length    28", "Progress      0/3")
	if b := s.last(t, "PUT", "/v1/sys/generate-root/attempt").bodyMap(t); len(b) != 0 {
		t.Errorf("init without -otp sent %v", b)
	}
	res = s.run(t, "operator", "generate-root", "-init", "-otp="+otp)
	wantCode(t, res, ExitOK)
	if b := s.last(t, "PUT", "/v1/sys/generate-root/attempt").bodyMap(t); b["otp"] != otp {
		t.Errorf("init body = %v", b)
	}

	res = s.run(t, "operator", "generate-root", "share-3")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Complete         true", "Encoded Token    "+enc)
	if b := s.last(t, "PUT", "/v1/sys/generate-root/update").bodyMap(t); b["key"] != "share-3" || b["nonce"] != "g-1" {
		t.Errorf("update body = %v", b)
	}

	n := len(s.requests())
	res = s.run(t, "operator", "generate-root", "-decode="+enc, "-otp="+otp)
	wantCode(t, res, ExitOK)
	if res.stdout != token+"\n" {
		t.Errorf("decoded %q", res.stdout)
	}
	env, _, _ := testEnv(t, s.srv.URL, nil)
	env.Stdin = strings.NewReader(enc + "\n")
	res = runEnv(t, env, "operator", "generate-root", "-decode=-", "-otp="+otp)
	wantCode(t, res, ExitOK)
	if res.stdout != token+"\n" {
		t.Errorf("decoded from stdin %q", res.stdout)
	}
	if len(s.requests()) != n {
		t.Error("-decode talked to the server")
	}
	wantCode(t, s.run(t, "operator", "generate-root", "-decode="+enc), ExitUsage)

	res = s.run(t, "operator", "generate-root", "-cancel")
	wantCode(t, res, ExitOK)
	s.last(t, "DELETE", "/v1/sys/generate-root/attempt")
}
