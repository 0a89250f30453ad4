package kv

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestMetaCodecRoundTrip(t *testing.T) {
	cases := []*keyMeta{
		{},
		{Current: 3, Oldest: 2, MaxVersions: 5, CASRequired: true, DeleteAfter: 90 * time.Minute, Created: 1, Updated: -5,
			Custom:   map[string]string{"owner": "jdoe", "": "", "ü": "long value"},
			Versions: []versionMeta{{Version: 2, Created: 10, Deletion: 20}, {Version: 3, Created: 30, Destroyed: true}}},
	}
	for _, m := range cases {
		enc, err := m.encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeMeta(enc)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip: %+v != %+v", got, m)
		}
	}
}

func TestMetaCodecRejectsCorruption(t *testing.T) {
	m := &keyMeta{Current: 1, Custom: map[string]string{"a": "b"}, Versions: []versionMeta{{Version: 1, Created: 5}}}
	enc, _ := m.encode()
	for i := 0; i < len(enc); i++ {
		if _, err := decodeMeta(enc[:i]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d bytes: %v", i, err)
		}
	}
	if _, err := decodeMeta(append(enc, 0)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("trailing byte accepted: %v", err)
	}
	if _, err := decodeMeta([]byte(`{"cur":1}`)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("JSON accepted: %v", err)
	}
}

// FuzzDecodeMeta: any stored bytes decode without panicking, and what
// decodes survives an encode/decode round trip unchanged.
func FuzzDecodeMeta(f *testing.F) {
	m := &keyMeta{Current: 2, Oldest: 1, MaxVersions: 3, CASRequired: true, Created: 7, Updated: 9,
		Custom: map[string]string{"k": "v"}, Versions: []versionMeta{{Version: 1, Created: 7}, {Version: 2, Created: 9, Deletion: 11, Destroyed: true}}}
	enc, _ := m.encode()
	f.Add(enc)
	f.Add([]byte{metaFormat})
	f.Add([]byte{metaFormat, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := decodeMeta(raw)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error without ErrCorrupt: %v", err)
			}
			return
		}
		enc, err := m.encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeMeta(enc)
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, m)
		}
	})
}
