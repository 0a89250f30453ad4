package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one line of a Key/Value table.
type row struct{ key, value string }

// printKV prints a two-column table headed Key/Value, as Vault's CLI does.
func (r *runner) printKV(rows []row) {
	lines := make([][]string, len(rows))
	for i, rw := range rows {
		lines[i] = []string{rw.key, rw.value}
	}
	r.printColumns([]string{"Key", "Value"}, lines)
}

// printColumns prints a table with a header row underlined by dashes.
func (r *runner) printColumns(header []string, lines [][]string) {
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 4, ' ', 0)
	dashes := make([]string, len(header))
	for i, h := range header {
		dashes[i] = strings.Repeat("-", len(h))
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	fmt.Fprintln(tw, strings.Join(dashes, "\t"))
	for _, l := range lines {
		cells := make([]string, len(l))
		for i, c := range l {
			// A tab or newline inside a value would break the columns.
			cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}

// printJSON prints v indented by two spaces, with a final newline.
func (r *runner) printJSON(v any) int {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return r.fail("Error formatting output: %v", err)
	}
	r.env.Stdout.Write(append(b, '\n'))
	return ExitOK
}

// printRawJSON prints a JSON document as received, indented.
func (r *runner) printRawJSON(raw []byte) int {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
		return r.fail("Error formatting output: %v", err)
	}
	buf.WriteByte('\n')
	r.env.Stdout.Write(buf.Bytes())
	return ExitOK
}

// printField prints one value raw: strings as they are, anything else as
// JSON. Like Vault, it adds a newline only when standard output is a
// terminal, so that `-field=x > file` writes the bare value.
func (r *runner) printField(v any) int {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return r.fail("Error formatting output: %v", err)
		}
		s = string(b)
	}
	io.WriteString(r.env.Stdout, s)
	if isTerminal(r.env.Stdout) {
		io.WriteString(r.env.Stdout, "\n")
	}
	return ExitOK
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// formatValue renders a JSON value for a table cell as Vault's tables do:
// null as "<nil>", an empty string as "n/a".
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case string:
		if x == "" {
			return "n/a"
		}
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case []string:
		return "[" + strings.Join(x, " ") + "]"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + formatValue(x[k])
		}
		return "map[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprint(v)
}

// dataRows turns a map into table rows sorted by key.
func dataRows(m map[string]any) []row {
	rows := make([]row, 0, len(m))
	for _, k := range sortedKeys(m) {
		rows = append(rows, row{k, formatValue(m[k])})
	}
	return rows
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// humanSeconds renders a number of seconds as Vault's CLI does: "768h",
// "1h30m", "45s".
func humanSeconds(secs int64) string {
	s := (time.Duration(secs) * time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// printWarnings writes the server's warnings to standard error.
func (r *runner) printWarnings(warnings []string) {
	if len(warnings) == 0 {
		return
	}
	fmt.Fprintln(r.env.Stderr, "WARNING! The following warnings were returned from the server:")
	fmt.Fprintln(r.env.Stderr)
	for _, w := range warnings {
		fmt.Fprintf(r.env.Stderr, "  * %s\n", w)
	}
	fmt.Fprintln(r.env.Stderr)
}

// section is one titled block of kv output: a line of text or a table.
type section struct {
	title string
	rows  []row
	text  string
}

// printSections prints each section under a title centred in '=' signs as
// wide as the section, separated by blank lines, as Vault's kv commands do.
func (r *runner) printSections(secs ...section) {
	for i, s := range secs {
		var body bytes.Buffer
		if s.rows != nil || s.text == "" {
			sub := &runner{env: Env{Stdout: &body}}
			sub.printKV(s.rows)
		} else {
			body.WriteString(s.text + "\n")
		}
		width := 0
		for _, l := range strings.Split(body.String(), "\n") {
			width = max(width, len([]rune(strings.TrimRight(l, " "))))
		}
		if i > 0 {
			io.WriteString(r.env.Stdout, "\n")
		}
		io.WriteString(r.env.Stdout, titleLine(s.title, width)+"\n")
		r.env.Stdout.Write(body.Bytes())
	}
}

// titleLine centres " title " in '=' signs to width (at least two each side).
func titleLine(title string, width int) string {
	pad := max(width-len(title)-2, 4)
	left := pad / 2
	return strings.Repeat("=", left) + " " + title + " " + strings.Repeat("=", pad-left)
}
