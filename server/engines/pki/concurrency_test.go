package pki

import (
	"sync"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// TestConcurrentIssueRevokeRotate issues, revokes, reads CRLs and renames
// the issuer at the same time; every revoked serial must be on the final
// CRL and every issued certificate must verify.
func TestConcurrentIssueRevokeRotate(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	const workers, each = 4, 8
	var mu sync.Mutex
	var revoked []string
	var issued []*logical.Response
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*3)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				resp, err := f.do(logical.UpdateOperation, "issue/web", map[string]any{"common_name": "c.example.com"})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				issued = append(issued, resp)
				mu.Unlock()
				if i%2 == 0 {
					if _, err := f.do(logical.UpdateOperation, "revoke", map[string]any{"serial_number": resp.Data["serial_number"]}); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					revoked = append(revoked, resp.Data["serial_number"].(string))
					mu.Unlock()
				}
				if _, err := f.do(logical.ReadOperation, "crl", nil); err != nil {
					errs <- err
				}
				if w == 0 && i%3 == 0 {
					if _, err := f.do(logical.UpdateOperation, "issuer/default", map[string]any{"leaf_not_after_behavior": "truncate"}); err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(issued) != workers*each {
		t.Fatalf("%d certificates issued", len(issued))
	}
	for _, resp := range issued {
		h.verify(t, resp.Data["certificate"].(string), resp.Data["ca_chain"].([]string))
	}
	crl := mustCRL(t, f.read("crl").Raw.Body)
	if len(crl.RevokedCertificateEntries) != len(revoked) {
		t.Fatalf("CRL lists %d serials, %d were revoked", len(crl.RevokedCertificateEntries), len(revoked))
	}
	for _, s := range revoked {
		if !inCRL(t, f, s) {
			t.Fatalf("revoked %s missing from the CRL", s)
		}
	}
}
