package pki

import (
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// TestExportedRootImportedElsewhere is the offline-root variant: the root
// is generated exported, its bundle imported into another mount, which
// then issues as the root.
func TestExportedRootImportedElsewhere(t *testing.T) {
	off := newFixture(t)
	root := off.write("root/generate/exported", map[string]any{"common_name": "Offline Root", "key_type": "ec", "key_name": "root-key"})
	if root["private_key"] == nil || root["private_key_type"] != "ec" || root["key_name"] != "root-key" {
		t.Fatalf("exported root lacks its key: %v", root["private_key_type"])
	}
	on := newFixture(t)
	imp := on.write("config/ca", map[string]any{"pem_bundle": root["private_key"].(string) + "\n" + root["certificate"].(string)})
	issuers, keys := imp["imported_issuers"].([]string), imp["imported_keys"].([]string)
	if len(issuers) != 1 || len(keys) != 1 || imp["mapping"].(map[string]string)[issuers[0]] != keys[0] {
		t.Fatalf("import = %v", imp)
	}
	again := on.write("config/ca", map[string]any{"pem_bundle": root["private_key"].(string) + "\n" + root["certificate"].(string)})
	if len(again["imported_issuers"].([]string)) != 0 || len(again["existing_issuers"].([]string)) != 1 || len(again["existing_keys"].([]string)) != 1 {
		t.Fatalf("re-import = %v", again)
	}
	on.write("roles/any", map[string]any{"allow_any_name": true, "key_type": "ec"})
	leaf := mustCert(t, on.write("issue/any", map[string]any{"common_name": "x.example.com"})["certificate"].(string))
	if err := leaf.CheckSignatureFrom(mustCert(t, root["certificate"].(string))); err != nil {
		t.Fatal(err)
	}
	// Certificates only on issuers/import/cert and set-signed.
	_, err := on.do(logical.UpdateOperation, "issuers/import/cert", map[string]any{"pem_bundle": root["private_key"]})
	badRequestContaining(t, err, "private keys cannot be imported on this path")
	_, err = on.do(logical.UpdateOperation, "intermediate/set-signed", map[string]any{"certificate": on.write("issue/any", map[string]any{"common_name": "y.example.com"})["certificate"]})
	badRequestContaining(t, err, "refusing to import a non-CA certificate")
}

func TestIssuersAndKeys(t *testing.T) {
	f := newFixture(t)
	r1 := f.write("root/generate/internal", map[string]any{"common_name": "R1", "key_type": "ec", "issuer_name": "r1", "key_name": "k1"})
	r2 := f.write("root/generate/internal", map[string]any{"common_name": "R2", "key_type": "ec", "issuer_name": "r2"})
	if f.read("config/issuers").Data["default"] != r1["issuer_id"] {
		t.Fatal("the first root is not the default")
	}
	_, err := f.do(logical.UpdateOperation, "root/generate/internal", map[string]any{"common_name": "R3", "issuer_name": "r1"})
	badRequestContaining(t, err, `issuer name "r1" is already in use`)
	_, err = f.do(logical.UpdateOperation, "root/generate/internal", map[string]any{"common_name": "R3", "issuer_name": "default"})
	badRequestContaining(t, err, "is reserved")

	list, err := f.do(logical.ListOperation, "issuers/", nil)
	if err != nil || len(list.Data["keys"].([]string)) != 2 {
		t.Fatalf("issuers = %v %v", list, err)
	}
	info := list.Data["key_info"].(map[string]any)[r2["issuer_id"].(string)].(map[string]any)
	if info["issuer_name"] != "r2" || info["is_default"] != false {
		t.Fatalf("key_info = %v", info)
	}
	// By name, by id, by default.
	for _, ref := range []string{"r2", r2["issuer_id"].(string)} {
		if f.read("issuer/" + ref).Data["issuer_id"] != r2["issuer_id"] {
			t.Fatalf("issuer/%s", ref)
		}
	}
	if f.read("issuer/default/json").Data["certificate"] != r1["certificate"] {
		t.Fatal("issuer/default/json")
	}
	pemResp := f.read("issuer/r2/pem")
	if pemResp.Raw == nil || !strings.HasPrefix(string(pemResp.Raw.Body), "-----BEGIN CERTIFICATE-----") || pemResp.Raw.ContentType != ctPEMChain {
		t.Fatal("issuer/r2/pem")
	}
	if der := f.read("issuer/r2/der"); der.Raw.ContentType != ctCert || len(der.Raw.Body) == 0 {
		t.Fatal("issuer/r2/der")
	}
	f.write("config/issuers", map[string]any{"default": "r2"})
	if ca := f.read("ca/pem"); string(ca.Raw.Body) != r2["certificate"].(string)+"\n" {
		t.Fatal("ca/pem does not follow the default issuer")
	}
	// Rename; keys list and key/<ref>; deleting a key in use is refused.
	f.write("issuer/r2", map[string]any{"issuer_name": "second"})
	if f.read("issuer/second").Data["issuer_id"] != r2["issuer_id"] {
		t.Fatal("rename")
	}
	if f.read("key/k1").Data["key_id"] != r1["key_id"] {
		t.Fatal("key/k1")
	}
	_, err = f.do(logical.DeleteOperation, "key/k1", nil)
	badRequestContaining(t, err, "it is in use by issuers")
	del, err := f.do(logical.DeleteOperation, "issuer/second", nil)
	if err != nil || del == nil || len(del.Warnings) != 1 {
		t.Fatalf("deleting the default issuer: %v %v", del, err)
	}
	if _, err := f.do(logical.ReadOperation, "ca", nil); err == nil {
		t.Fatal("ca answered without a default issuer")
	}
	// Generated and imported keys; root from an existing key.
	g := f.write("keys/generate/exported", map[string]any{"key_type": "ed25519", "key_name": "edk"})
	if g["private_key"] == nil {
		t.Fatal("exported key not returned")
	}
	r3 := f.write("root/generate/existing", map[string]any{"common_name": "R3", "key_ref": "edk"})
	if r3["key_id"] != g["key_id"] || r3["private_key"] != nil {
		t.Fatalf("existing key root: %v", r3)
	}
	imp := f.write("keys/import", map[string]any{"pem_bundle": g["private_key"], "key_name": "dup"})
	if imp["key_id"] != g["key_id"] {
		t.Fatal("importing a known key made a new one")
	}
	keys, err := f.do(logical.ListOperation, "keys/", nil)
	if err != nil || len(keys.Data["keys"].([]string)) != 3 {
		t.Fatalf("keys = %v %v", keys, err)
	}
	// DELETE root removes every issuer and key.
	if _, err := f.do(logical.DeleteOperation, "root", nil); err != nil {
		t.Fatal(err)
	}
	keys, _ = f.do(logical.ListOperation, "keys/", nil)
	issuers, _ := f.do(logical.ListOperation, "issuers/", nil)
	if len(keys.Data["keys"].([]string)) != 0 || len(issuers.Data["keys"].([]string)) != 0 {
		t.Fatal("DELETE root left issuers or keys")
	}
}

func TestIssuerUsageAndRoleIssuerRef(t *testing.T) {
	f := newFixture(t)
	f.write("root/generate/internal", map[string]any{"common_name": "R1", "key_type": "ec", "issuer_name": "r1"})
	f.write("root/generate/internal", map[string]any{"common_name": "R2", "key_type": "ec", "issuer_name": "r2"})
	f.write("roles/on-r2", map[string]any{"allow_any_name": true, "key_type": "ec", "issuer_ref": "r2"})
	c := mustCert(t, f.write("issue/on-r2", map[string]any{"common_name": "x.example.com"})["certificate"].(string))
	if c.Issuer.CommonName != "R2" {
		t.Fatalf("issuer_ref ignored: %v", c.Issuer)
	}
	c = mustCert(t, f.write("issuer/r1/issue/on-r2", map[string]any{"common_name": "x.example.com"})["certificate"].(string))
	if c.Issuer.CommonName != "R1" {
		t.Fatalf("path issuer ignored: %v", c.Issuer)
	}
	f.write("issuer/r2", map[string]any{"issuer_name": "r2", "usage": "read-only,crl-signing"})
	_, err := f.do(logical.UpdateOperation, "issue/on-r2", map[string]any{"common_name": "x.example.com"})
	badRequestContaining(t, err, "not allowed to issue certificates")
	_, err = f.do(logical.UpdateOperation, "roles/bad", map[string]any{"issuer_ref": "nope"})
	badRequestContaining(t, err, "unable to find PKI issuer for reference: nope")
}

func TestRoleCRUD(t *testing.T) {
	f := newFixture(t)
	f.write("roles/r", map[string]any{"allowed_domains": []any{"a.com", "b.com"}, "ttl": "1h", "max_ttl": "2h", "key_type": "ec", "ou": "Ops"})
	d := f.read("roles/r").Data
	if d["ttl"] != int64(3600) || d["max_ttl"] != int64(7200) || d["key_bits"] != 256 || d["not_before_duration"] != int64(30) ||
		d["allow_localhost"] != true || d["server_flag"] != true || d["require_cn"] != true || d["issuer_ref"] != "default" ||
		strings.Join(d["allowed_domains"].([]string), ",") != "a.com,b.com" || d["ou"].([]string)[0] != "Ops" {
		t.Fatalf("role = %v", d)
	}
	// A write replaces the role: omitted fields return to their defaults.
	f.write("roles/r", map[string]any{"key_type": "rsa"})
	d = f.read("roles/r").Data
	if d["ttl"] != int64(0) || len(d["allowed_domains"].([]string)) != 0 || d["key_bits"] != 2048 {
		t.Fatalf("role after rewrite = %v", d)
	}
	for _, bad := range []struct {
		data map[string]any
		msg  string
	}{
		{map[string]any{"ttl": "3h", "max_ttl": "2h"}, `"ttl" value must be less than "max_ttl" value`},
		{map[string]any{"key_type": "ec", "key_bits": 2048}, "unsupported key_bits 2048"},
		{map[string]any{"key_type": "dsa"}, `unknown key_type "dsa"`},
		{map[string]any{"key_usage": "Teleport"}, `unknown key usage "Teleport"`},
		{map[string]any{"ext_key_usage": "Time Travel"}, "unknown extended key usage"},
		{map[string]any{"signature_bits": 128}, "unsupported signature_bits 128"},
		{map[string]any{"cn_validations": "disabled,email"}, "must be the only value"},
	} {
		_, err := f.do(logical.UpdateOperation, "roles/bad", bad.data)
		badRequestContaining(t, err, bad.msg)
	}
	list, _ := f.do(logical.ListOperation, "roles/", nil)
	if strings.Join(list.Data["keys"].([]string), ",") != "r" {
		t.Fatalf("roles = %v", list.Data)
	}
	if _, err := f.do(logical.DeleteOperation, "roles/r", nil); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.do(logical.ReadOperation, "roles/r", nil); r != nil {
		t.Fatal("deleted role still readable")
	}
}

func TestURLsInCertificates(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	_, err := f.do(logical.UpdateOperation, "config/urls", map[string]any{"ocsp_servers": "not a url"})
	badRequestContaining(t, err, "invalid URL found in ocsp_servers")
	f.write("config/urls", map[string]any{"issuing_certificates": "http://pki.test/v1/pki_int/ca", "crl_distribution_points": []any{"http://pki.test/v1/pki_int/crl"}})
	f.write("config/urls", map[string]any{"ocsp_servers": "http://pki.test/ocsp"})
	d := f.read("config/urls").Data
	if len(d["issuing_certificates"].([]string)) != 1 || len(d["ocsp_servers"].([]string)) != 1 {
		t.Fatalf("config/urls merged wrongly: %v", d)
	}
	leaf := mustCert(t, f.write("issue/web", map[string]any{"common_name": "a.example.com"})["certificate"].(string))
	if leaf.IssuingCertificateURL[0] != "http://pki.test/v1/pki_int/ca" || leaf.CRLDistributionPoints[0] != "http://pki.test/v1/pki_int/crl" || leaf.OCSPServer[0] != "http://pki.test/ocsp" {
		t.Fatalf("AIA/CDP = %v %v %v", leaf.IssuingCertificateURL, leaf.CRLDistributionPoints, leaf.OCSPServer)
	}
}
