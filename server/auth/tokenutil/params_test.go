package tokenutil

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func fieldData(t *testing.T, raw map[string]any, legacy ...string) *framework.FieldData {
	t.Helper()
	d, err := framework.NewFieldData(raw, Fields(legacy...))
	if err != nil {
		t.Fatalf("field data: %v", err)
	}
	return d
}

func TestParseFromValid(t *testing.T) {
	var p TokenParams
	d := fieldData(t, map[string]any{
		"token_policies":          "B, a ,b,,",
		"token_ttl":               "1h",
		"token_max_ttl":           7200,
		"token_explicit_max_ttl":  "3h",
		"token_period":            "0",
		"token_num_uses":          3,
		"token_bound_cidrs":       []any{"10.0.0.0/8", " 127.0.0.1 "},
		"token_type":              "Service",
		"token_no_default_policy": true,
	})
	if err := p.ParseFrom(d); err != nil {
		t.Fatalf("ParseFrom: %v", err)
	}
	want := TokenParams{
		TokenPolicies:        []string{"a", "b"},
		TokenTTL:             time.Hour,
		TokenMaxTTL:          2 * time.Hour,
		TokenExplicitMaxTTL:  3 * time.Hour,
		TokenNumUses:         3,
		TokenBoundCIDRs:      []string{"10.0.0.0/8", "127.0.0.1"},
		TokenType:            TypeService,
		TokenNoDefaultPolicy: true,
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("got %+v\nwant %+v", p, want)
	}
}

func TestParseFromPartialUpdateKeepsValues(t *testing.T) {
	p := TokenParams{TokenPolicies: []string{"a"}, TokenTTL: time.Minute, TokenType: TypeBatch}
	if err := p.ParseFrom(fieldData(t, map[string]any{"token_max_ttl": "1h"})); err != nil {
		t.Fatal(err)
	}
	if p.TokenTTL != time.Minute || p.TokenMaxTTL != time.Hour || p.TokenType != TypeBatch || len(p.TokenPolicies) != 1 {
		t.Fatalf("partial update lost values: %+v", p)
	}
	if err := p.ParseFrom(fieldData(t, map[string]any{"token_type": "default"})); err != nil {
		t.Fatal(err)
	}
	if p.TokenType != "" {
		t.Fatalf("token_type default stored as %q, want empty", p.TokenType)
	}
}

func TestParseFromRejects(t *testing.T) {
	cases := []struct {
		name string
		raw  map[string]any
		msg  string
	}{
		{"bad cidr", map[string]any{"token_bound_cidrs": "10.0.0.0/33"}, `invalid 'token_bound_cidrs': "10.0.0.0/33" is not a CIDR block`},
		{"bad ip", map[string]any{"token_bound_cidrs": "nope"}, `invalid 'token_bound_cidrs': "nope" is not a CIDR block or IP address`},
		{"bad type", map[string]any{"token_type": "weird"}, `invalid 'token_type' value "weird"`},
		{"negative uses", map[string]any{"token_num_uses": -1}, "'token_num_uses' cannot be negative"},
		{"ttl over max", map[string]any{"token_ttl": "2h", "token_max_ttl": "1h"}, "'token_ttl' cannot be greater than 'token_max_ttl'"},
		{"batch periodic", map[string]any{"token_type": "batch", "token_period": "1h"}, "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens"},
		{"batch uses", map[string]any{"token_type": "default-batch", "token_num_uses": 2}, "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count"},
		{"alias conflict", map[string]any{"token_policies": "a", "policies": "b"}, `"token_policies" and "policies" cannot both be set to different values`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := TokenParams{TokenPolicies: []string{"keep"}}
			err := p.ParseFrom(fieldData(t, c.raw))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, logical.ErrInvalidRequest) || !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("error kinds wrong: %v", err)
			}
			if got := logical.CodedMessage(err); got != c.msg {
				t.Fatalf("message %q, want %q", got, c.msg)
			}
			if !reflect.DeepEqual(p.TokenPolicies, []string{"keep"}) {
				t.Fatalf("params changed on error: %+v", p)
			}
		})
	}
}

func TestLegacyAliases(t *testing.T) {
	var p TokenParams
	d := fieldData(t, map[string]any{
		"policies": "x", "ttl": "60", "max_ttl": "120", "bound_cidrs": "192.168.0.0/16", "period": "30",
	}, LegacyTTL, LegacyMaxTTL, LegacyBoundCIDRs)
	if err := p.ParseFrom(d); err != nil {
		t.Fatal(err)
	}
	// period was not enabled as an alias, so it is ignored.
	want := TokenParams{TokenPolicies: []string{"x"}, TokenTTL: time.Minute, TokenMaxTTL: 2 * time.Minute, TokenBoundCIDRs: []string{"192.168.0.0/16"}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("got %+v want %+v", p, want)
	}
	same := fieldData(t, map[string]any{"token_ttl": "60", "ttl": 60}, LegacyTTL)
	if err := p.ParseFrom(same); err != nil {
		t.Fatalf("equal values under both names rejected: %v", err)
	}
}

func TestPopulateAuth(t *testing.T) {
	p := TokenParams{
		TokenPolicies: []string{"a"}, TokenTTL: time.Minute, TokenMaxTTL: time.Hour, TokenExplicitMaxTTL: 2 * time.Hour,
		TokenPeriod: 5 * time.Minute, TokenNumUses: 4, TokenBoundCIDRs: []string{"10.0.0.0/8"}, TokenNoDefaultPolicy: true,
	}
	var a logical.Auth
	p.PopulateAuth(&a)
	if !reflect.DeepEqual(a.Policies, []string{"a"}) || !reflect.DeepEqual(a.TokenPolicies, []string{"a"}) ||
		a.TTL != time.Minute || a.MaxTTL != time.Hour || a.ExplicitMaxTTL != 2*time.Hour || a.Period != 5*time.Minute ||
		a.NumUses != 4 || !reflect.DeepEqual(a.BoundCIDRs, []string{"10.0.0.0/8"}) || !a.NoDefaultPolicy ||
		a.TokenType != "" || !a.Renewable {
		t.Fatalf("auth %+v", a)
	}
	a.Policies[0] = "mutated"
	if p.TokenPolicies[0] != "a" {
		t.Fatal("PopulateAuth shares the policies slice")
	}
	p.TokenType = TypeDefaultBatch
	p.PopulateAuth(&a)
	if a.TokenType != TypeBatch || a.Renewable {
		t.Fatalf("batch auth: type %q renewable %v", a.TokenType, a.Renewable)
	}
}

func TestResponseData(t *testing.T) {
	p := TokenParams{TokenTTL: 90 * time.Second, TokenPeriod: time.Minute}
	m := map[string]any{}
	p.ResponseData(m, LegacyPeriod, LegacyTTL)
	want := map[string]any{
		"token_policies": []string{}, "policies": []string{}, "token_ttl": int64(90), "ttl": int64(90),
		"token_max_ttl": int64(0), "token_explicit_max_ttl": int64(0), "token_period": int64(60), "period": int64(60),
		"token_num_uses": 0, "token_bound_cidrs": []string{}, "token_type": "default", "token_no_default_policy": false,
	}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("got %#v\nwant %#v", m, want)
	}
}

func TestEquivalentPolicies(t *testing.T) {
	cases := []struct {
		a, b []string
		want bool
	}{
		{nil, nil, true},
		{[]string{"a", "b"}, []string{"B", "a", "a"}, true},
		{[]string{"a"}, []string{"a", "default"}, true},
		{nil, []string{"default"}, true},
		{[]string{"a"}, []string{"b"}, false},
		{[]string{"a"}, nil, false},
	}
	for _, c := range cases {
		if got := EquivalentPolicies(c.a, c.b); got != c.want {
			t.Errorf("EquivalentPolicies(%v, %v) = %v", c.a, c.b, got)
		}
	}
}
