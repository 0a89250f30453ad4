package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/vault/api"
)

func operatorCommands(t map[string]command) {
	t["operator init"] = command{"Initialize the server: create the unseal (or recovery) keys and the root token", cmdInit}
	t["operator unseal"] = command{"Provide an unseal key share", cmdUnseal}
	t["operator seal"] = command{"Seal the server", cmdSeal}
	t["operator rotate"] = command{"Add a new barrier encryption key term", cmdRotate}
	t["operator key-status"] = command{"Show the active barrier key term", cmdKeyStatus}
	t["operator rekey"] = command{"Replace the unseal (or recovery) key shares", cmdRekey}
	t["operator generate-root"] = command{"Generate a new root token from unseal key shares", cmdGenerateRoot}
}

// machineInit is `operator init -format=json` output: the shape Vault's CLI
// prints and scripts read (unseal_keys_b64, root_token, ...).
type machineInit struct {
	UnsealKeysB64     []string `json:"unseal_keys_b64"`
	UnsealKeysHex     []string `json:"unseal_keys_hex"`
	UnsealShares      int      `json:"unseal_shares"`
	UnsealThreshold   int      `json:"unseal_threshold"`
	RecoveryKeysB64   []string `json:"recovery_keys_b64"`
	RecoveryKeysHex   []string `json:"recovery_keys_hex"`
	RecoveryShares    int      `json:"recovery_keys_shares"`
	RecoveryThreshold int      `json:"recovery_keys_threshold"`
	RootToken         string   `json:"root_token"`
}

func cmdInit(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Initializes the server. With a Shamir seal it prints the unseal key shares;\nwith an auto seal, the recovery key shares. Keep them and the root token safe.")
	shares := fs.Int("key-shares", 5, "number of unseal key shares")
	threshold := fs.Int("key-threshold", 3, "number of shares needed to unseal")
	recShares := fs.Int("recovery-shares", 5, "number of recovery key shares (auto seal)")
	recThreshold := fs.Int("recovery-threshold", 3, "number of recovery shares needed (auto seal)")
	status := fs.Bool("status", false, "only report whether the server is initialized (exit 0 yes, 2 no)")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	if *status {
		m, _, err := r.getMap(ctx, c, request{method: "GET", path: "sys/init"})
		if err != nil {
			return r.fail("Error checking initialization status: %s", apiError(err))
		}
		if boolean(m["initialized"]) {
			r.out("Cofre is initialized\n")
			return ExitOK
		}
		r.out("Cofre is not initialized\n")
		return ExitUsage
	}
	// An auto seal takes recovery shares instead of unseal shares.
	auto := false
	if st, _, err := r.getMap(ctx, c, request{method: "GET", path: "sys/seal-status"}); err == nil {
		auto = boolean(st["recovery_seal"]) || (str(st["type"]) != "" && str(st["type"]) != "shamir")
	}
	body := map[string]any{"secret_shares": *shares, "secret_threshold": *threshold}
	if auto {
		body = map[string]any{"recovery_shares": *recShares, "recovery_threshold": *recThreshold}
	}
	m, _, err := r.getMap(ctx, c, request{method: "PUT", path: "sys/init", body: body})
	if err != nil {
		return r.fail("Error initializing: %s", apiError(err))
	}
	res := machineInit{
		UnsealKeysB64:     strList(m["keys_base64"]),
		UnsealKeysHex:     strList(m["keys"]),
		RecoveryKeysB64:   strList(m["recovery_keys_base64"]),
		RecoveryKeysHex:   strList(m["recovery_keys"]),
		RootToken:         str(m["root_token"]),
		UnsealShares:      *shares,
		UnsealThreshold:   *threshold,
		RecoveryShares:    *recShares,
		RecoveryThreshold: *recThreshold,
	}
	if auto {
		res.UnsealShares, res.UnsealThreshold = 1, 1
	} else {
		res.RecoveryShares, res.RecoveryThreshold = 0, 0
	}
	if r.field != "" {
		switch r.field {
		case "root_token":
			return r.printField(res.RootToken)
		case "unseal_keys_b64":
			return r.printField(res.UnsealKeysB64)
		}
		return r.fail("Field %q not present in the response", r.field)
	}
	if r.format == "json" {
		return r.printJSON(res)
	}
	for i, k := range res.UnsealKeysB64 {
		r.out("Unseal Key %d: %s\n", i+1, k)
	}
	for i, k := range res.RecoveryKeysB64 {
		r.out("Recovery Key %d: %s\n", i+1, k)
	}
	r.out("\nInitial Root Token: %s\n\n", res.RootToken)
	if auto {
		r.out("Cofre initialized with %d recovery key shares and a key threshold of %d.\n", res.RecoveryShares, res.RecoveryThreshold)
		r.out("Recovery keys cannot unseal the server; they authorize operations such as\ngenerating a root token.\n")
		return ExitOK
	}
	r.out("Cofre initialized with %d key shares and a key threshold of %d.\n", res.UnsealShares, res.UnsealThreshold)
	r.out("Unseal it by giving %d of these keys to \"cofre operator unseal\" after every\nrestart. Keep the keys apart: whoever holds %d of them can unseal.\n", res.UnsealThreshold, res.UnsealThreshold)
	return ExitOK
}

// keyArg returns the key share from the arguments, standard input ("-"),
// or a prompt.
func (r *runner) keyArg(pos []string, prompt string) (string, error) {
	if len(pos) > 0 && pos[0] != "-" {
		return strings.TrimSpace(pos[0]), nil
	}
	if len(pos) > 0 {
		b, err := r.readStdin()
		return strings.TrimSpace(string(b)), err
	}
	line, err := r.readSecret(prompt)
	return strings.TrimSpace(line), err
}

func cmdUnseal(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[KEY]", "Provides one unseal key share. Without KEY, reads it from standard input.")
	reset := fs.Bool("reset", false, "discard the shares given so far")
	migrate := fs.Bool("migrate", false, "move the root key to the configured seal (seal migration); give it with every share")
	pos, c, code, ok := r.start(fs, args, 0, 1)
	if !ok {
		return code
	}
	body := map[string]any{"reset": true}
	if !*reset {
		key, err := r.keyArg(pos, "Unseal Key")
		if err != nil {
			return r.fail("Error reading the unseal key: %v", err)
		}
		if key == "" {
			return r.usage("Missing unseal key.")
		}
		body = map[string]any{"key": key}
		if *migrate {
			body["migrate"] = true
		}
	}
	st, _, err := r.getMap(ctx, c, request{method: "PUT", path: "sys/unseal", body: body})
	if err != nil {
		return r.fail("Error unsealing: %s", apiError(err))
	}
	if r.format == "json" {
		return r.printJSON(st)
	}
	r.printKV(sealStatusRows(st))
	return ExitOK
}

func cmdSeal(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Seals the server: it forgets its keys and answers nothing until unsealed.")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	if _, err := r.send(ctx, c, request{method: "PUT", path: "sys/seal"}); err != nil {
		return r.fail("Error sealing: %s", apiError(err))
	}
	r.out("Success! Cofre is sealed.\n")
	return ExitOK
}

func cmdKeyStatus(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Shows the barrier's active key term and when it was installed.")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	return r.printKeyStatus(ctx, c, "")
}

func cmdRotate(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Adds a new barrier key term; new writes use it, old data stays readable.")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	if _, err := r.send(ctx, c, request{method: "PUT", path: "sys/rotate"}); err != nil {
		return r.fail("Error rotating key: %s", apiError(err))
	}
	return r.printKeyStatus(ctx, c, "Success! Rotated key\n\n")
}

func (r *runner) printKeyStatus(ctx context.Context, c *api.Client, banner string) int {
	rep, err := r.send(ctx, c, request{method: "GET", path: "sys/key-status"})
	if err != nil {
		return r.fail("Error reading key status: %s", apiError(err))
	}
	if r.format == "json" || r.field != "" {
		return r.printSecret(rep)
	}
	d := rep.data()
	r.out("%s", banner)
	rows := []row{{"Key Term", fmt.Sprint(num(d["term"]))}, {"Install Time", str(d["install_time"])}}
	if v, ok := d["encryptions"]; ok {
		rows = append(rows, row{"Encryption Count", formatValue(v)})
	}
	r.printKV(rows)
	return ExitOK
}
