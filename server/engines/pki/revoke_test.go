package pki

import (
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func inCRL(t *testing.T, f *fixture, serial string) bool {
	t.Helper()
	resp := f.read("crl")
	crl := mustCRL(t, resp.Raw.Body)
	n, _ := parseSerial(serial)
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(n) == 0 {
			return true
		}
	}
	return false
}

func TestRevokeAndCRL(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	leaf := f.write("issue/web", map[string]any{"common_name": "a.example.com"})
	other := f.write("issue/web", map[string]any{"common_name": "b.example.com"})
	serial := leaf["serial_number"].(string)

	before := mustCRL(t, f.read("crl").Raw.Body)
	if len(before.RevokedCertificateEntries) != 0 {
		t.Fatal("fresh CRL is not empty")
	}
	rev := f.write("revoke", map[string]any{"serial_number": serial})
	if rev["revocation_time"] != f.clock.Now().Unix() {
		t.Fatalf("revocation_time %v", rev["revocation_time"])
	}
	crl := mustCRL(t, f.read("crl").Raw.Body)
	if err := crl.CheckSignatureFrom(h.interCert); err != nil {
		t.Fatalf("CRL signature: %v", err)
	}
	if crl.Number.Int64() <= before.Number.Int64() {
		t.Fatalf("CRL number %v did not grow from %v", crl.Number, before.Number)
	}
	if !inCRL(t, f, serial) || inCRL(t, f, other["serial_number"].(string)) {
		t.Fatal("CRL does not list exactly the revoked serial")
	}
	// A second revocation keeps the first time; the hyphen form works.
	f.clock.Advance(time.Minute)
	again := f.write("revoke", map[string]any{"serial_number": serialKey(serial)})
	if again["revocation_time"] != rev["revocation_time"] {
		t.Fatal("second revocation changed the time")
	}
	got := f.read("cert/" + serial)
	if got.Data["revocation_time"] != rev["revocation_time"] {
		t.Fatalf("cert/<serial> revocation_time %v", got.Data["revocation_time"])
	}
	list, err := f.do(logical.ListOperation, "certs/revoked/", nil)
	if err != nil || len(list.Data["keys"].([]string)) != 1 || list.Data["keys"].([]string)[0] != serial {
		t.Fatalf("certs/revoked = %v %v", list, err)
	}
	// PEM forms and per-issuer JSON.
	pemResp := f.read("crl/pem")
	if pemResp.Raw.ContentType != ctPEMFile || mustCRL(t, pemResp.Raw.Body).Number.Cmp(crl.Number) != 0 {
		t.Fatal("crl/pem differs from crl")
	}
	js := f.read("issuer/default/crl")
	if mustCRL(t, []byte(js.Data["crl"].(string))).Number.Cmp(crl.Number) != 0 {
		t.Fatal("issuer/default/crl differs")
	}
	// Rotation increments the number and keeps the entry.
	f.read("crl/rotate")
	rotated := mustCRL(t, f.read("crl").Raw.Body)
	if rotated.Number.Int64() != crl.Number.Int64()+1 || len(rotated.RevokedCertificateEntries) != 1 {
		t.Fatalf("rotate: number %v entries %d", rotated.Number, len(rotated.RevokedCertificateEntries))
	}

	_, err = f.do(logical.UpdateOperation, "revoke", map[string]any{"serial_number": "01:02:03"})
	badRequestContaining(t, err, "certificate with serial 01:02:03 not found")
	_, err = f.do(logical.UpdateOperation, "revoke", map[string]any{"certificate": pemString("CERTIFICATE", h.interCert.Raw)})
	badRequestContaining(t, err, "to its own CRL is not allowed")
	_, err = f.do(logical.UpdateOperation, "revoke", map[string]any{})
	badRequestContaining(t, err, "exactly one of serial_number or certificate")
}

func TestRevokeWithKeyAndByCertificate(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	a := f.write("issue/web", map[string]any{"common_name": "a.example.com"})
	b := f.write("issue/web", map[string]any{"common_name": "b.example.com"})
	_, err := f.do(logical.UpdateOperation, "revoke-with-key", map[string]any{"serial_number": a["serial_number"], "private_key": b["private_key"]})
	badRequestContaining(t, err, "failed to validate private key match with certificate")
	f.write("revoke-with-key", map[string]any{"serial_number": a["serial_number"], "private_key": a["private_key"]})
	if !inCRL(t, f, a["serial_number"].(string)) {
		t.Fatal("revoke-with-key did not revoke")
	}
	// A certificate of this mount that was not stored is revoked by PEM.
	f.write("roles/nostore", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "key_type": "ec", "no_store": true, "generate_lease": true})
	ns := f.write("issue/nostore", map[string]any{"common_name": "n.example.com"})
	if _, err := f.do(logical.UpdateOperation, "revoke", map[string]any{"serial_number": ns["serial_number"]}); err == nil {
		t.Fatal("an unstored certificate was found by serial")
	}
	f.write("revoke", map[string]any{"certificate": ns["certificate"]})
	if !inCRL(t, f, ns["serial_number"].(string)) {
		t.Fatal("revocation by PEM did not reach the CRL")
	}
	// A certificate from another CA is refused.
	stranger := newFixture(t)
	stranger.write("root/generate/internal", map[string]any{"common_name": "Other", "key_type": "ec"})
	stranger.write("roles/any", map[string]any{"allow_any_name": true, "key_type": "ec"})
	s := stranger.write("issue/any", map[string]any{"common_name": "x.example.com"})
	_, err = f.do(logical.UpdateOperation, "revoke", map[string]any{"certificate": s["certificate"]})
	badRequestContaining(t, err, "was not issued by an issuer of this mount")
}

func TestLeaseRevocationRevokesCertificate(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	f.write("roles/leased", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "key_type": "ec", "generate_lease": true, "ttl": "2h"})
	resp, err := f.do(logical.UpdateOperation, "issue/leased", map[string]any{"common_name": "l.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	s := resp.Secret
	if s == nil || s.TTL != 2*time.Hour || s.InternalData["secret_type"] != secretTypeCert || s.InternalData["serial_number"] != resp.Data["serial_number"] {
		t.Fatalf("secret = %+v", s)
	}
	plain := f.write("issue/web", map[string]any{"common_name": "p.example.com"})
	if r, _ := f.do(logical.UpdateOperation, "issue/web", map[string]any{"common_name": "p.example.com"}); r.Secret != nil {
		t.Fatal("a role without generate_lease gave a lease")
	}
	_ = plain
	if _, err := f.do(logical.RevokeOperation, "issue/leased", nil); err == nil {
		t.Fatal("revoke without a secret accepted")
	}
	if _, err := f.b.HandleRequest(t.Context(), &logical.Request{Operation: logical.RevokeOperation, Path: "issue/leased", Secret: s, Storage: f.view}); err != nil {
		t.Fatal(err)
	}
	if !inCRL(t, f, resp.Data["serial_number"].(string)) {
		t.Fatal("lease revocation did not revoke the certificate")
	}
	// An expired certificate's lease revokes nothing.
	r2, _ := f.do(logical.UpdateOperation, "issue/leased", map[string]any{"common_name": "m.example.com"})
	f.clock.Advance(3 * time.Hour)
	if _, err := f.b.HandleRequest(t.Context(), &logical.Request{Operation: logical.RevokeOperation, Secret: r2.Secret, Storage: f.view}); err != nil {
		t.Fatal(err)
	}
	if inCRL(t, f, r2.Data["serial_number"].(string)) {
		t.Fatal("an expired certificate was put on the CRL")
	}
}

func TestTidy(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	short := f.write("issue/web", map[string]any{"common_name": "s.example.com", "ttl": "1h"})
	long := f.write("issue/web", map[string]any{"common_name": "l.example.com", "ttl": "700h"})
	revShort := f.write("issue/web", map[string]any{"common_name": "r.example.com", "ttl": "1h"})
	f.write("revoke", map[string]any{"serial_number": revShort["serial_number"]})
	f.clock.Advance(2 * time.Hour)
	// Within the safety buffer nothing goes.
	st := f.write("tidy", map[string]any{"tidy_cert_store": true, "tidy_revoked_certs": true, "safety_buffer": "24h"})
	if st["cert_store_deleted_count"] != 0 || st["revoked_cert_deleted_count"] != 0 {
		t.Fatalf("tidy inside the buffer: %v", st)
	}
	f.clock.Advance(25 * time.Hour)
	st = f.write("tidy", map[string]any{"tidy_cert_store": true, "tidy_revoked_certs": true, "safety_buffer": "24h"})
	if st["cert_store_deleted_count"] != 2 || st["revoked_cert_deleted_count"] != 1 {
		t.Fatalf("tidy: %v", st)
	}
	if f.read("tidy-status").Data["state"] != "Finished" {
		t.Fatal("tidy-status")
	}
	for _, s := range []string{short["serial_number"].(string), revShort["serial_number"].(string)} {
		if r, err := f.do(logical.ReadOperation, "cert/"+s, nil); err != nil || r != nil {
			t.Fatalf("cert %s still readable: %v %v", s, r, err)
		}
	}
	if f.read("cert/"+long["serial_number"].(string)) == nil {
		t.Fatal("tidy removed a valid certificate")
	}
	if len(mustCRL(t, f.read("crl").Raw.Body).RevokedCertificateEntries) != 0 {
		t.Fatal("tidied revocation still on the CRL")
	}
}

func TestCRLConfig(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	leaf := f.write("issue/web", map[string]any{"common_name": "a.example.com"})
	cfg := f.write("config/crl", map[string]any{"expiry": "24h", "auto_rebuild": true, "auto_rebuild_grace_period": "1h"})
	if cfg["expiry"] != "24h0m0s" || cfg["auto_rebuild"] != true {
		t.Fatalf("config/crl = %v", cfg)
	}
	crl := mustCRL(t, f.read("crl").Raw.Body)
	if d := crl.NextUpdate.Sub(crl.ThisUpdate); d != 24*time.Hour {
		t.Fatalf("CRL valid for %v", d)
	}
	// With auto_rebuild, a revocation waits for the rebuild near expiry.
	f.write("revoke", map[string]any{"serial_number": leaf["serial_number"]})
	if inCRL(t, f, leaf["serial_number"].(string)) {
		t.Fatal("auto_rebuild rebuilt on revocation")
	}
	f.clock.Advance(23*time.Hour + time.Minute)
	if !inCRL(t, f, leaf["serial_number"].(string)) {
		t.Fatal("CRL not rebuilt inside its grace period")
	}
	f.write("config/crl", map[string]any{"disable": true})
	if inCRL(t, f, leaf["serial_number"].(string)) {
		t.Fatal("disabled CRL lists revocations")
	}
	_, err := f.do(logical.UpdateOperation, "config/crl", map[string]any{"disable": false, "auto_rebuild_grace_period": "48h"})
	badRequestContaining(t, err, "must be shorter than expiry")
}
