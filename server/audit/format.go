package audit

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// Formatter turns Inputs into lines for one device. It is immutable and
// safe for concurrent use.
type Formatter struct {
	opts FormatOptions
	salt *Salt
}

// NewFormatter returns a Formatter hashing with salt (which may be nil only
// when opts.LogRaw is set).
func NewFormatter(opts FormatOptions, salt *Salt) *Formatter {
	return &Formatter{opts: opts, salt: salt}
}

// Hash returns the HMAC of v as this device writes it.
func (f *Formatter) Hash(v string) string { return f.salt.Hash(v) }

// hash hashes a sensitive value unless the device logs raw. Empty stays
// empty: there is nothing to hide and "omitempty" keeps the field out.
func (f *Formatter) hash(v string) string {
	if f.opts.LogRaw || v == "" {
		return v
	}
	return f.salt.Hash(v)
}

// hashAccessor hashes an accessor when hmac_accessor is on.
func (f *Formatter) hashAccessor(v string) string {
	if !f.opts.HMACAccessor {
		return v
	}
	return f.hash(v)
}

func (f *Formatter) data(d map[string]any, clear []string) (map[string]any, error) {
	if f.opts.LogRaw || d == nil {
		return d, nil
	}
	return hashData(d, f.salt.Hash, clear)
}

// FormatRequest returns the request line for in, ending in '\n'.
func (f *Formatter) FormatRequest(in *Input) ([]byte, error) {
	rec := Record{Time: in.Time.UTC().Format(time.RFC3339Nano), Type: TypeRequest, Auth: f.auth(in.Auth)}
	req, err := f.request(in, rec.Auth)
	if err != nil {
		return nil, err
	}
	rec.Request = req
	if in.Err != nil {
		rec.Error = logical.CodedMessage(in.Err)
	}
	return f.encode(&rec)
}

// FormatResponse returns the response line for in, ending in '\n'.
func (f *Formatter) FormatResponse(in *Input) ([]byte, error) {
	rec := Record{Time: in.Time.UTC().Format(time.RFC3339Nano), Type: TypeResponse, Auth: f.auth(in.Auth)}
	req, err := f.request(in, rec.Auth)
	if err != nil {
		return nil, err
	}
	rec.Request = req
	if in.Response != nil {
		resp, err := f.response(in)
		if err != nil {
			return nil, err
		}
		rec.Response = resp
	}
	if in.Err != nil {
		rec.Error = logical.CodedMessage(in.Err)
	}
	return f.encode(&rec)
}

func (f *Formatter) encode(rec *Record) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(1024)
	buf.WriteString(f.opts.Prefix)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil { // Encode ends the line with '\n'
		return nil, err
	}
	return buf.Bytes(), nil
}

func (f *Formatter) auth(a *AuthInfo) *RecordAuth {
	if a == nil {
		return nil
	}
	ra := &RecordAuth{
		ClientToken:   f.hash(a.ClientToken),
		Accessor:      f.hashAccessor(a.Accessor),
		DisplayName:   a.DisplayName,
		Policies:      a.Policies,
		TokenPolicies: a.TokenPolicies,
		Metadata:      a.Metadata,
		EntityID:      a.EntityID,
		NumUses:       a.NumUses,
		TokenType:     a.TokenType,
		TokenTTL:      int64(a.TTL / time.Second),
	}
	if !a.IssueTime.IsZero() {
		ra.TokenIssueTime = a.IssueTime.UTC().Format(time.RFC3339)
	}
	return ra
}

// request builds the request part; auth is the caller's record, whose
// hashes are reused for the same token and accessor.
func (f *Formatter) request(in *Input, auth *RecordAuth) (*RecordRequest, error) {
	r := in.Request
	if r == nil {
		return &RecordRequest{Path: in.Path, Namespace: &RecordNamespace{ID: "root"}}, nil
	}
	data, err := f.data(r.Data, in.NonHMACRequestKeys)
	if err != nil {
		return nil, err
	}
	rr := &RecordRequest{
		ID:            r.ID,
		Operation:     string(r.Operation),
		MountPoint:    r.MountPoint,
		MountType:     r.MountType,
		MountAccessor: r.MountAccessor,
		Namespace:     &RecordNamespace{ID: "root"},
		Path:          in.Path,
		Data:          data,
		WrapTTL:       int64(r.WrapTTL / time.Second),
	}
	if auth != nil && r.ClientToken == in.Auth.ClientToken {
		rr.ClientToken = auth.ClientToken
	} else {
		rr.ClientToken = f.hash(r.ClientToken)
	}
	if auth != nil {
		rr.ClientTokenAccessor = auth.Accessor
	}
	if r.Connection != nil {
		rr.RemoteAddress = r.Connection.RemoteAddr
	}
	if rr.Path == "" {
		rr.Path = r.Path
	}
	return rr, nil
}

func (f *Formatter) response(in *Input) (*RecordResponse, error) {
	resp := in.Response
	rr := &RecordResponse{Warnings: resp.Warnings, Redirect: resp.Redirect}
	if r := in.Request; r != nil {
		rr.MountPoint, rr.MountType, rr.MountAccessor = r.MountPoint, r.MountType, r.MountAccessor
	}
	data := resp.Data
	if resp.Raw != nil {
		data = map[string]any{
			"http_status_code":  resp.Raw.StatusCode,
			"http_content_type": resp.Raw.ContentType,
			"http_raw_body":     string(resp.Raw.Body),
		}
	}
	if f.opts.ElideListResponses && in.Request != nil && in.Request.Operation == logical.ListOperation {
		data = elideList(data)
	}
	hashed, err := f.data(data, in.NonHMACResponseKeys)
	if err != nil {
		return nil, err
	}
	rr.Data = hashed
	if a := resp.Auth; a != nil {
		rr.Auth = f.auth(&AuthInfo{
			ClientToken:   a.ClientToken,
			Accessor:      a.Accessor,
			DisplayName:   a.DisplayName,
			Policies:      a.Policies,
			TokenPolicies: a.TokenPolicies,
			Metadata:      a.Metadata,
			EntityID:      a.EntityID,
			NumUses:       a.NumUses,
			TokenType:     a.TokenType,
			TTL:           a.TTL,
			IssueTime:     a.IssueTime,
		})
	}
	if s := resp.Secret; s != nil {
		rr.Secret = &RecordSecret{LeaseID: s.LeaseID}
	}
	if w := resp.WrapInfo; w != nil {
		rr.WrapInfo = &RecordWrapInfo{
			TTL:             int64(w.TTL / time.Second),
			Token:           f.hash(w.Token),
			Accessor:        f.hashAccessor(w.Accessor),
			CreationTime:    w.CreationTime.UTC().Format(time.RFC3339Nano),
			CreationPath:    w.CreationPath,
			WrappedAccessor: f.hashAccessor(w.WrappedAccessor),
		}
	}
	return rr, nil
}

// elideList replaces a list response's keys and key_info by their counts,
// when they have the usual shapes. data is not modified.
func elideList(data map[string]any) map[string]any {
	if data == nil {
		return nil
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	switch keys := data["keys"].(type) {
	case []string:
		out["keys"] = len(keys)
	case []any:
		out["keys"] = len(keys)
	}
	switch info := data["key_info"].(type) {
	case map[string]any:
		out["key_info"] = len(info)
	}
	return out
}
