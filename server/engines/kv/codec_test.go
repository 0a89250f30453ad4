package kv

import (
	"encoding/json"
	"errors"
	"math"
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

// FuzzValueCodec: any JSON object survives encodeValue/decodeValue with the
// same JSON meaning (numbers as written), and any stored bytes decode
// without panicking.
func FuzzValueCodec(f *testing.F) {
	f.Add(`{"a":"b","n":5432,"f":-1.5e3,"t":true,"z":null,"l":[1,"x",[{}],{"k":[]}]}`, []byte{valueFormat, 'o', 0})
	f.Add(`{}`, []byte{valueFormat, 'o', 1, 1, 'k', 'a', 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add(`{"ü":"\u0000"}`, []byte{valueFormat, 'o', 1, 0, 'N', 2, '1', '2'})
	f.Fuzz(func(t *testing.T, text string, raw []byte) {
		if m, err := decodeValue(raw); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("decode error without ErrCorrupt: %v", err)
		} else if err == nil {
			if _, err := json.Marshal(m); err != nil {
				t.Fatalf("decoded value does not marshal: %v", err)
			}
		}
		v, ok := decodeJSON(text)
		obj, isObj := v.(map[string]any)
		if !ok || !isObj {
			return
		}
		want := mustJSON(t, obj)
		enc, err := encodeValue(obj)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeValue(enc)
		if err != nil {
			t.Fatal(err)
		}
		if g := mustJSON(t, got); g != want {
			t.Fatalf("round trip: %s, want %s", g, want)
		}
	})
}

func TestValueCodecNormalisesGoTypes(t *testing.T) {
	enc, err := encodeValue(map[string]any{"i": 3, "f": 1.5, "s": []string{"a"}, "m": map[string]string{"k": "v"}, "n": json.Number("7")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeValue(enc)
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, got) != `{"f":1.5,"i":3,"m":{"k":"v"},"n":7,"s":["a"]}` {
		t.Fatalf("got %s", mustJSON(t, got))
	}
	if got["i"] != json.Number("3") {
		t.Fatalf("int became %#v", got["i"])
	}
	for _, bad := range []any{json.Number("1x"), json.Number(""), json.Number(`"1"`), json.Number("1 "), json.Number(" 1"), json.Number("-"), math.NaN()} {
		if _, err := encodeValue(map[string]any{"v": bad}); err == nil {
			t.Fatalf("%v accepted", bad)
		}
	}
}
