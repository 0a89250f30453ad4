package cli

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func fakeSources(stdin string, files map[string]string) kvSources {
	used := false
	return kvSources{
		stdin: func() ([]byte, error) {
			if used {
				return nil, errors.New("standard input can be read only once")
			}
			used = true
			return []byte(stdin), nil
		},
		readFile: func(p string) ([]byte, error) {
			if c, ok := files[p]; ok {
				return []byte(c), nil
			}
			return nil, os.ErrNotExist
		},
	}
}

func TestParseKV(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  map[string]any
		err   bool
	}{
		{"plain", []string{"a=1", "b=x=y", "c="}, "", map[string]any{"a": "1", "b": "x=y", "c": ""}, false},
		{"json stays string", []string{`a={"x":1}`, "b=[1,2]"}, "", map[string]any{"a": `{"x":1}`, "b": "[1,2]"}, false},
		{"file", []string{"k=@f.txt"}, "", map[string]any{"k": "file content\n"}, false},
		{"stdin value", []string{"k=-"}, "typed", map[string]any{"k": "typed"}, false},
		{"escaped at", []string{`k=\@x`}, "", map[string]any{"k": "@x"}, false},
		{"repeat", []string{"p=a", "p=b", "p=c"}, "", map[string]any{"p": []any{"a", "b", "c"}}, false},
		{"json object file", []string{"@obj.json", "z=1"}, "", map[string]any{"o": "v", "z": "1"}, false},
		{"json stdin", []string{"-"}, `{"a":"b"}`, map[string]any{"a": "b"}, false},
		{"stdin twice", []string{"a=-", "b=-"}, "x", nil, true},
		{"no equals", []string{"secret"}, "", nil, true},
		{"empty key", []string{"=v"}, "", nil, true},
		{"missing file", []string{"k=@nope"}, "", nil, true},
		{"stdin not object", []string{"-"}, `[1]`, nil, true},
		{"stdin trailing", []string{"-"}, `{"a":1} {"b":2}`, nil, true},
		{"none", nil, "", map[string]any{}, false},
	}
	files := map[string]string{"f.txt": "file content\n", "obj.json": `{"o":"v"}`}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseKV(tt.args, fakeSources(tt.stdin, files))
			if tt.err {
				if !errors.Is(err, errKVArg) {
					t.Fatalf("error = %v, want errKVArg", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseKVErrorsHideValues(t *testing.T) {
	_, err := parseKV([]string{"a=1", "hunter2"}, fakeSources("", nil))
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "argument 2") {
		t.Errorf("error = %v", err)
	}
}

func FuzzParseKV(f *testing.F) {
	for _, s := range []string{"a=1", "k=@f", "k=-", "-", "@f", `k=\@x`, "=", "a=b=c", "p=1\x00p=2", "noeq"} {
		f.Add(s, `{"x":1}`)
	}
	f.Fuzz(func(t *testing.T, joined, stdin string) {
		args := strings.Split(joined, "\x00")
		got, err := parseKV(args, fakeSources(stdin, map[string]string{"f": "F"}))
		if err != nil {
			if !errors.Is(err, errKVArg) {
				t.Fatalf("error %v does not wrap errKVArg", err)
			}
			return
		}
		// Without JSON objects merged in, every plain key=value argument
		// must be in the result: alone, or in the list of repeats.
		for _, a := range args {
			if a == "-" || strings.HasPrefix(a, "@") {
				return
			}
		}
		for _, a := range args {
			k, v, _ := strings.Cut(a, "=")
			if v == "-" || strings.HasPrefix(v, "@") || strings.HasPrefix(v, `\@`) {
				continue
			}
			switch x := got[k].(type) {
			case string:
				if x != v {
					t.Fatalf("key %q = %q, want %q", k, x, v)
				}
			case []any:
				if !slices.Contains(x, any(v)) {
					t.Fatalf("key %q = %v lacks %q", k, x, v)
				}
			default:
				t.Fatalf("key %q = %#v, want %q", k, x, v)
			}
		}
	})
}
