package tokenutil

import "testing"

func TestAddrAllowed(t *testing.T) {
	cases := []struct {
		remote string
		cidrs  []string
		want   bool
	}{
		{"10.1.2.3", nil, true},
		{"", nil, true},
		{"10.1.2.3", []string{"10.0.0.0/8"}, true},
		{"10.1.2.3:5555", []string{"10.0.0.0/8"}, true},
		{"11.1.2.3", []string{"10.0.0.0/8"}, false},
		{"127.0.0.1", []string{"127.0.0.1"}, true},
		{"127.0.0.2", []string{"127.0.0.1"}, false},
		{"[::1]:80", []string{"::1/128"}, true},
		{"::ffff:10.0.0.1", []string{"10.0.0.0/8"}, true},
		{"garbage", []string{"0.0.0.0/0"}, false},
		{"", []string{"0.0.0.0/0"}, false},
		{"10.0.0.1", []string{"bad", "10.0.0.0/24"}, true},
	}
	for _, c := range cases {
		if got := AddrAllowed(c.remote, c.cidrs); got != c.want {
			t.Errorf("AddrAllowed(%q, %v) = %v, want %v", c.remote, c.cidrs, got, c.want)
		}
	}
}

func TestSubset(t *testing.T) {
	cases := []struct {
		sub, super []string
		want       bool
	}{
		{nil, nil, true},
		{[]string{"10.0.0.0/8"}, nil, true},
		{nil, []string{"10.0.0.0/8"}, true},
		{[]string{"10.1.0.0/16", "10.2.3.4"}, []string{"10.0.0.0/8"}, true},
		{[]string{"10.0.0.0/8"}, []string{"10.1.0.0/16"}, false},
		{[]string{"10.0.0.0/8", "11.0.0.1"}, []string{"10.0.0.0/8"}, false},
		{[]string{"bad"}, []string{"0.0.0.0/0"}, false},
		{[]string{"127.0.0.1"}, []string{"127.0.0.1/32"}, true},
	}
	for _, c := range cases {
		if got := Subset(c.sub, c.super); got != c.want {
			t.Errorf("Subset(%v, %v) = %v, want %v", c.sub, c.super, got, c.want)
		}
	}
}
