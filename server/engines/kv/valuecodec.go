package kv

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// A secret's value (a JSON object) is stored in a small tagged binary form
// instead of JSON text: decoding it is the bulk of a read, and this form
// decodes several times faster with fewer allocations. Numbers keep their
// exact text (json.Number), so nothing is lost either way.
//
//	byte  valueFormat
//	value: one tag byte, then
//	  'n' null | 't' true | 'f' false
//	  's' string: uvarint length + bytes
//	  'N' number: uvarint length + its JSON text
//	  'a' array:  uvarint count + values
//	  'o' object: uvarint count + (uvarint length + key bytes, value) pairs
//
// The top-level value is always an object.
const valueFormat = 1

// maxValueDepth bounds nesting when decoding, so corrupt input cannot
// exhaust the stack. It matches encoding/json's own limit.
const maxValueDepth = 10000

var errInvalidNumber = errors.New("kv: json.Number is not a JSON number")

const (
	tagNull   = 'n'
	tagTrue   = 't'
	tagFalse  = 'f'
	tagString = 's'
	tagNumber = 'N'
	tagArray  = 'a'
	tagObject = 'o'
)

// encodeValue encodes a secret's data. Values of other Go types than the
// ones JSON decoding produces are normalised through JSON first.
func encodeValue(data map[string]any) ([]byte, error) {
	b := make([]byte, 1, 256)
	b[0] = valueFormat
	return appendValue(b, data)
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if x {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case string:
		b = append(b, tagString)
		return appendString(b, x), nil
	case json.Number:
		if !validNumber(string(x)) {
			return nil, errInvalidNumber
		}
		b = append(b, tagNumber)
		return appendString(b, string(x)), nil
	case []any:
		b = append(b, tagArray)
		b = binary.AppendUvarint(b, uint64(len(x)))
		var err error
		for _, e := range x {
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		b = append(b, tagObject)
		b = binary.AppendUvarint(b, uint64(len(x)))
		var err error
		for k, e := range x {
			b = appendString(b, k)
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	// Other Go values (ints, floats, typed slices and maps): take their JSON
	// meaning.
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var norm any
	if err := dec.Decode(&norm); err != nil {
		return nil, err
	}
	return appendValue(b, norm)
}

// validNumber reports whether s is a JSON number literal.
func validNumber(s string) bool {
	// A number starts with '-' or a digit and ends with a digit; json.Valid
	// alone would also accept other JSON values and surrounding spaces.
	if s == "" || (s[0] != '-' && !isDigit(s[0])) || !isDigit(s[len(s)-1]) {
		return false
	}
	return json.Valid([]byte(s))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// decodeValue decodes a stored secret value.
func decodeValue(raw []byte) (map[string]any, error) {
	if len(raw) == 0 || raw[0] != valueFormat {
		return nil, fmt.Errorf("%w: value: unknown format", ErrCorrupt)
	}
	r := &metaReader{b: raw[1:]}
	if r.byte("value tag") != tagObject {
		return nil, fmt.Errorf("%w: value: not an object", ErrCorrupt)
	}
	m := r.object(1)
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}

func (r *metaReader) object(depth int) map[string]any {
	n := r.count("object size", 2)
	m := make(map[string]any, n)
	for range n {
		k := r.string("object key")
		m[k] = r.value(depth)
		if r.err != nil {
			return nil
		}
	}
	return m
}

func (r *metaReader) value(depth int) any {
	if depth > maxValueDepth {
		r.fail("nesting")
		return nil
	}
	switch tag := r.byte("value tag"); tag {
	case tagNull:
		return nil
	case tagTrue:
		return true
	case tagFalse:
		return false
	case tagString:
		return r.string("string")
	case tagNumber:
		s := r.string("number")
		if !validNumber(s) {
			r.fail("number")
			return nil
		}
		return json.Number(s)
	case tagArray:
		n := r.count("array size", 1)
		a := make([]any, n)
		for i := range a {
			a[i] = r.value(depth + 1)
			if r.err != nil {
				return nil
			}
		}
		return a
	case tagObject:
		return r.object(depth + 1)
	default:
		r.fail("value tag")
		return nil
	}
}
