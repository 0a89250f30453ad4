package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// ParseFile reads, parses and validates the configuration file at path.
// A ".json" extension selects HCL's JSON syntax. An unreadable file is
// returned as the os error, wrapped; a bad configuration as an *Error.
func ParseFile(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(path, src)
}

// Parse parses src, naming it filename in error positions (a ".json"
// extension selects JSON syntax), and then calls Validate. On error the
// result is nil and the error is an *Error listing every problem found.
func Parse(filename string, src []byte) (*Config, error) {
	parser := hclparse.NewParser()
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.EqualFold(filepath.Ext(filename), ".json") {
		file, diags = parser.ParseJSON(src, filename)
	} else {
		file, diags = parser.ParseHCL(src, filename)
	}
	if diags.HasErrors() {
		return nil, errorOf(diags)
	}
	cfg, diags := decodeRoot(file.Body)
	if diags.HasErrors() {
		return nil, errorOf(diags)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// ranges maps an attribute name to where it was written; the key ""
// holds the block's own definition range.
type ranges map[string]hcl.Range

// subject returns where to point an error about name: the attribute if it
// was written, else the enclosing block, else nowhere (a Config built in
// code).
func (r ranges) subject(name string) *hcl.Range {
	if rg, ok := r[name]; ok {
		return &rg
	}
	if rg, ok := r[""]; ok {
		return &rg
	}
	return nil
}

var rootSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "ui"},
		{Name: "disable_mlock"},
		{Name: "api_addr"},
		{Name: "cluster_addr"},
		{Name: "default_lease_ttl"},
		{Name: "max_lease_ttl"},
		{Name: "log_level"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "listener", LabelNames: []string{"type"}},
		{Type: "storage", LabelNames: []string{"type"}},
		{Type: "seal", LabelNames: []string{"type"}},
	},
}

func decodeRoot(body hcl.Body) (*Config, hcl.Diagnostics) {
	content, diags := body.Content(rootSchema)
	cfg := &Config{ranges: ranges{}}
	for _, attr := range sortedAttrs(content.Attributes) {
		cfg.ranges[attr.Name] = attr.Range
		var d hcl.Diagnostics
		switch attr.Name {
		case "ui", "disable_mlock":
			_, d = boolAttr(attr) // accepted and ignored; see doc.go
		case "api_addr":
			cfg.APIAddr, d = stringAttr(attr)
		case "cluster_addr":
			cfg.ClusterAddr, d = stringAttr(attr)
		case "default_lease_ttl":
			cfg.DefaultLeaseTTL, d = durationAttr(attr)
		case "max_lease_ttl":
			cfg.MaxLeaseTTL, d = durationAttr(attr)
		case "log_level":
			cfg.LogLevel, d = stringAttr(attr)
		}
		diags = append(diags, d...)
	}
	for _, block := range content.Blocks {
		switch block.Type {
		case "listener":
			l, d := decodeListener(block)
			diags = append(diags, d...)
			if l != nil {
				cfg.Listeners = append(cfg.Listeners, *l)
			}
		case "storage":
			if cfg.Storage != nil {
				diags = append(diags, blockError(block, "Duplicate storage block",
					"only one storage block may be given; the first is at "+cfg.Storage.ranges[""].String()))
				continue
			}
			s, d := decodeStorage(block)
			diags = append(diags, d...)
			cfg.Storage = s
		case "seal":
			s, d := decodeSeal(block)
			diags = append(diags, d...)
			if s != nil {
				cfg.Seals = append(cfg.Seals, *s)
			}
		}
	}
	return cfg, diags
}

// sortedAttrs returns attrs in the order they were written, so errors come
// out in a stable order.
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Range.Start.Byte < out[j].Range.Start.Byte
	})
	return out
}

func blockError(block *hcl.Block, summary, detail string) *hcl.Diagnostic {
	r := block.DefRange
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r}
}

// unsupportedType reports a block label naming a type that does not exist.
func unsupportedType(block *hcl.Block, detail string) hcl.Diagnostics {
	r := block.DefRange
	if len(block.LabelRanges) > 0 {
		r = block.LabelRanges[0]
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Unsupported %s type", block.Type),
		Detail:   detail,
		Subject:  &r,
	}}
}

// attrSchema builds a body schema of plain attributes.
func attrSchema(names ...string) *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, n := range names {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: n})
	}
	return s
}
