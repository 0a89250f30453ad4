package rotation

import (
	"testing"
	"time"
)

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func policy(t *testing.T) Policy {
	t.Helper()
	p := Policy{Interval: 2 * time.Minute, MinBackoff: 5 * time.Second, MaxBackoff: time.Minute}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAfterSuccess(t *testing.T) {
	p := policy(t)
	tests := []struct {
		name     string
		interval time.Duration
		hint     time.Time
		want     time.Duration
	}{
		{"default interval", 0, time.Time{}, 2 * time.Minute},
		{"class interval", 30 * time.Second, time.Time{}, 30 * time.Second},
		{"earlier hint", 0, t0.Add(45 * time.Second), 45 * time.Second},
		{"later hint ignored", 0, t0.Add(time.Hour), 2 * time.Minute},
		{"hint before class interval", 10 * time.Minute, t0.Add(3 * time.Minute), 3 * time.Minute},
		{"past hint floored", 0, t0.Add(-time.Minute), time.Second},
	}
	for _, tt := range tests {
		if got := p.AfterSuccess(t0, tt.interval, tt.hint); !got.Equal(t0.Add(tt.want)) {
			t.Errorf("%s: next = +%v, want +%v", tt.name, got.Sub(t0), tt.want)
		}
	}
}

func TestAfterFailure(t *testing.T) {
	p := policy(t)
	want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		if got := p.AfterFailure(t0, i+1, 0); got.Sub(t0) != w {
			t.Errorf("failure %d: retry after %v, want %v", i+1, got.Sub(t0), w)
		}
	}
	// Never later than the volume's interval.
	if got := p.AfterFailure(t0, 10, 15*time.Second); got.Sub(t0) != 15*time.Second {
		t.Errorf("retry with a 15s interval after %v", got.Sub(t0))
	}
	// Huge failure counts do not overflow.
	if got := p.AfterFailure(t0, 1<<30, 0); got.Sub(t0) != time.Minute {
		t.Errorf("retry after %v", got.Sub(t0))
	}
}

func TestPolicyValidate(t *testing.T) {
	var p Policy
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Interval != DefaultInterval || p.MinBackoff != DefaultMinBackoff || p.MaxBackoff != DefaultMaxBackoff || p.MinGap != DefaultMinGap {
		t.Errorf("defaults = %+v", p)
	}
	for _, bad := range []Policy{{Interval: -1}, {MinBackoff: time.Minute, MaxBackoff: time.Second}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) accepted", bad)
		}
	}
}
