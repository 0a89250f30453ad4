package policy

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
)

// Attribute names of a path block.
const (
	attrCapabilities = "capabilities"
	attrPolicy       = "policy"
	attrAllowed      = "allowed_parameters"
	attrDenied       = "denied_parameters"
	attrRequired     = "required_parameters"
	attrMinWrap      = "min_wrapping_ttl"
	attrMaxWrap      = "max_wrapping_ttl"
)

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "path", LabelNames: []string{"pattern"}}},
}

// pathAttrs is the schema of a path block, in the order attributes are
// decoded (and errors reported).
var pathAttrs = []string{attrCapabilities, attrPolicy, attrAllowed, attrDenied, attrRequired, attrMinWrap, attrMaxWrap}

func pathSchema() *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, name := range pathAttrs {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: name})
	}
	return s
}

// Parse parses policy text. Text whose first non-space character is '{' is
// read as HCL's JSON syntax, anything else as HCL native syntax.
//
// Every problem with the text (syntax, unknown blocks or attributes, unknown
// capabilities, values of the wrong type, bad durations, empty patterns) is
// reported as a *ParseError carrying the line and column of the offending
// text; it unwraps to ErrInvalidPolicy. The name "root" (in any case) is
// refused with ErrReservedName. The name is not otherwise validated.
func Parse(name, text string) (*Policy, error) {
	if strings.EqualFold(name, "root") {
		return nil, fmt.Errorf("parse: %w", ErrReservedName)
	}
	file, diags := parseFile(text)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	content, diags := file.Body.Content(rootSchema)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	p := &Policy{Name: name}
	schema := pathSchema()
	for _, b := range content.Blocks {
		rule, err := decodePath(b, schema)
		if err != nil {
			return nil, err
		}
		p.Paths = append(p.Paths, rule)
	}
	return p, nil
}

func parseFile(text string) (*hcl.File, hcl.Diagnostics) {
	if isJSON(text) {
		return hcljson.Parse([]byte(text), "policy.json")
	}
	return hclsyntax.ParseConfig([]byte(text), "policy.hcl", hcl.InitialPos)
}

func isJSON(text string) bool {
	t := strings.TrimLeft(text, " \t\r\n")
	return strings.HasPrefix(t, "{")
}

func decodePath(b *hcl.Block, schema *hcl.BodySchema) (PathRule, error) {
	rule := PathRule{Pattern: strings.TrimLeft(b.Labels[0], "/")}
	if rule.Pattern == "" {
		return rule, errorAt(b.LabelRanges[0], "path pattern is empty")
	}
	content, diags := b.Body.Content(schema)
	if diags.HasErrors() {
		return rule, diagError(diags)
	}
	for _, name := range pathAttrs {
		attr, ok := content.Attributes[name]
		if !ok {
			continue
		}
		if err := decodeAttr(&rule, attr); err != nil {
			return rule, err
		}
	}
	if rule.MinWrappingTTL > 0 && rule.MaxWrappingTTL > 0 && rule.MaxWrappingTTL < rule.MinWrappingTTL {
		return rule, errorAt(content.Attributes[attrMaxWrap].Expr.Range(), "max_wrapping_ttl is less than min_wrapping_ttl")
	}
	return rule, nil
}

func decodeAttr(rule *PathRule, attr *hcl.Attribute) error {
	var err error
	switch attr.Name {
	case attrCapabilities:
		var c Capability
		c, err = decodeCapabilities(attr.Expr)
		rule.Capabilities |= c
	case attrPolicy:
		var c Capability
		c, err = decodeLegacyPolicy(attr.Expr)
		rule.Capabilities |= c
	case attrAllowed:
		rule.AllowedParameters, err = decodeParamMap(attr.Expr)
	case attrDenied:
		rule.DeniedParameters, err = decodeParamMap(attr.Expr)
	case attrRequired:
		rule.RequiredParameters, err = decodeRequired(attr.Expr)
	case attrMinWrap:
		rule.MinWrappingTTL, err = decodeTTL(attr.Expr)
	case attrMaxWrap:
		rule.MaxWrappingTTL, err = decodeTTL(attr.Expr)
	}
	return err
}

// diagError turns the first error diagnostic into a *ParseError.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		rng := d.Subject
		if rng == nil {
			rng = d.Context
		}
		if rng == nil {
			return &ParseError{Line: 1, Column: 1, Msg: msg}
		}
		return errorAt(*rng, msg)
	}
	return &ParseError{Line: 1, Column: 1, Msg: "invalid policy"}
}

func errorAt(rng hcl.Range, msg string) *ParseError {
	return &ParseError{Line: max(rng.Start.Line, 1), Column: max(rng.Start.Column, 1), Msg: msg}
}
