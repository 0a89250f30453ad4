package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// errBodyTooLarge is returned when a body exceeds the listener's limit.
var errBodyTooLarge = errors.New("request body too large")

// parseBody decodes a JSON object body. An empty body is an empty map.
func parseBody(r *http.Request, limit int64) (map[string]any, error) {
	if r.Body == nil {
		return nil, nil
	}
	var rd io.Reader = r.Body
	if limit > 0 {
		rd = io.LimitReader(r.Body, limit+1)
	}
	raw, err := io.ReadAll(rd)
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to read request body: %v", err)
	}
	if limit > 0 && int64(len(raw)) > limit {
		return nil, errBodyTooLarge
	}
	return decodeJSONObject(raw)
}

// decodeJSONObject parses raw as a JSON object with numbers kept exact.
func decodeJSONObject(raw []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to parse JSON input: %v", err)
	}
	if dec.More() {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to parse JSON input: unexpected data after the JSON object")
	}
	if v == nil {
		return nil, nil // Vault clients send "null" for an empty write
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to parse JSON input: the body must be a JSON object")
	}
	return m, nil
}

// clientToken reads X-Vault-Token, then Authorization: Bearer.
func clientToken(r *http.Request) string {
	if t := r.Header.Get("X-Vault-Token"); t != "" {
		return t
	}
	if a := r.Header.Get("Authorization"); a != "" {
		if tok, ok := strings.CutPrefix(a, "Bearer "); ok {
			return strings.TrimSpace(tok)
		}
	}
	return ""
}

// operation maps the HTTP method (and ?list=true) to a logical operation.
func operation(r *http.Request) (logical.Operation, bool) {
	switch r.Method {
	case http.MethodGet:
		if v := r.URL.Query().Get("list"); v == "true" || v == "1" {
			return logical.ListOperation, true
		}
		return logical.ReadOperation, true
	case "LIST":
		return logical.ListOperation, true
	case http.MethodPost, http.MethodPut:
		return logical.UpdateOperation, true
	case http.MethodPatch:
		return logical.PatchOperation, true
	case http.MethodDelete:
		return logical.DeleteOperation, true
	}
	return "", false
}

// queryData turns query parameters into request data (GET, LIST, DELETE).
func queryData(r *http.Request) map[string]any {
	q := r.URL.Query()
	if len(q) == 0 {
		return nil
	}
	out := make(map[string]any, len(q))
	for k, v := range q {
		if k == "list" || k == "help" {
			continue
		}
		if len(v) == 1 {
			out[k] = v[0]
		} else {
			vs := make([]any, len(v))
			for i := range v {
				vs[i] = v[i]
			}
			out[k] = vs
		}
	}
	return out
}

// wrapTTL reads X-Vault-Wrap-TTL.
func wrapTTL(r *http.Request) (logical.Request, error) {
	var req logical.Request
	h := r.Header.Get("X-Vault-Wrap-TTL")
	if h == "" {
		return req, nil
	}
	d, err := framework.ParseDuration(h)
	if err != nil || d == 0 {
		return req, logical.Errorf(logical.ErrInvalidRequest, "invalid wrap TTL %q", h)
	}
	req.WrapTTL = d
	return req, nil
}

// newRequestID returns a random UUID.
func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
