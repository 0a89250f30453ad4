package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/vault/api"
)

func statusCommands(t map[string]command) {
	t["status"] = command{"Print seal and HA status (exit 2 when sealed)", cmdStatus}
}

// getMap sends req and decodes the body as a JSON object (numbers kept as
// json.Number). Sys endpoints that answer without an envelope come back
// whole; enveloped ones keep their envelope.
func (r *runner) getMap(ctx context.Context, c *api.Client, req request) (map[string]any, *reply, error) {
	rep, err := r.send(ctx, c, req)
	if err != nil {
		return nil, nil, err
	}
	m, err := decodeObject(rep.raw)
	if err != nil {
		return nil, nil, err
	}
	return m, rep, nil
}

func decodeObject(raw []byte) (map[string]any, error) {
	m := map[string]any{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return m, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func cmdStatus(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Prints the server's seal status and HA status.\nExit code: 0 unsealed, 2 sealed, 1 error.")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	st, _, err := r.getMap(ctx, c, request{method: "GET", path: "sys/seal-status"})
	if err != nil {
		return r.fail("Error checking seal status: %s", apiError(err))
	}
	sealed := boolean(st["sealed"])
	if !sealed {
		// HA details are best effort, as with Vault: an old or odd server
		// without sys/leader still gets its seal status printed.
		if leader, _, err := r.getMap(ctx, c, request{method: "GET", path: "sys/leader"}); err == nil {
			for _, k := range []string{"ha_enabled", "is_self", "active_time", "leader_address", "leader_cluster_address", "raft_committed_index", "raft_applied_index"} {
				if v, ok := leader[k]; ok {
					st[k] = v
				}
			}
		}
	}
	code = ExitOK
	if sealed {
		code = ExitUsage
	}
	if r.field != "" {
		v, ok := st[r.field]
		if !ok {
			return r.fail("Field %q not present in the status", r.field)
		}
		r.printField(v)
		return code
	}
	if r.format == "json" {
		r.printJSON(st)
		return code
	}
	rows := sealStatusRows(st)
	if _, ok := st["ha_enabled"]; ok || !sealed {
		ha := boolean(st["ha_enabled"])
		rows = append(rows, row{"HA Enabled", formatValue(ha)})
		if ha {
			mode := "standby"
			if boolean(st["is_self"]) {
				mode = "active"
			}
			rows = append(rows, row{"HA Cluster", str(st["leader_cluster_address"])}, row{"HA Mode", mode})
			if mode == "active" {
				rows = append(rows, row{"Active Since", str(st["active_time"])})
			}
		}
	}
	r.printKV(rows)
	return code
}

// sealStatusRows lays out sys/seal-status as Vault's status table does.
func sealStatusRows(st map[string]any) []row {
	var rows []row
	recovery := boolean(st["recovery_seal"])
	rows = append(rows, row{"Seal Type", str(st["type"])})
	if recovery {
		rows = append(rows, row{"Recovery Seal Type", "shamir"})
	}
	rows = append(rows,
		row{"Initialized", formatValue(boolean(st["initialized"]))},
		row{"Sealed", formatValue(boolean(st["sealed"]))})
	shares := "Total Shares"
	if recovery {
		shares = "Total Recovery Shares"
	}
	rows = append(rows,
		row{shares, fmt.Sprint(num(st["n"]))},
		row{"Threshold", fmt.Sprint(num(st["t"]))})
	if boolean(st["sealed"]) {
		rows = append(rows, row{"Unseal Progress", fmt.Sprintf("%d/%d", num(st["progress"]), num(st["t"]))})
		nonce := str(st["nonce"])
		if nonce == "" {
			nonce = "n/a"
		}
		rows = append(rows, row{"Unseal Nonce", nonce})
	}
	if boolean(st["migration"]) {
		rows = append(rows, row{"Seal Migration in Progress", "true"})
	}
	rows = append(rows, row{"Version", str(st["version"])})
	if bd := str(st["build_date"]); bd != "" {
		rows = append(rows, row{"Build Date", bd})
	}
	rows = append(rows, row{"Storage Type", str(st["storage_type"])})
	if name := str(st["cluster_name"]); name != "" {
		rows = append(rows, row{"Cluster Name", name})
	}
	if id := str(st["cluster_id"]); id != "" {
		rows = append(rows, row{"Cluster ID", id})
	}
	return rows
}
