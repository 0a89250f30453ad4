package transit

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// batchFields are accepted by every path that takes batch_input.
var batchFields = map[string]*framework.FieldSchema{
	"batch_input":                   {Type: framework.TypeRaw},
	"partial_failure_response_code": {Type: framework.TypeInt},
	"reference":                     {Type: framework.TypeString},
}

// withBatchFields returns fields plus batchFields.
func withBatchFields(fields map[string]*framework.FieldSchema) map[string]*framework.FieldSchema {
	for k, v := range batchFields {
		fields[k] = v
	}
	return fields
}

// requestItems returns the items a request carries: the elements of
// batch_input (batch is true), or the request body itself as one item.
// batch_input must be a non-empty list of objects; anything else fails
// the whole request.
func requestItems(d *framework.FieldData) (items []map[string]any, batch bool, err error) {
	raw, ok := d.GetOk("batch_input")
	if !ok || raw == nil {
		return []map[string]any{d.Raw()}, false, nil
	}
	if s, isString := raw.(string); isString {
		// Some clients send the list JSON-encoded in a string.
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return nil, true, badRequest(ErrBadInput, "failed to parse batch input: not a JSON list")
		}
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, true, badRequest(ErrBadInput, "failed to parse batch input: expected a list of objects")
	}
	if len(list) == 0 {
		return nil, true, badRequest(ErrBadInput, msgNoBatch)
	}
	items = make([]map[string]any, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, true, badRequest(ErrBadInput, "failed to parse batch input: item %d is not an object", i)
		}
		items[i] = m
	}
	return items, true, nil
}

// itemString reads a string field of an item; absent is "".
func itemString(m map[string]any, key string) (string, bool, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, isString := v.(string)
	if !isString {
		return "", true, badRequest(ErrBadInput, "field %q must be a string", key)
	}
	return s, true, nil
}

// itemB64 reads and decodes a base64 field; msg is the decoding error.
func itemB64(m map[string]any, key, msg string) ([]byte, error) {
	s, _, err := itemString(m, key)
	if err != nil || s == "" {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, badRequest(ErrBadInput, "%s", msg)
	}
	return b, nil
}

// itemInt reads an integer field (a JSON number or a decimal string).
func itemInt(m map[string]any, key string) (int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, nil
	}
	var n int64
	var err error
	switch x := v.(type) {
	case json.Number:
		n, err = x.Int64()
	case float64:
		if x != math.Trunc(x) {
			err = fmt.Errorf("not an integer")
		}
		n = int64(x)
	case int:
		n = int64(x)
	case string:
		if x != "" {
			n, err = strconv.ParseInt(x, 10, 32)
		}
	default:
		err = fmt.Errorf("not a number")
	}
	if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, badRequest(ErrBadInput, "field %q must be an integer", key)
	}
	return int(n), nil
}

// batchResults collects one result per item.
type batchResults struct {
	items                      []map[string]any
	batch                      bool
	success, userErr, internal bool
	firstErr                   error
}

func newBatchResults(n int, batch bool) *batchResults {
	return &batchResults{items: make([]map[string]any, n), batch: batch}
}

// set records item i's outcome. A batch item's error becomes its "error"
// field; an internal error is not described to the client.
func (br *batchResults) set(i int, in, out map[string]any, err error) {
	if err != nil {
		if br.firstErr == nil {
			br.firstErr = err
		}
		msg := logical.CodedMessage(err)
		if isUserError(err) {
			br.userErr = true
		} else {
			br.internal = true
			msg = "internal error"
		}
		out = map[string]any{"error": msg}
	} else {
		br.success = true
	}
	if br.batch {
		if ref, ok := in["reference"].(string); ok {
			out["reference"] = ref
		} else {
			out["reference"] = ""
		}
	}
	br.items[i] = out
}

// response answers a request: a single item's data or error, or
// batch_results. With statusCodes (encrypt, decrypt, rewrap), a batch
// with failed items answers 400 (500 when only internal errors), or
// partial_failure_response_code when some items succeeded, as Vault; other
// batches answer 200 with per-item errors.
func (br *batchResults) response(req *logical.Request, d *framework.FieldData, statusCodes bool) (*logical.Response, error) {
	if !br.batch {
		if br.firstErr != nil {
			return nil, br.firstErr
		}
		return &logical.Response{Data: br.items[0]}, nil
	}
	resp := &logical.Response{Data: map[string]any{"batch_results": br.items}}
	if !statusCodes || !(br.userErr || br.internal) {
		return resp, nil
	}
	code := 400
	if !br.userErr {
		code = 500
	}
	if v, ok := d.GetOk("partial_failure_response_code"); ok && br.success {
		if c := v.(int); c >= 100 && c <= 599 {
			code = c
		} else {
			resp.Warnings = append(resp.Warnings, fmt.Sprintf("invalid partial_failure_response_code %d; answering %d", c, code))
		}
	}
	return withStatus(req, resp, code)
}
