package audit

import (
	"crypto/rand"
	"strings"
	"sync"
	"testing"
)

// TestSaltHashVectors checks the HMAC against RFC 4231's published
// HMAC-SHA256 vectors, so the hash is the standard one and not merely
// self-consistent.
func TestSaltHashVectors(t *testing.T) {
	for _, tc := range []struct {
		name, key, data, want string
	}{
		{"rfc4231 case 2", "Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"rfc4231 case 1", strings.Repeat("\x0b", 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSalt([]byte(tc.key))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Hash(tc.data); got != HashPrefix+tc.want {
				t.Fatalf("Hash = %s, want %s%s", got, HashPrefix, tc.want)
			}
			// The pooled HMAC is reset between uses.
			if got := s.Hash(tc.data); got != HashPrefix+tc.want {
				t.Fatalf("second Hash = %s", got)
			}
		})
	}
}

func TestSaltsDifferAndAreConcurrent(t *testing.T) {
	k1, _ := generateSalt(rand.Reader)
	k2, _ := generateSalt(rand.Reader)
	s1, _ := NewSalt(k1)
	s2, _ := NewSalt(k2)
	if s1.Hash("x") == s2.Hash("x") {
		t.Fatal("two salts hash alike")
	}
	if _, err := NewSalt(nil); err == nil {
		t.Fatal("empty salt accepted")
	}
	want := s1.Hash("value")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := s1.Hash("value"); got != want {
					t.Errorf("concurrent Hash = %s", got)
					return
				}
			}
		})
	}
	wg.Wait()
}
