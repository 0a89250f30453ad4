package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes, as Vault's CLI uses them.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Env is everything a command may touch outside the process's memory.
// Getenv must not be nil; Stdin may be nil (then reading it fails).
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// HomeDir holds the token file; "" means there is none.
	HomeDir string
}

// errUsage marks an error as the caller's mistake: Run prints it with the
// command's usage and exits with ExitUsage.
var errUsage = errors.New("usage error")

// command is one leaf of the command tree.
type command struct {
	synopsis string
	run      func(ctx context.Context, r *runner, args []string) int
}

// commandTable maps a command's words ("operator unseal") to it. It is built
// per call so that no package state exists.
func commandTable() map[string]command {
	t := map[string]command{}
	for _, add := range []func(map[string]command){
		statusCommands, operatorCommands, rwCommands, mountCommands,
		loginCommands, tokenCommands, policyCommands, kvCommands, leaseCommands,
		auditCommands,
	} {
		add(t)
	}
	return t
}

// Run runs the command in args (without the program name) and returns the
// process exit code. It never panics on bad input and writes only to
// env.Stdout and env.Stderr.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	table := commandTable()
	// The longest run of leading words that names a command wins:
	// "kv metadata get" before "kv metadata".
	for n := min(len(args), 3); n > 0; n-- {
		name := strings.Join(args[:n], " ")
		if c, ok := table[name]; ok {
			r := newRunner(env, name)
			return c.run(ctx, r, args[n:])
		}
	}
	prefix := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		prefix = args[0]
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			if _, ok := groupOf(table, args[0]+" "+args[1]); ok {
				prefix = args[0] + " " + args[1]
			}
		}
	}
	printHelp(env.Stderr, table, prefix)
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help") {
		return ExitOK
	}
	return ExitUsage
}

// groupOf reports whether some command starts with prefix.
func groupOf(table map[string]command, prefix string) ([]string, bool) {
	var names []string
	for name := range table {
		if strings.HasPrefix(name, prefix+" ") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, len(names) > 0
}

func printHelp(w io.Writer, table map[string]command, prefix string) {
	names, ok := groupOf(table, prefix)
	if prefix == "" || !ok {
		if prefix != "" && prefix != "help" {
			fmt.Fprintf(w, "Unknown command %q.\n\n", prefix)
		}
		names = names[:0]
		for name := range table {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Fprintln(w, "Usage: cofre <command> [flags] [args]")
	} else {
		fmt.Fprintf(w, "Usage: cofre %s <subcommand> [flags] [args]\n", prefix)
	}
	fmt.Fprintln(w, "\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "    %-26s %s\n", n, table[n].synopsis)
	}
}
