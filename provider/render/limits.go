package render

import (
	"errors"
	"fmt"
	"text/template"
	"text/template/parse"
)

// MaxTemplateOutput bounds what one template may write.
const MaxTemplateOutput = 1 << 20

// errOutputTooLarge stops a template past MaxTemplateOutput.
var errOutputTooLarge = errors.New("template output larger than 1 MiB")

// limitedBuffer refuses writes past MaxTemplateOutput.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if len(l.b)+len(p) > MaxTemplateOutput {
		return 0, errOutputTooLarge
	}
	l.b = append(l.b, p...)
	return len(p), nil
}

// checkTemplate refuses templates that could loop without bound: ranging
// over an integer (Go templates range over ints) made from a literal or
// len, directly or through a variable. Secret data holds no integers
// (numbers arrive as json.Number strings) and the functions return
// strings, so every range then walks data of bounded size.
func checkTemplate(t *template.Template) error {
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		if err := walk(tt.Tree.Root); err != nil {
			return err
		}
	}
	return nil
}

func walk(n parse.Node) error {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return nil
		}
		for _, c := range x.Nodes {
			if err := walk(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return checkPipe(x.Pipe, len(x.Pipe.Decl) > 0)
	case *parse.RangeNode:
		if err := checkPipe(x.Pipe, true); err != nil {
			return err
		}
		return walkBranch(&x.BranchNode)
	case *parse.IfNode:
		if err := checkPipe(x.Pipe, len(x.Pipe.Decl) > 0); err != nil {
			return err
		}
		return walkBranch(&x.BranchNode)
	case *parse.WithNode:
		if err := checkPipe(x.Pipe, len(x.Pipe.Decl) > 0); err != nil {
			return err
		}
		return walkBranch(&x.BranchNode)
	case *parse.TemplateNode:
		return checkPipe(x.Pipe, true)
	}
	return nil
}

func walkBranch(b *parse.BranchNode) error {
	if err := walk(b.List); err != nil {
		return err
	}
	return walk(b.ElseList)
}

// checkPipe refuses integer sources in a pipe whose value a range walks
// or a variable keeps.
func checkPipe(p *parse.PipeNode, strict bool) error {
	if p == nil || !strict {
		return nil
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			switch a := arg.(type) {
			case *parse.NumberNode:
				return fmt.Errorf("number %s in a range or variable: ranging over numbers is not supported", a.Text)
			case *parse.IdentifierNode:
				if a.Ident == "len" {
					return errors.New("len in a range or variable: ranging over numbers is not supported")
				}
			case *parse.PipeNode:
				if err := checkPipe(a, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
