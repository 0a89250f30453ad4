package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Format returns text in canonical layout, for `cofre policy fmt`. The text
// must parse (errors are those of Parse, *ParseError included). Native HCL
// keeps its comments and order and gets hclwrite's canonical spacing and
// alignment; JSON text is re-indented with two spaces.
func Format(text string) (string, error) {
	if _, err := Parse("", text); err != nil {
		return "", err
	}
	if isJSON(text) {
		var buf bytes.Buffer
		if err := json.Indent(&buf, []byte(text), "", "  "); err != nil {
			return "", fmt.Errorf("format: %w: %v", ErrInvalidPolicy, err)
		}
		buf.WriteByte('\n')
		return buf.String(), nil
	}
	return string(hclwrite.Format([]byte(text))), nil
}

// Encode renders p as canonical HCL native syntax: one path block per rule
// in order, attributes in a fixed order, capabilities in the conventional
// order (create, read, update, patch, delete, list, sudo, deny), parameter
// names sorted, durations as Go duration strings. Parse(p.Name, Encode(p)) yields a
// policy equal to p when p came from Parse.
func Encode(p *Policy) string {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	for i := range p.Paths {
		if i > 0 {
			body.AppendNewline()
		}
		encodeRule(body.AppendNewBlock("path", []string{p.Paths[i].Pattern}).Body(), &p.Paths[i])
	}
	return string(f.Bytes())
}

func encodeRule(b *hclwrite.Body, pr *PathRule) {
	var caps []cty.Value
	for _, c := range canonicalOrder {
		if pr.Capabilities&c != 0 {
			caps = append(caps, cty.StringVal(c.name()))
		}
	}
	b.SetAttributeValue(attrCapabilities, tupleOf(caps))
	if pr.AllowedParameters != nil {
		b.SetAttributeRaw(attrAllowed, paramTokens(pr.AllowedParameters))
	}
	if pr.DeniedParameters != nil {
		b.SetAttributeRaw(attrDenied, paramTokens(pr.DeniedParameters))
	}
	if pr.RequiredParameters != nil {
		b.SetAttributeValue(attrRequired, stringTuple(pr.RequiredParameters))
	}
	if pr.MinWrappingTTL != 0 {
		b.SetAttributeValue(attrMinWrap, cty.StringVal(pr.MinWrappingTTL.String()))
	}
	if pr.MaxWrappingTTL != 0 {
		b.SetAttributeValue(attrMaxWrap, cty.StringVal(pr.MaxWrappingTTL.String()))
	}
}

// paramTokens writes a parameter map with every key quoted, so that keys
// such as "null" or "true" are not read back as keywords.
func paramTokens(m map[string][]string) hclwrite.Tokens {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	attrs := make([]hclwrite.ObjectAttrTokens, 0, len(keys))
	for _, k := range keys {
		attrs = append(attrs, hclwrite.ObjectAttrTokens{
			Name:  hclwrite.TokensForValue(cty.StringVal(k)),
			Value: hclwrite.TokensForValue(stringTuple(m[k])),
		})
	}
	return hclwrite.TokensForObject(attrs)
}

func stringTuple(ss []string) cty.Value {
	vals := make([]cty.Value, 0, len(ss))
	for _, s := range ss {
		vals = append(vals, cty.StringVal(s))
	}
	return tupleOf(vals)
}

func tupleOf(vals []cty.Value) cty.Value {
	if len(vals) == 0 {
		return cty.EmptyTupleVal
	}
	return cty.TupleVal(vals)
}
