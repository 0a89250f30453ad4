package kubernetes

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestNewAccessor(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		a, err := newAccessor(rand.Reader)
		if err != nil || !accessorRE.MatchString(a) || seen[a] {
			t.Fatalf("accessor %q %v", a, err)
		}
		seen[a] = true
	}
	if _, err := newAccessor(strings.NewReader("short")); err == nil {
		t.Fatal("short randomness accepted")
	}
}

func TestTokenBound(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		max, explicit, period, mount time.Duration
		want                         time.Time
	}{
		{0, 0, 0, 24 * h, t0.Add(25 * h)},
		{2 * h, 0, 0, 24 * h, t0.Add(3 * h)},
		{2 * h, h, 0, 24 * h, t0.Add(2 * h)},
		{0, 0, 0, 0, time.Time{}},
		{0, 0, h, 24 * h, time.Time{}},
		{0, 5 * h, h, 24 * h, t0.Add(6 * h)},
	} {
		if got := tokenBound(t0, c.max, c.explicit, c.period, c.mount); !got.Equal(c.want) {
			t.Errorf("%+v: %v", c, got)
		}
	}
}
