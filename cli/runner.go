package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/vault/api"
)

// runner carries one command invocation: its Env and the common flags.
// It is used by one goroutine.
type runner struct {
	env  Env
	name string // the command's words, for messages

	stdinUsed bool

	address       string
	caCert        string
	caPath        string
	clientCert    string
	clientKey     string
	tlsServerName string
	skipVerify    bool
	format        string
	field         string
}

func newRunner(env Env, name string) *runner {
	return &runner{env: env, name: name}
}

// getenv returns the first non-empty value among names.
func (r *runner) getenv(names ...string) string {
	for _, n := range names {
		if v := r.env.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// flags returns a flag set holding the connection and output flags that
// every command accepts. args describes the positional arguments for the
// usage line.
func (r *runner) flags(args, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(r.name, flag.ContinueOnError)
	fs.SetOutput(r.env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(r.env.Stderr, "Usage: cofre %s [flags] %s\n\n%s\n\nFlags:\n", r.name, args, help)
		fs.PrintDefaults()
	}
	fs.StringVar(&r.address, "address", "", "server address (default: $COFRE_ADDR, $VAULT_ADDR, https://127.0.0.1:8200)")
	fs.StringVar(&r.caCert, "ca-cert", "", "PEM CA certificate file to verify the server (default: $COFRE_CACERT, $VAULT_CACERT)")
	fs.StringVar(&r.caPath, "ca-path", "", "directory of PEM CA certificates (default: $COFRE_CAPATH, $VAULT_CAPATH)")
	fs.StringVar(&r.clientCert, "client-cert", "", "PEM client certificate for TLS authentication")
	fs.StringVar(&r.clientKey, "client-key", "", "PEM private key for -client-cert")
	fs.StringVar(&r.tlsServerName, "tls-server-name", "", "server name to verify in the server's certificate")
	fs.BoolVar(&r.skipVerify, "tls-skip-verify", false, "do not verify the server's certificate (insecure; also $COFRE_SKIP_VERIFY)")
	fs.StringVar(&r.format, "format", "", `output format, "table" or "json" (default: $COFRE_FORMAT, $VAULT_FORMAT, table)`)
	fs.StringVar(&r.field, "field", "", "print only this field of the response, raw")
	return fs
}

// parse parses args with fs. Flags may follow positional arguments; "--"
// ends flag parsing. It returns the positional arguments, or an exit code
// (ok=false) after printing the problem.
func (r *runner) parse(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ExitOK, false
			}
			return nil, ExitUsage, false // flag already printed the error and usage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	if r.format == "" {
		r.format = strings.ToLower(r.getenv("COFRE_FORMAT", "VAULT_FORMAT"))
	}
	if r.format == "" {
		r.format = "table"
	}
	if r.format != "table" && r.format != "json" {
		fmt.Fprintf(r.env.Stderr, "Invalid output format %q: use \"table\" or \"json\".\n", r.format)
		return nil, ExitUsage, false
	}
	return pos, ExitOK, true
}

// usage prints a usage problem and returns ExitUsage.
func (r *runner) usage(format string, args ...any) int {
	fmt.Fprintf(r.env.Stderr, format+"\n", args...)
	fmt.Fprintf(r.env.Stderr, "Run \"cofre %s -h\" for usage.\n", r.name)
	return ExitUsage
}

// fail prints an error and returns ExitError.
func (r *runner) fail(format string, args ...any) int {
	fmt.Fprintf(r.env.Stderr, format+"\n", args...)
	return ExitError
}

// out writes to standard output.
func (r *runner) out(format string, args ...any) {
	fmt.Fprintf(r.env.Stdout, format, args...)
}

// readStdin reads all of standard input, once per command.
func (r *runner) readStdin() ([]byte, error) {
	if r.stdinUsed {
		return nil, errors.New("standard input can be read only once")
	}
	r.stdinUsed = true
	if r.env.Stdin == nil {
		return nil, errors.New("no standard input")
	}
	return io.ReadAll(r.env.Stdin)
}

// readSecret prompts on standard error ("NAME: ", with "(will be hidden)"
// when standard input is a terminal whose echo can be turned off) and reads
// one line from standard input, without its line ending.
func (r *runner) readSecret(name string) (string, error) {
	if r.stdinUsed {
		return "", errors.New("standard input can be read only once")
	}
	r.stdinUsed = true
	if r.env.Stdin == nil {
		return "", errors.New("no standard input")
	}
	if f, ok := r.env.Stdin.(*os.File); ok {
		if restore, ok := noEcho(f); ok {
			defer restore()
			name += " (will be hidden)"
		}
	}
	fmt.Fprint(r.env.Stderr, name+": ")
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.env.Stdin.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	fmt.Fprintln(r.env.Stderr)
	return strings.TrimRight(b.String(), "\r"), nil
}

// start parses args, checks the number of positional arguments (maxArgs
// < 0: no upper bound) and builds the client. ok=false means the command
// must return code.
func (r *runner) start(fs *flag.FlagSet, args []string, minArgs, maxArgs int) (pos []string, c *api.Client, code int, ok bool) {
	pos, code, ok = r.parse(fs, args)
	if !ok {
		return nil, nil, code, false
	}
	switch {
	case len(pos) < minArgs:
		return nil, nil, r.usage("Not enough arguments (expected %d, got %d).", minArgs, len(pos)), false
	case maxArgs >= 0 && len(pos) > maxArgs:
		return nil, nil, r.usage("Too many arguments (expected at most %d, got %d).", maxArgs, len(pos)), false
	}
	c, err := r.client()
	if err != nil {
		return nil, nil, r.fail("Error: %v", err), false
	}
	return pos, c, ExitOK, true
}
