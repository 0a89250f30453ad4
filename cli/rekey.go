package cli

import (
	"context"
	"fmt"
)

func cmdRekey(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[KEY]", `Replaces the unseal key shares (or, with -target=recovery, the recovery
key shares) without re-encrypting data:

  cofre operator rekey -init -key-shares=5 -key-threshold=3
  cofre operator rekey -nonce=NONCE KEY      (repeat with threshold-many old keys)
  cofre operator rekey -status | -cancel`)
	init := fs.Bool("init", false, "start a rekey")
	cancel := fs.Bool("cancel", false, "cancel the rekey in progress")
	status := fs.Bool("status", false, "print the rekey progress")
	shares := fs.Int("key-shares", 5, "number of new key shares (with -init)")
	threshold := fs.Int("key-threshold", 3, "number of new shares needed (with -init)")
	nonce := fs.String("nonce", "", "the rekey's nonce (default: read from the server)")
	target := fs.String("target", "barrier", `"barrier" (unseal keys) or "recovery" (recovery keys)`)
	pos, c, code, ok := r.start(fs, args, 0, 1)
	if !ok {
		return code
	}
	base := "sys/rekey"
	switch *target {
	case "barrier":
	case "recovery":
		base = "sys/rekey-recovery-key"
	default:
		return r.usage("Invalid -target %q: use \"barrier\" or \"recovery\".", *target)
	}
	switch {
	case *init:
		m, _, err := r.getMap(ctx, c, request{method: "PUT", path: base + "/init",
			body: map[string]any{"secret_shares": *shares, "secret_threshold": *threshold}})
		if err != nil {
			return r.fail("Error initializing rekey: %s", apiError(err))
		}
		return r.printRekeyStatus(m)
	case *cancel:
		if _, err := r.send(ctx, c, request{method: "DELETE", path: base + "/init"}); err != nil {
			return r.fail("Error canceling rekey: %s", apiError(err))
		}
		r.out("Success! Canceled rekeying (if it was started)\n")
		return ExitOK
	case *status:
		m, _, err := r.getMap(ctx, c, request{method: "GET", path: base + "/init"})
		if err != nil {
			return r.fail("Error reading rekey status: %s", apiError(err))
		}
		return r.printRekeyStatus(m)
	}
	n := *nonce
	if n == "" {
		m, _, err := r.getMap(ctx, c, request{method: "GET", path: base + "/init"})
		if err != nil {
			return r.fail("Error reading rekey status: %s", apiError(err))
		}
		if !boolean(m["started"]) {
			return r.fail("No rekey is in progress: start one with -init.")
		}
		n = str(m["nonce"])
	}
	key, err := r.keyArg(pos, "Unseal Key")
	if err != nil {
		return r.fail("Error reading the key: %v", err)
	}
	if key == "" {
		return r.usage("Missing key.")
	}
	m, _, err := r.getMap(ctx, c, request{method: "PUT", path: base + "/update", body: map[string]any{"key": key, "nonce": n}})
	if err != nil {
		return r.fail("Error posting unseal key: %s", apiError(err))
	}
	if !boolean(m["complete"]) {
		return r.printRekeyStatus(m)
	}
	if r.format == "json" {
		return r.printJSON(m)
	}
	keys := strList(m["keys_base64"])
	if len(keys) == 0 {
		keys = strList(m["keys"])
	}
	for i, k := range keys {
		r.out("Key %d: %s\n", i+1, k)
	}
	r.out("\nOperation nonce: %s\n\n", str(m["nonce"]))
	r.out("Rekey complete: %d new key shares, threshold %d. The old shares no longer work.\n",
		len(keys), *threshold)
	return ExitOK
}

func (r *runner) printRekeyStatus(m map[string]any) int {
	if r.format == "json" {
		return r.printJSON(m)
	}
	rows := []row{
		{"Nonce", str(m["nonce"])},
		{"Started", formatValue(boolean(m["started"]))},
		{"Rekey Progress", fmt.Sprintf("%d/%d", num(m["progress"]), num(m["required"]))},
		{"New Shares", fmt.Sprint(num(m["n"]))},
		{"New Threshold", fmt.Sprint(num(m["t"]))},
		{"Verification Required", formatValue(boolean(m["verification_required"]))},
	}
	r.printKV(rows)
	return ExitOK
}
