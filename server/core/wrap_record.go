package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// wrapRecordField is the field of the cubbyhole value that holds the
// record, encoded once as a JSON string so numbers and shapes round-trip
// exactly.
const wrapRecordField = "record"

// wrapRecord is what a wrapping token's cubbyhole holds: the response as
// the client would have seen it, and what sys/wrapping/lookup reports.
type wrapRecord struct {
	Response        wrappedResponse `json:"response"`
	CreationTime    time.Time       `json:"creation_time"`
	CreationTTL     time.Duration   `json:"creation_ttl"`
	CreationPath    string          `json:"creation_path"`
	WrappedAccessor string          `json:"wrapped_accessor,omitempty"`
}

// wrappedResponse is the client-visible part of a logical.Response: what
// the HTTP envelope shows of it. Internal data never enters it.
type wrappedResponse struct {
	Data     map[string]any `json:"data,omitempty"`
	Warnings []string       `json:"warnings,omitempty"`
	Secret   *wrappedSecret `json:"secret,omitempty"`
	Auth     *wrappedAuth   `json:"auth,omitempty"`
}

type wrappedSecret struct {
	LeaseID   string        `json:"lease_id"`
	TTL       time.Duration `json:"ttl"`
	Renewable bool          `json:"renewable"`
}

type wrappedAuth struct {
	ClientToken   string            `json:"client_token"`
	Accessor      string            `json:"accessor"`
	Policies      []string          `json:"policies"`
	TokenPolicies []string          `json:"token_policies"`
	Metadata      map[string]string `json:"metadata"`
	TTL           time.Duration     `json:"ttl"`
	Renewable     bool              `json:"renewable"`
	EntityID      string            `json:"entity_id"`
	TokenType     string            `json:"token_type"`
	Orphan        bool              `json:"orphan"`
	NumUses       int               `json:"num_uses"`
}

// newWrapRecord captures what the client would have seen of resp.
func newWrapRecord(req *logical.Request, resp *logical.Response) *wrapRecord {
	r := &wrapRecord{Response: wrappedResponse{Data: resp.Data, Warnings: resp.Warnings}}
	if s := resp.Secret; s != nil {
		r.Response.Secret = &wrappedSecret{LeaseID: s.LeaseID, TTL: s.TTL, Renewable: s.Renewable}
	}
	if a := resp.Auth; a != nil {
		r.Response.Auth = &wrappedAuth{
			ClientToken:   a.ClientToken,
			Accessor:      a.Accessor,
			Policies:      a.Policies,
			TokenPolicies: a.TokenPolicies,
			Metadata:      a.Metadata,
			TTL:           a.TTL,
			Renewable:     a.Renewable,
			EntityID:      a.EntityID,
			TokenType:     a.TokenType,
			Orphan:        a.Orphan,
			NumUses:       a.NumUses,
		}
	}
	return r
}

// encode returns the cubbyhole value holding r.
func (r *wrapRecord) encode() (map[string]any, error) {
	buf, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode wrapped response: %w", err)
	}
	return map[string]any{wrapRecordField: string(buf)}, nil
}

// decodeWrapRecord reads a cubbyhole value written by encode.
func decodeWrapRecord(v map[string]any) (*wrapRecord, error) {
	s, ok := v[wrapRecordField].(string)
	if !ok {
		return nil, fmt.Errorf("decode wrapped response: no %q field", wrapRecordField)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var r wrapRecord
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("decode wrapped response: %w", err)
	}
	return &r, nil
}

// toResponse rebuilds the response the client would have received. Its
// Auth carries a client token, so the pipeline issues no new one.
func (r *wrapRecord) toResponse() *logical.Response {
	w := r.Response
	resp := &logical.Response{Data: w.Data, Warnings: w.Warnings}
	if s := w.Secret; s != nil {
		resp.Secret = &logical.Secret{LeaseID: s.LeaseID, TTL: s.TTL, Renewable: s.Renewable}
	}
	if a := w.Auth; a != nil {
		resp.Auth = &logical.Auth{
			ClientToken:   a.ClientToken,
			Accessor:      a.Accessor,
			Policies:      a.Policies,
			TokenPolicies: a.TokenPolicies,
			Metadata:      a.Metadata,
			TTL:           a.TTL,
			Renewable:     a.Renewable,
			EntityID:      a.EntityID,
			TokenType:     a.TokenType,
			Orphan:        a.Orphan,
			NumUses:       a.NumUses,
		}
	}
	if resp.Data == nil && resp.Auth == nil && resp.Secret == nil && len(resp.Warnings) == 0 {
		// An empty wrapped object still answers 200 with "data": {}.
		resp.Data = map[string]any{}
	}
	return resp
}
