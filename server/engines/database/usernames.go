package database

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode/utf8"
)

// Limits on username templates, which operators write: a bounded text, no
// loops or template calls, bounded output.
const (
	maxTemplateLen = 1024
	maxTemplateOut = 4096
	maxRandomLen   = 256
	maxPrintfWidth = 3 // digits in a printf width or precision
)

// ErrUsernameTemplate wraps every problem with a username template.
var ErrUsernameTemplate = errors.New("username template")

// usernameData is what a username template sees.
type usernameData struct {
	RoleName    string
	DisplayName string
}

// usernameRenderer renders username templates with an injected clock and
// random source.
type usernameRenderer struct {
	now  func() time.Time
	rand io.Reader
}

// parse parses text with the template functions and rejects constructs
// that could run long (range, template calls).
func (u usernameRenderer) parse(text string) (*template.Template, error) {
	if len(text) > maxTemplateLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrUsernameTemplate, maxTemplateLen)
	}
	t, err := template.New("username").Option("missingkey=error").Funcs(u.funcs()).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsernameTemplate, err)
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		if err := checkNodes(tt.Tree.Root); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// checkNodes walks a parse tree and refuses range and template actions.
func checkNodes(n parse.Node) error {
	switch n := n.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkNodes(c); err != nil {
				return err
			}
		}
	case *parse.RangeNode:
		return fmt.Errorf("%w: range is not allowed", ErrUsernameTemplate)
	case *parse.TemplateNode:
		return fmt.Errorf("%w: template calls are not allowed", ErrUsernameTemplate)
	case *parse.IfNode:
		return checkBranch(&n.BranchNode)
	case *parse.WithNode:
		return checkBranch(&n.BranchNode)
	}
	return nil
}

func checkBranch(b *parse.BranchNode) error {
	if err := checkNodes(b.List); err != nil {
		return err
	}
	return checkNodes(b.ElseList)
}

// render executes text for data and returns the trimmed result cut to max
// bytes (on a character boundary). An empty result is an error.
func (u usernameRenderer) render(text string, data usernameData, max int) (string, error) {
	t, err := u.parse(text)
	if err != nil {
		return "", err
	}
	var b limitedBuilder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("%w: %v", ErrUsernameTemplate, err)
	}
	out := truncateBytes(strings.TrimSpace(b.String()), max)
	if out == "" {
		return "", fmt.Errorf("%w: renders an empty name", ErrUsernameTemplate)
	}
	return out, nil
}

// limitedBuilder is a strings.Builder that refuses more than maxTemplateOut
// bytes.
type limitedBuilder struct{ strings.Builder }

func (l *limitedBuilder) Write(p []byte) (int, error) {
	if l.Len()+len(p) > maxTemplateOut {
		return 0, fmt.Errorf("output longer than %d bytes", maxTemplateOut)
	}
	return l.Builder.Write(p)
}

// truncateBytes cuts s to at most max bytes without splitting a character.
func truncateBytes(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(n int, s string) (string, error) {
	if n < 0 {
		return "", fmt.Errorf("truncate: negative length %d", n)
	}
	if utf8.RuneCountInString(s) <= n {
		return s, nil
	}
	return string([]rune(s)[:n]), nil
}

func (u usernameRenderer) funcs() template.FuncMap {
	return template.FuncMap{
		"printf":   safePrintf,
		"truncate": truncateRunes,
		"truncate_sha256": func(n int, s string) (string, error) {
			if n < 8 {
				return "", fmt.Errorf("truncate_sha256: length %d is below 8", n)
			}
			if utf8.RuneCountInString(s) <= n {
				return s, nil
			}
			sum := sha256.Sum256([]byte(s))
			head, _ := truncateRunes(n-8, s)
			return head + hex.EncodeToString(sum[:])[:8], nil
		},
		"random": func(n int) (string, error) {
			if n < 1 || n > maxRandomLen {
				return "", fmt.Errorf("random: length %d is not within 1..%d", n, maxRandomLen)
			}
			return randomString(u.rand, n, alphaNum)
		},
		"unix_time":        func() string { return strconv.FormatInt(u.now().Unix(), 10) },
		"unix_time_millis": func() string { return strconv.FormatInt(u.now().UnixMilli(), 10) },
		"timestamp":        func(layout string) string { return u.now().UTC().Format(layout) },
		"uppercase":        strings.ToUpper,
		"lowercase":        strings.ToLower,
		"replace":          func(old, repl, s string) string { return strings.ReplaceAll(s, old, repl) },
		"sha256": func(s string) string {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		},
		"base64": func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"uuid": func() (string, error) {
			var b [16]byte
			if _, err := io.ReadFull(u.rand, b[:]); err != nil {
				return "", err
			}
			b[6] = b[6]&0x0f | 0x40
			b[8] = b[8]&0x3f | 0x80
			h := hex.EncodeToString(b[:])
			return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
		},
	}
}

// safePrintf is fmt.Sprintf without '*' widths or widths and precisions of
// more than maxPrintfWidth digits, which could allocate without bound.
func safePrintf(format string, args ...any) (string, error) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		digits := 0
	scan:
		for i++; i < len(format); i++ {
			c := format[i]
			switch {
			case c == '*':
				return "", errors.New("printf: '*' widths are not allowed")
			case c >= '0' && c <= '9':
				digits++
				if digits > maxPrintfWidth {
					return "", errors.New("printf: width or precision too large")
				}
			case c == '.' || c == '[' || c == ']':
				digits = 0
			case strings.IndexByte("+-# ", c) >= 0:
			default:
				break scan
			}
		}
	}
	return fmt.Sprintf(format, args...), nil
}
