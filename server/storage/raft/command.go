package raft

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cofre-io/cofre/server/storage"
)

// A command is the payload of one Raft log entry: an ordered list of puts and
// deletes applied atomically. Put, Delete and Transaction all encode to it.
//
// Wire format (all integers unsigned varints):
//
//	command = version:byte(1) count op*count
//	op      = kind:byte(1=put, 2=delete) keyLen key [valueLen value]   (value only for put)
//
// Encoding is deterministic and decoding validates every length, so a
// corrupt or hostile entry yields ErrBadCommand rather than a panic.

const (
	commandVersion byte = 1
	opPut          byte = 1
	opDelete       byte = 2

	// maxKeySize is bbolt's key size limit; larger keys are rejected before
	// they reach the log so the FSM never fails on them.
	maxKeySize = 32768
)

// ErrBadCommand is returned when a log entry does not decode as a command.
var ErrBadCommand = errors.New("malformed storage command")

// op is one decoded operation. key and value alias the encoded buffer.
type op struct {
	delete bool
	key    []byte
	value  []byte
}

// validKey reports whether key can be stored.
func validKey(key string) error {
	if key == "" {
		return fmt.Errorf("empty key: %w", ErrInvalidEntry)
	}
	if len(key) > maxKeySize {
		return fmt.Errorf("key of %d bytes exceeds %d: %w", len(key), maxKeySize, ErrInvalidEntry)
	}
	return nil
}

// encodeCommand validates ops and encodes them. A TxnOp is a put when
// Delete is false and Value is non-nil, a delete otherwise.
func encodeCommand(ops []storage.TxnOp) ([]byte, error) {
	size := 1 + binary.MaxVarintLen64
	for i := range ops {
		if err := validKey(ops[i].Entry.Key); err != nil {
			return nil, fmt.Errorf("operation %d: %w", i, err)
		}
		size += 1 + 2*binary.MaxVarintLen64 + len(ops[i].Entry.Key) + len(ops[i].Entry.Value)
	}
	buf := make([]byte, 0, size)
	buf = append(buf, commandVersion)
	buf = binary.AppendUvarint(buf, uint64(len(ops)))
	for i := range ops {
		o := &ops[i]
		isDelete := o.Delete || o.Entry.Value == nil
		if isDelete {
			buf = append(buf, opDelete)
		} else {
			buf = append(buf, opPut)
		}
		buf = binary.AppendUvarint(buf, uint64(len(o.Entry.Key)))
		buf = append(buf, o.Entry.Key...)
		if !isDelete {
			buf = binary.AppendUvarint(buf, uint64(len(o.Entry.Value)))
			buf = append(buf, o.Entry.Value...)
		}
	}
	return buf, nil
}

// decodeCommand parses an encoded command. The returned ops alias data.
func decodeCommand(data []byte) ([]op, error) {
	if len(data) == 0 || data[0] != commandVersion {
		return nil, fmt.Errorf("unknown version: %w", ErrBadCommand)
	}
	d := decoder{buf: data[1:]}
	n := d.uvarint()
	// Each op takes at least 2 bytes, which bounds the allocation.
	if d.err != nil || n > uint64(len(d.buf))/2 {
		return nil, fmt.Errorf("bad operation count: %w", ErrBadCommand)
	}
	ops := make([]op, 0, n)
	for range n {
		var o op
		switch kind := d.byte(); kind {
		case opPut:
		case opDelete:
			o.delete = true
		default:
			return nil, fmt.Errorf("unknown operation %d: %w", kind, ErrBadCommand)
		}
		o.key = d.bytes()
		if d.err == nil && (len(o.key) == 0 || len(o.key) > maxKeySize) {
			return nil, fmt.Errorf("bad key length %d: %w", len(o.key), ErrBadCommand)
		}
		if !o.delete {
			o.value = d.bytes()
		}
		if d.err != nil {
			return nil, d.err
		}
		ops = append(ops, o)
	}
	if len(d.buf) != 0 {
		return nil, fmt.Errorf("%d trailing bytes: %w", len(d.buf), ErrBadCommand)
	}
	return ops, nil
}

// decoder reads from buf, recording the first error and returning zero
// values after it.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("truncated %s: %w", what, ErrBadCommand)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail("length")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.buf) == 0 {
		d.fail("operation")
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

// bytes reads a length-prefixed byte string. The result is never nil when
// there is no error, so an empty value stays distinguishable from absence.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.fail("data")
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}
