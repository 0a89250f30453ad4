package dbplugin

import "testing"

func TestPoolDefaults(t *testing.T) {
	cases := []struct{ open, idle, wantOpen, wantIdle int }{
		{0, 0, 4, 4}, {10, 0, 10, 10}, {10, 3, 10, 3}, {2, 5, 2, 2}, {3, -1, 3, 0},
	}
	for _, c := range cases {
		o, i := ConnectionConfig{MaxOpen: c.open, MaxIdle: c.idle}.Pool()
		if o != c.wantOpen || i != c.wantIdle {
			t.Errorf("Pool(%d, %d) = %d, %d; want %d, %d", c.open, c.idle, o, i, c.wantOpen, c.wantIdle)
		}
	}
}
