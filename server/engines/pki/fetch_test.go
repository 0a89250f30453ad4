package pki

import (
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

func TestFetchEndpoints(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	leaf := f.write("issue/web", map[string]any{"common_name": "a.example.com"})
	chain := f.read("ca_chain")
	if chain.Raw.ContentType != ctPEMChain || strings.Count(string(chain.Raw.Body), "BEGIN CERTIFICATE") != 2 {
		t.Fatalf("ca_chain: %q", chain.Raw.ContentType)
	}
	if ca := f.read("ca"); ca.Raw.ContentType != ctCert || string(ca.Raw.Body) != string(h.interCert.Raw) {
		t.Fatal("ca is not the intermediate's DER")
	}
	if j := f.read("cert/ca_chain"); len(j.Data["ca_chain"].([]string)) != 2 {
		t.Fatal("cert/ca_chain")
	}
	if j := f.read("cert/ca"); mustCert(t, j.Data["certificate"].(string)).SerialNumber.Cmp(h.interCert.SerialNumber) != 0 {
		t.Fatal("cert/ca")
	}
	if j := f.read("cert/crl"); mustCRL(t, []byte(j.Data["certificate"].(string))) == nil {
		t.Fatal("cert/crl")
	}
	serial := leaf["serial_number"].(string)
	if raw := f.read("cert/" + serial + "/raw"); raw.Raw.ContentType != ctCert {
		t.Fatal("cert/<serial>/raw")
	}
	if raw := f.read("cert/" + serialKey(serial) + "/raw/pem"); string(raw.Raw.Body) != leaf["certificate"].(string)+"\n" {
		t.Fatal("cert/<serial>/raw/pem (hyphen form)")
	}
	if j := f.read("cert/" + serial); j.Data["issuer_id"] == "" || j.Data["revocation_time"] != int64(0) {
		t.Fatalf("cert/<serial> = %v", j.Data)
	}
	list, err := f.do(logical.ListOperation, "certs/", nil)
	if err != nil || strings.Join(list.Data["keys"].([]string), ",") != serial {
		t.Fatalf("certs = %v %v", list, err)
	}
	// The root mount lists its root, stored when generated.
	rootList, _ := h.root.do(logical.ListOperation, "certs/", nil)
	if len(rootList.Data["keys"].([]string)) != 2 { // the root and the intermediate it signed
		t.Fatalf("root mount certs = %v", rootList.Data["keys"])
	}
	if r, err := f.do(logical.ReadOperation, "cert/01:02", nil); r != nil || err != nil {
		t.Fatalf("unknown serial: %v %v", r, err)
	}
	_, err = f.do(logical.ReadOperation, "cert/zz", nil)
	badRequestContaining(t, err, "is not colon or hyphen separated hex")
}

func TestExportedIntermediateAndRequestOptions(t *testing.T) {
	root := newFixture(t)
	root.write("root/generate/internal", map[string]any{"common_name": "Root", "key_type": "rsa"})
	inter := newFixture(t)
	csr := inter.write("intermediate/generate/exported", map[string]any{"common_name": "Inter", "key_type": "ec", "key_bits": 384})
	if csr["private_key_type"] != "ec" || !strings.HasPrefix(csr["private_key"].(string), "-----BEGIN EC PRIVATE KEY-----") {
		t.Fatalf("exported intermediate key: %v", csr["private_key_type"])
	}
	req, err := parseCSR(csr["csr"].(string))
	if err != nil || req.Subject.CommonName != "Inter" {
		t.Fatalf("csr: %v", err)
	}
	signed := root.write("root/sign-intermediate", map[string]any{"csr": csr["csr"], "ttl": "10h", "signature_bits": 384})
	if c := mustCert(t, signed["certificate"].(string)); c.SignatureAlgorithm.String() != "SHA384-RSA" {
		t.Fatalf("signature algorithm %v", c.SignatureAlgorithm)
	}
	inter.write("intermediate/set-signed", map[string]any{"certificate": signed["certificate"]})
	// Role key_type any: the request picks the key.
	inter.write("roles/any", map[string]any{"allow_any_name": true, "key_type": "any"})
	_, err = inter.do(logical.UpdateOperation, "issue/any", map[string]any{"common_name": "x.example.com", "ttl": "1h"})
	badRequestContaining(t, err, `role key type "any" needs key_type`)
	resp := inter.write("issue/any", map[string]any{"common_name": "x.example.com", "key_type": "ed25519", "exclude_cn_from_sans": true, "alt_names": "y.example.com", "ttl": "1h"})
	c := mustCert(t, resp["certificate"].(string))
	if resp["private_key_type"] != "ed25519" || strings.Join(c.DNSNames, ",") != "y.example.com" {
		t.Fatalf("key %v, DNS names %v", resp["private_key_type"], c.DNSNames)
	}
	if c.NotAfter.After(mustCert(t, signed["certificate"].(string)).NotAfter) {
		t.Fatal("leaf outlives its issuer")
	}
}
