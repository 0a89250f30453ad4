package pki

import (
	"crypto/x509/pkix"

	"github.com/cofre-io/cofre/server/logical/framework"
)

// subjectFields are the subject attributes besides the common name that
// roles and CA requests may set.
type subjectFields struct {
	OU            []string `json:"ou"`
	Organization  []string `json:"organization"`
	Country       []string `json:"country"`
	Locality      []string `json:"locality"`
	Province      []string `json:"province"`
	StreetAddress []string `json:"street_address"`
	PostalCode    []string `json:"postal_code"`
}

// subjectSchema adds the subject attribute fields to a path's schema.
func subjectSchema(f map[string]*framework.FieldSchema) {
	for _, n := range []string{"ou", "organization", "country", "locality", "province", "street_address", "postal_code"} {
		f[n] = &framework.FieldSchema{Type: framework.TypeCommaStringSlice, Description: "Subject " + n + " values."}
	}
}

// subjectFrom reads the subject attribute fields of a request.
func subjectFrom(d *framework.FieldData) subjectFields {
	return subjectFields{
		OU:            d.Strings("ou"),
		Organization:  d.Strings("organization"),
		Country:       d.Strings("country"),
		Locality:      d.Strings("locality"),
		Province:      d.Strings("province"),
		StreetAddress: d.Strings("street_address"),
		PostalCode:    d.Strings("postal_code"),
	}
}

// name builds the subject with cn as its common name.
func (s subjectFields) name(cn string) pkix.Name {
	return pkix.Name{
		CommonName:         cn,
		OrganizationalUnit: s.OU,
		Organization:       s.Organization,
		Country:            s.Country,
		Locality:           s.Locality,
		Province:           s.Province,
		StreetAddress:      s.StreetAddress,
		PostalCode:         s.PostalCode,
	}
}

// data renders the fields for a read response.
func (s subjectFields) data(m map[string]any) {
	m["ou"] = nonNil(s.OU)
	m["organization"] = nonNil(s.Organization)
	m["country"] = nonNil(s.Country)
	m["locality"] = nonNil(s.Locality)
	m["province"] = nonNil(s.Province)
	m["street_address"] = nonNil(s.StreetAddress)
	m["postal_code"] = nonNil(s.PostalCode)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
