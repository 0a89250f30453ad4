package core

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cofre-io/cofre/server/audit"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/token"
)

// auditRequest records a request (with the error of its authentication, if
// any) on the enabled audit devices. It returns an error when devices are
// enabled and none could record it: the request must then not run.
func (c *Core) auditRequest(ctx context.Context, path string, req *logical.Request, te *token.Entry, authErr error) error {
	b := c.audit.Broker()
	if !b.Enabled() {
		return nil
	}
	return b.LogRequest(ctx, c.auditInput(path, req, te, nil, authErr))
}

// auditResponse records what the client is about to receive. An error means
// no device could record it: the response must not be returned.
func (c *Core) auditResponse(ctx context.Context, path string, req *logical.Request, te *token.Entry, resp *logical.Response, respErr error) error {
	b := c.audit.Broker()
	if !b.Enabled() {
		return nil
	}
	return b.LogResponse(ctx, c.auditInput(path, req, te, resp, respErr))
}

// auditedError records a refused request's error as its response and
// returns the error the client gets (the audit failure if recording fails).
func (c *Core) auditedError(ctx context.Context, path string, req *logical.Request, te *token.Entry, err error) error {
	if aerr := c.auditResponse(ctx, path, req, te, nil, err); aerr != nil {
		return aerr
	}
	return err
}

// auditInput gathers what the audit devices record; path is the full
// request path (req.Path is relative once routed).
func (c *Core) auditInput(path string, req *logical.Request, te *token.Entry, resp *logical.Response, err error) *audit.Input {
	in := &audit.Input{Time: c.cfg.Now(), Path: path, Request: req, Response: resp, Err: err}
	if te != nil {
		in.Auth = &audit.AuthInfo{
			ClientToken:   te.ID,
			Accessor:      te.Accessor,
			DisplayName:   te.DisplayName,
			Policies:      te.Policies,
			TokenPolicies: te.Policies,
			Metadata:      te.Meta,
			EntityID:      te.EntityID,
			NumUses:       te.NumUses,
			TokenType:     te.Type,
			TTL:           te.TTL,
			IssueTime:     te.CreationTime,
		}
	}
	if route, _, ok := c.mounts.Route(path); ok {
		in.NonHMACRequestKeys = route.Entry.Config.AuditNonHMACRequestKeys
		in.NonHMACResponseKeys = route.Entry.Config.AuditNonHMACResponseKeys
	}
	return in
}

// AuditDevices lists the enabled audit devices (sys/audit).
func (c *Core) AuditDevices() ([]audit.TableEntry, error) { return c.audit.List() }

// EnableAudit enables an audit device (PUT sys/audit/<path>): a device
// that fails its test, or whose options are invalid, is refused (400) and
// nothing is stored.
func (c *Core) EnableAudit(ctx context.Context, e audit.TableEntry) error {
	return c.audit.Enable(ctx, e)
}

// DisableAudit disables the audit device at path (DELETE sys/audit/<path>);
// it reports whether there was one. It is also what an operator's tooling
// calls in-process when every device fails and the API refuses requests.
func (c *Core) DisableAudit(ctx context.Context, path string) (bool, error) {
	return c.audit.Disable(ctx, path)
}

// AuditHash returns input's HMAC as the device at path writes it
// (sys/audit-hash/<path>).
func (c *Core) AuditHash(path, input string) (string, error) { return c.audit.Hash(path, input) }

// ReopenAudit reopens every audit device (SIGHUP, for log rotation).
func (c *Core) ReopenAudit() error { return c.audit.Reopen() }

// AuditMetrics is the registry holding the audit failure counters
// (cofre_audit_log_request_failures_total, ..._response_failures_total).
func (c *Core) AuditMetrics() *prometheus.Registry { return c.audit.Broker().Metrics().Registry() }
