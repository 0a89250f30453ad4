package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/vault/api"
)

// errNotFound is returned by send for a 404 that carries no data.
var errNotFound = errors.New("no value found")

// request is one HTTP call to the server's /v1 API.
type request struct {
	method string
	path   string // relative to /v1/
	query  url.Values
	body   any // JSON-encoded when non-nil
	header http.Header
}

// reply is a successful response: its raw body and the parsed envelope
// (nil for an empty body).
type reply struct {
	status int
	raw    []byte
	secret *api.Secret
}

// send performs req. A 404 without data is errNotFound; other error
// statuses are the client's *api.ResponseError.
func (r *runner) send(ctx context.Context, c *api.Client, req request) (*reply, error) {
	ar := c.NewRequest(req.method, "/v1/"+strings.TrimPrefix(req.path, "/"))
	for k, vs := range req.query {
		for _, v := range vs {
			ar.Params.Add(k, v)
		}
	}
	if req.body != nil {
		if err := ar.SetJSONBody(req.body); err != nil {
			return nil, err
		}
	}
	if len(req.header) > 0 {
		if ar.Headers == nil {
			ar.Headers = http.Header{}
		}
		for k, vs := range req.header {
			ar.Headers[k] = vs
		}
	}
	//lint:ignore SA1019 the raw call is the only one that takes any method, query and header.
	resp, err := c.RawRequestWithContext(ctx, ar)
	if resp != nil && resp.Body != nil {
		defer resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			raw, _ := io.ReadAll(resp.Body)
			if hasData(raw) {
				return parseReply(resp.StatusCode, raw)
			}
			return nil, errNotFound
		}
		return nil, err
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return parseReply(resp.StatusCode, raw)
}

func parseReply(status int, raw []byte) (*reply, error) {
	rep := &reply{status: status, raw: raw}
	if len(bytes.TrimSpace(raw)) == 0 {
		return rep, nil
	}
	s, err := api.ParseSecret(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	rep.secret = s
	return rep, nil
}

// hasData reports whether a 404 body still carries an envelope with data
// (KV v2 answers 404 with metadata for a deleted version).
func hasData(raw []byte) bool {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return false
	}
	return len(env.Data) > 0 && string(env.Data) != "null"
}

// data returns the reply's data map, or nil.
func (rep *reply) data() map[string]any {
	if rep == nil || rep.secret == nil {
		return nil
	}
	return rep.secret.Data
}

// printSecret prints a reply as -format and -field ask.
func (r *runner) printSecret(rep *reply) int {
	s := rep.secret
	if r.field != "" {
		v, ok := secretField(s, r.field)
		if !ok {
			return r.fail("Field %q not present in the response", r.field)
		}
		return r.printField(v)
	}
	if r.format == "json" {
		if len(bytes.TrimSpace(rep.raw)) == 0 {
			return ExitOK
		}
		return r.printRawJSON(rep.raw)
	}
	if s == nil {
		return ExitOK
	}
	r.printWarnings(s.Warnings)
	rows := secretRows(s)
	if len(rows) > 0 {
		r.printKV(rows)
	}
	return ExitOK
}

// secretRows lays out an envelope as Vault's table output does: lease,
// then auth, then data, each sorted.
func secretRows(s *api.Secret) []row {
	var rows []row
	if s.LeaseDuration > 0 {
		if s.LeaseID != "" {
			rows = append(rows,
				row{"lease_id", s.LeaseID},
				row{"lease_duration", humanSeconds(int64(s.LeaseDuration))},
				row{"lease_renewable", formatValue(s.Renewable)})
		} else {
			rows = append(rows, row{"refresh_interval", humanSeconds(int64(s.LeaseDuration))})
		}
	}
	if a := s.Auth; a != nil {
		dur := "∞"
		if a.LeaseDuration > 0 {
			dur = humanSeconds(int64(a.LeaseDuration))
		}
		rows = append(rows,
			row{"token", a.ClientToken},
			row{"token_accessor", a.Accessor},
			row{"token_duration", dur},
			row{"token_renewable", formatValue(a.Renewable)},
			row{"token_policies", formatValue(a.TokenPolicies)},
			row{"identity_policies", formatValue(a.IdentityPolicies)},
			row{"policies", formatValue(a.Policies)})
		for _, k := range sortedKeys(a.Metadata) {
			rows = append(rows, row{"token_meta_" + k, a.Metadata[k]})
		}
	}
	return append(rows, dataRows(s.Data)...)
}

// secretField finds -field's value: a data key first, then the auth and
// lease fields the table shows.
func secretField(s *api.Secret, name string) (any, bool) {
	if s == nil {
		return nil, false
	}
	if v, ok := s.Data[name]; ok {
		return v, true
	}
	if a := s.Auth; a != nil {
		switch name {
		case "token":
			return a.ClientToken, true
		case "token_accessor":
			return a.Accessor, true
		case "token_duration":
			return humanSeconds(int64(a.LeaseDuration)), true
		case "token_renewable":
			return a.Renewable, true
		case "token_policies":
			return a.TokenPolicies, true
		case "identity_policies":
			return a.IdentityPolicies, true
		case "policies":
			return a.Policies, true
		}
	}
	switch name {
	case "lease_id":
		return s.LeaseID, true
	case "lease_duration", "refresh_interval":
		return humanSeconds(int64(s.LeaseDuration)), true
	case "lease_renewable":
		return s.Renewable, true
	}
	return nil, false
}

// apiError renders a server error for the user; the Vault client's error
// text already names the method, URL, status and the server's messages.
func apiError(err error) string {
	return err.Error()
}
