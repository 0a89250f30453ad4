package pki

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"math/big"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// revokedRecord is a revocation as stored under revoked/.
type revokedRecord struct {
	Serial         string `json:"serial_number"`
	RevocationTime int64  `json:"revocation_time"` // Unix seconds
	RevocationNano int64  `json:"revocation_time_nanos"`
	IssuerID       string `json:"issuer_id"`
	NotAfter       int64  `json:"not_after"`             // Unix seconds, for tidy
	Certificate    []byte `json:"certificate,omitempty"` // DER, kept when the certificate was not stored
}

// crlRecord is an issuer's last CRL as stored under crls/.
type crlRecord struct {
	Number     int64  `json:"number"`
	DER        []byte `json:"der"`
	ThisUpdate int64  `json:"this_update"`
	NextUpdate int64  `json:"next_update"`
}

// crlConfig is config/crl.
type crlConfig struct {
	Expiry      time.Duration `json:"expiry"`
	Disable     bool          `json:"disable"`
	AutoRebuild bool          `json:"auto_rebuild"`
	GracePeriod time.Duration `json:"auto_rebuild_grace_period"`
	OCSPDisable bool          `json:"ocsp_disable"`
	OCSPExpiry  time.Duration `json:"ocsp_expiry"`
}

var defaultCRLConfig = crlConfig{Expiry: 72 * time.Hour, GracePeriod: 12 * time.Hour, OCSPExpiry: 12 * time.Hour}

// crlConfig returns config/crl, cached after the first read.
func (b *Backend) crlConfig(ctx context.Context) (*crlConfig, error) {
	if c := b.crlCfg.Load(); c != nil {
		return c, nil
	}
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	if c := b.crlCfg.Load(); c != nil {
		return c, nil
	}
	c := defaultCRLConfig
	if _, err := getJSON(ctx, b.view, keyConfigCRL, &c); err != nil {
		return nil, err
	}
	b.crlCfg.Store(&c)
	return &c, nil
}

// canSignCRL reports why an issuer cannot sign CRLs, or nil.
func (is *issuer) canSignCRL() error {
	switch {
	case is.signer == nil:
		return badRequestWrap(ErrNoKey, fmt.Sprintf("issuer %s has no private key in this mount and cannot sign a CRL", is.rec.ID))
	case !is.can(usageCRL):
		return badRequest("issuer %s is not allowed to sign CRLs (usage)", is.rec.ID)
	case is.cert.KeyUsage != 0 && is.cert.KeyUsage&x509.KeyUsageCRLSign == 0:
		return badRequest("issuer %s lacks the CRLSign key usage", is.rec.ID)
	case len(is.cert.SubjectKeyId) == 0:
		return badRequest("issuer %s has no subject key identifier and cannot sign a CRL", is.rec.ID)
	}
	return nil
}

// revokedRecords reads every revocation record.
func (b *Backend) revokedRecords(ctx context.Context) ([]revokedRecord, error) {
	keys, err := b.view.List(ctx, prefixRevoked)
	if err != nil {
		return nil, fmt.Errorf("pki: list revoked: %w", err)
	}
	out := make([]revokedRecord, 0, len(keys))
	for _, k := range keys {
		var r revokedRecord
		if ok, err := getJSON(ctx, b.view, prefixRevoked+k, &r); err != nil {
			return nil, err
		} else if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// rebuildCRLs builds and stores the CRLs of the given issuers (every
// issuer that can sign one when ids is empty). Revocations whose issuer is
// no longer in the mount go on the default issuer's CRL.
func (b *Backend) rebuildCRLs(ctx context.Context, ids ...string) error {
	b.crlMu.Lock()
	defer b.crlMu.Unlock()
	st, err := b.state(ctx)
	if err != nil {
		return err
	}
	revoked, err := b.revokedRecords(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		for id := range st.issuers {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		is := st.issuers[id]
		if is == nil || is.canSignCRL() != nil {
			continue
		}
		if _, err := b.buildCRL(ctx, st, is, revoked); err != nil {
			return err
		}
	}
	return nil
}

// buildCRL signs and stores a new CRL for is with the next CRL number.
// crlMu must be held.
func (b *Backend) buildCRL(ctx context.Context, st *caState, is *issuer, revoked []revokedRecord) (*crlRecord, error) {
	cfg, err := b.crlConfig(ctx)
	if err != nil {
		return nil, err
	}
	var prev crlRecord
	if _, err := getJSON(ctx, b.view, prefixCRL+is.rec.ID, &prev); err != nil {
		return nil, err
	}
	var entries []x509.RevocationListEntry
	if !cfg.Disable {
		for _, r := range revoked {
			owner := r.IssuerID
			if st.issuers[owner] == nil {
				owner = st.defaultIssuer
			}
			if owner != is.rec.ID {
				continue
			}
			serial, ok := parseSerial(r.Serial)
			if !ok {
				continue
			}
			entries = append(entries, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: time.Unix(r.RevocationTime, 0).UTC()})
		}
	}
	now := b.now().UTC().Truncate(time.Second)
	tmpl := &x509.RevocationList{
		Number:                    big.NewInt(prev.Number + 1),
		ThisUpdate:                now,
		NextUpdate:                now.Add(cfg.Expiry),
		RevokedCertificateEntries: entries,
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, is.cert, is.signer)
	if err != nil {
		return nil, fmt.Errorf("pki: sign CRL of issuer %s: %w", is.rec.ID, err)
	}
	rec := &crlRecord{Number: prev.Number + 1, DER: der, ThisUpdate: now.Unix(), NextUpdate: tmpl.NextUpdate.Unix()}
	op, err := jsonOp(prefixCRL+is.rec.ID, rec)
	if err != nil {
		return nil, err
	}
	if err := apply(ctx, b.view, []storage.TxnOp{op}); err != nil {
		return nil, err
	}
	return rec, nil
}

// currentCRL returns an issuer's CRL, building it when there is none yet,
// or when auto_rebuild is on and it is within its grace period of expiry.
func (b *Backend) currentCRL(ctx context.Context, is *issuer) ([]byte, error) {
	if err := is.canSignCRL(); err != nil {
		return nil, err
	}
	fresh := func() (*crlRecord, error) {
		var rec crlRecord
		ok, err := getJSON(ctx, b.view, prefixCRL+is.rec.ID, &rec)
		if err != nil || !ok {
			return nil, err
		}
		cfg, err := b.crlConfig(ctx)
		if err != nil {
			return nil, err
		}
		if cfg.AutoRebuild && !b.now().Before(time.Unix(rec.NextUpdate, 0).Add(-cfg.GracePeriod)) {
			return nil, nil
		}
		return &rec, nil
	}
	if rec, err := fresh(); err != nil || rec != nil {
		if err != nil {
			return nil, err
		}
		return rec.DER, nil
	}
	b.crlMu.Lock()
	defer b.crlMu.Unlock()
	if rec, err := fresh(); err != nil || rec != nil { // built while we waited
		if err != nil {
			return nil, err
		}
		return rec.DER, nil
	}
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	revoked, err := b.revokedRecords(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := b.buildCRL(ctx, st, is, revoked)
	if err != nil {
		return nil, err
	}
	return rec.DER, nil
}

// parseSerial reads a colon-form serial.
func parseSerial(colon string) (*big.Int, bool) {
	n, ok := new(big.Int).SetString(serialKeyHex(colon), 16)
	return n, ok
}

func serialKeyHex(colon string) string {
	out := make([]byte, 0, len(colon))
	for i := 0; i < len(colon); i++ {
		if colon[i] != ':' && colon[i] != '-' {
			out = append(out, colon[i])
		}
	}
	return string(out)
}
