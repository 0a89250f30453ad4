package raft

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

func TestCommandRoundTrip(t *testing.T) {
	ops := []storage.TxnOp{
		{Entry: storage.Entry{Key: "a/b", Value: []byte("value")}},
		{Entry: storage.Entry{Key: "empty", Value: []byte{}}},
		{Delete: true, Entry: storage.Entry{Key: "gone", Value: []byte("ignored")}},
		{Entry: storage.Entry{Key: "nil-is-delete"}},
		{Entry: storage.Entry{Key: strings.Repeat("k", maxKeySize), Value: bytes.Repeat([]byte{0}, 300)}},
	}
	data, err := encodeCommand(ops)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeCommand(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []op{
		{key: []byte("a/b"), value: []byte("value")},
		{key: []byte("empty"), value: []byte{}},
		{delete: true, key: []byte("gone")},
		{delete: true, key: []byte("nil-is-delete")},
		{key: []byte(strings.Repeat("k", maxKeySize)), value: bytes.Repeat([]byte{0}, 300)},
	}
	if !opsEqual(got, want) {
		t.Fatalf("decoded %+v", got)
	}
	if got[1].value == nil {
		t.Fatal("empty value decoded as nil")
	}
	// Compact: a 1 KiB put costs only a few bytes of framing.
	one, _ := encodeCommand([]storage.TxnOp{{Entry: storage.Entry{Key: "k", Value: make([]byte, 1024)}}})
	if overhead := len(one) - 1024 - 1; overhead > 8 {
		t.Fatalf("framing overhead %d bytes", overhead)
	}
}

func TestCommandRejects(t *testing.T) {
	if _, err := encodeCommand([]storage.TxnOp{{Entry: storage.Entry{Value: []byte("x")}}}); !errors.Is(err, ErrInvalidEntry) {
		t.Fatalf("empty key: %v", err)
	}
	if _, err := encodeCommand([]storage.TxnOp{{Entry: storage.Entry{Key: strings.Repeat("k", maxKeySize+1)}}}); !errors.Is(err, ErrInvalidEntry) {
		t.Fatalf("long key: %v", err)
	}
	good, _ := encodeCommand([]storage.TxnOp{{Entry: storage.Entry{Key: "k", Value: []byte("v")}}})
	bad := map[string][]byte{
		"empty":          nil,
		"version":        append([]byte{2}, good[1:]...),
		"truncated":      good[:len(good)-1],
		"trailing":       append(append([]byte{}, good...), 0),
		"unknown op":     {1, 1, 9, 1, 'k'},
		"empty key":      {1, 1, 2, 0},
		"huge count":     {1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge length":    {1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"bad varint":     {1, 0x80},
		"missing value":  {1, 1, 1, 1, 'k'},
		"key over limit": append([]byte{1, 1, 2, 0x81, 0x80, 0x02}, make([]byte, maxKeySize+1)...),
	}
	for name, data := range bad {
		if _, err := decodeCommand(data); !errors.Is(err, ErrBadCommand) {
			t.Errorf("%s: err = %v, want ErrBadCommand", name, err)
		}
	}
}

func opsEqual(a, b []op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].delete != b[i].delete || !bytes.Equal(a[i].key, b[i].key) || !bytes.Equal(a[i].value, b[i].value) {
			return false
		}
	}
	return true
}

// FuzzDecodeCommand feeds arbitrary log entry payloads to the decoder: it
// must never panic, and whatever it accepts must survive a re-encode.
func FuzzDecodeCommand(f *testing.F) {
	seed, _ := encodeCommand([]storage.TxnOp{
		{Entry: storage.Entry{Key: "a/b", Value: []byte("v")}},
		{Delete: true, Entry: storage.Entry{Key: "c"}},
		{Entry: storage.Entry{Key: "e", Value: []byte{}}},
	})
	f.Add(seed)
	f.Add([]byte{1, 0})
	f.Add([]byte{1, 1, 2, 1, 'k'})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, err := decodeCommand(data)
		if err != nil {
			if !errors.Is(err, ErrBadCommand) {
				t.Fatalf("error %v does not wrap ErrBadCommand", err)
			}
			return
		}
		txn := make([]storage.TxnOp, len(ops))
		for i, o := range ops {
			txn[i] = storage.TxnOp{Delete: o.delete, Entry: storage.Entry{Key: string(o.key), Value: o.value}}
		}
		again, err := encodeCommand(txn)
		if err != nil {
			t.Fatalf("re-encode of accepted command: %v", err)
		}
		back, err := decodeCommand(again)
		if err != nil || !opsEqual(back, ops) {
			t.Fatalf("round trip changed the command: %v", err)
		}
	})
}
