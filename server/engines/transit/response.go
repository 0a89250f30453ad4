package transit

import (
	"encoding/json"

	"github.com/cofre-io/cofre/server/logical"
)

// envelope mirrors Vault's response body. A batch with failed items
// answers a non-200 status with batch_results still in the body; the
// logical contract has no status field, so the body is built here as a
// raw response.
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

// withStatus turns resp into a raw JSON response with the given status.
func withStatus(req *logical.Request, resp *logical.Response, code int) (*logical.Response, error) {
	body, err := json.Marshal(envelope{RequestID: req.ID, Data: resp.Data, Warnings: resp.Warnings, MountType: req.MountType})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Raw: &logical.RawResponse{StatusCode: code, ContentType: "application/json", Body: body}}, nil
}
