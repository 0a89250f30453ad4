package config

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/hcl/v2"
)

var listenerSchema = attrSchema("address", "tls_disable", "tls_cert_file", "tls_key_file",
	"tls_min_version", "max_request_size", "max_request_duration")

func decodeListener(block *hcl.Block) (*Listener, hcl.Diagnostics) {
	typ := block.Labels[0]
	if typ != "tcp" {
		return nil, unsupportedType(block, fmt.Sprintf("listener type %q is not supported; the only type is \"tcp\"", typ))
	}
	content, diags := block.Body.Content(listenerSchema)
	l := &Listener{Type: typ, ranges: ranges{"": block.DefRange}}
	for _, attr := range sortedAttrs(content.Attributes) {
		l.ranges[attr.Name] = attr.Range
		var d hcl.Diagnostics
		switch attr.Name {
		case "address":
			l.Address, d = stringAttr(attr)
		case "tls_disable":
			l.TLSDisable, d = boolAttr(attr)
		case "tls_cert_file":
			l.TLSCertFile, d = stringAttr(attr)
		case "tls_key_file":
			l.TLSKeyFile, d = stringAttr(attr)
		case "tls_min_version":
			l.TLSMinVersion, d = stringAttr(attr)
		case "max_request_size":
			l.MaxRequestSize, d = intAttr(attr)
		case "max_request_duration":
			l.MaxRequestDuration, d = durationAttr(attr)
		}
		diags = append(diags, d...)
	}
	return l, diags
}

// storageOptions lists, per storage type, the attributes beyond path and
// node_id that go into Storage.Options. Nothing else is accepted.
var storageOptions = map[string][]string{
	"raft":  {},
	"inmem": {},
}

// storageFields says which storage types take path and node_id.
var storageFields = map[string][]string{
	"raft":  {"path", "node_id"},
	"inmem": {},
}

func decodeStorage(block *hcl.Block) (*Storage, hcl.Diagnostics) {
	typ := block.Labels[0]
	fields, ok := storageFields[typ]
	if !ok {
		detail := fmt.Sprintf("storage type %q is not supported; use \"raft\" or \"inmem\"", typ)
		if typ == "file" {
			detail = `storage type "file" is not supported; use "raft" (a single node is fine) or "inmem"`
		}
		return nil, unsupportedType(block, detail)
	}
	content, diags := block.Body.Content(attrSchema(append(fields, storageOptions[typ]...)...))
	s := &Storage{Type: typ, Options: map[string]string{}, ranges: ranges{"": block.DefRange}}
	for _, attr := range sortedAttrs(content.Attributes) {
		s.ranges[attr.Name] = attr.Range
		v, d := stringAttr(attr)
		diags = append(diags, d...)
		switch attr.Name {
		case "path":
			s.Path = v
		case "node_id":
			s.NodeID = v
		default:
			s.Options[attr.Name] = v
		}
	}
	return s, diags
}

// sealAttrs lists each seal type's attributes besides "disabled"; the
// bool ones are decoded as booleans and kept in Options as "true"/"false".
var sealAttrs = map[string][]string{
	"static": {"key_file", "key_env"},
	"transit": {"address", "token", "key_name", "mount_path", "namespace", "tls_ca_cert",
		"tls_client_cert", "tls_client_key", "tls_server_name", "tls_skip_verify", "disable_renewal"},
}

var sealBoolAttrs = map[string]bool{"tls_skip_verify": true, "disable_renewal": true}

func decodeSeal(block *hcl.Block) (*Seal, hcl.Diagnostics) {
	typ := block.Labels[0]
	names, ok := sealAttrs[typ]
	if !ok {
		return nil, unsupportedType(block, fmt.Sprintf("seal type %q is not supported; use \"static\" or \"transit\" (no seal block means Shamir)", typ))
	}
	content, diags := block.Body.Content(attrSchema(append(names, "disabled")...))
	s := &Seal{Type: typ, Options: map[string]string{}, ranges: ranges{"": block.DefRange}}
	for _, attr := range sortedAttrs(content.Attributes) {
		s.ranges[attr.Name] = attr.Range
		var d hcl.Diagnostics
		switch {
		case attr.Name == "disabled":
			s.Disabled, d = boolAttr(attr)
		case sealBoolAttrs[attr.Name]:
			var b bool
			b, d = boolAttr(attr)
			s.Options[attr.Name] = strconv.FormatBool(b)
		default:
			s.Options[attr.Name], d = stringAttr(attr)
		}
		diags = append(diags, d...)
	}
	s.fillTyped()
	return s, diags
}

// fillTyped sets Static or Transit from Options.
func (s *Seal) fillTyped() {
	o := s.Options
	switch s.Type {
	case "static":
		s.Static = &StaticSeal{KeyFile: o["key_file"], KeyEnv: o["key_env"]}
	case "transit":
		s.Transit = &TransitSeal{
			Address:       o["address"],
			Token:         o["token"],
			KeyName:       o["key_name"],
			MountPath:     o["mount_path"],
			Namespace:     o["namespace"],
			TLSCACert:     o["tls_ca_cert"],
			TLSClientCert: o["tls_client_cert"],
			TLSClientKey:  o["tls_client_key"],
			TLSServerName: o["tls_server_name"],
			TLSSkipVerify: o["tls_skip_verify"] == "true",
		}
	}
}
