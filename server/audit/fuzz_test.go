package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// naiveHash is the reference for hashData on decoded JSON: replace every
// string, keep everything else.
func naiveHash(v any, s *Salt) any {
	switch x := v.(type) {
	case string:
		return s.Hash(x)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = naiveHash(e, s)
		}
		return out
	case []any:
		out := []any{}
		for _, e := range x {
			out = append(out, naiveHash(e, s))
		}
		return out
	}
	return v
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// FuzzFormat feeds request and response bodies (API JSON, outside input)
// through the formatter: the line must be one valid JSON object whose data
// equals the naive hashing of the input, so no string escapes in clear.
func FuzzFormat(f *testing.F) {
	f.Add([]byte(`{"password":"hunter2","n":1,"ok":true,"l":["a",{"b":null}]}`))
	f.Add([]byte(`{"":"","\u2028":"\u0000</script>","deep":{"deeper":{"k":[[["x"]]]}}}`))
	f.Add([]byte(`{"num":1e400,"big":123456789012345678901234567890}`))
	s := testSalt(f)
	fm := NewFormatter(FormatOptions{HMACAccessor: true, Prefix: "p:"}, s)
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeJSON(body)
		if err != nil {
			return
		}
		data, ok := v.(map[string]any)
		if !ok {
			return
		}
		in := &Input{Time: time.Unix(1, 0), Path: "secret/x",
			Request:  &logical.Request{Operation: logical.UpdateOperation, Data: data, ClientToken: "tok"},
			Response: &logical.Response{Data: data}}
		for _, format := range []func(*Input) ([]byte, error){fm.FormatRequest, fm.FormatResponse} {
			line, err := format(in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(line, []byte("p:")) || bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
				t.Fatalf("line %q is not one prefixed line", line)
			}
			rec, err := decodeJSON(line[2:])
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			want, _ := decodeJSON(mustJSON(t, naiveHash(data, s)))
			for _, part := range []string{"request", "response"} {
				got := get(rec.(map[string]any), part, "data")
				if got == nil {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s data\n%v\nwant\n%v", part, got, want)
				}
			}
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzDeviceOptions checks that option parsing (API input) never panics
// and refuses bad values only with a 400.
func FuzzDeviceOptions(f *testing.F) {
	f.Add("file_path", "/tmp/x", "mode", "0640", "log_raw", "true")
	f.Add("address", "127.0.0.1:9", "socket_type", "udp", "write_timeout", "2")
	f.Add("facility", "LOCAL7", "tag", "t", "format", "json")
	f.Add("mode", "-1", "write_timeout", "1e9h", "hmac_accessor", "maybe")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		opts := map[string]string{k1: v1, k2: v2, k3: v3}
		if _, err := ParseFormatOptions(opts); err != nil && !errors.Is(err, logical.ErrInvalidRequest) {
			t.Fatalf("format options %v: %v", opts, err)
		}
		for name, factory := range Factories() {
			d, err := factory(DeviceConfig{Options: opts})
			if err != nil {
				if !errors.Is(err, ErrInvalidOption) {
					t.Fatalf("%s %v: %v", name, opts, err)
				}
				continue
			}
			d.Close()
		}
	})
}
