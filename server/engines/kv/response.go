package kv

import (
	"encoding/json"

	"github.com/cofre-io/cofre/server/logical"
)

// statusNotFound is HTTP 404. Vault answers a read of a deleted or destroyed
// version with 404 and a body that still carries the version's metadata;
// clients (the official Go client's KVv2.Get among them) read it. The
// logical contract has no status field, so the envelope is built here as a
// raw response.
const statusNotFound = 404

// envelope mirrors the Vault response body.
type envelope struct {
	RequestID     string         `json:"request_id"`
	LeaseID       string         `json:"lease_id"`
	Renewable     bool           `json:"renewable"`
	LeaseDuration int64          `json:"lease_duration"`
	Data          map[string]any `json:"data"`
	WrapInfo      any            `json:"wrap_info"`
	Warnings      []string       `json:"warnings"`
	Auth          any            `json:"auth"`
	MountType     string         `json:"mount_type"`
}

// notFoundWithData answers 404 with data in the usual envelope.
func notFoundWithData(req *logical.Request, data map[string]any) (*logical.Response, error) {
	body, err := json.Marshal(envelope{RequestID: req.ID, Data: data, MountType: req.MountType})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Raw: &logical.RawResponse{StatusCode: statusNotFound, ContentType: "application/json", Body: body}}, nil
}
