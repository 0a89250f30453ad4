package storagetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// Run checks the storage contract against backends produced by newBackend.
// newBackend is called once per subtest and must return an empty backend; it
// should register its own cleanup (for example closing the backend) with
// t.Cleanup.
func Run(t *testing.T, newBackend func(t *testing.T) storage.Backend) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, b storage.Backend)
	}{
		{"GetMissing", testGetMissing},
		{"PutGet", testPutGet},
		{"Overwrite", testOverwrite},
		{"EmptyValue", testEmptyValue},
		{"LargeValue", testLargeValue},
		{"CopiesValues", testCopiesValues},
		{"Delete", testDelete},
		{"ListTable", testListTable},
		{"ListModel", testListModel},
		{"Transaction", testTransaction},
		{"TransactionAllOrNothing", testTransactionAllOrNothing},
		{"TransactionVisibility", testTransactionVisibility},
		{"ConcurrentWriters", testConcurrentWriters},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newBackend(t))
		})
	}
}

// mustPut stores key=value or fails the test.
func mustPut(t *testing.T, b storage.Backend, key string, value []byte) {
	t.Helper()
	if err := b.Put(context.Background(), &storage.Entry{Key: key, Value: value}); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// mustGet returns the entry for key (nil when missing) or fails the test.
func mustGet(t *testing.T, b storage.Backend, key string) *storage.Entry {
	t.Helper()
	e, err := b.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return e
}

// wantValue fails the test unless key holds exactly want.
func wantValue(t *testing.T, b storage.Backend, key string, want []byte) {
	t.Helper()
	e := mustGet(t, b, key)
	if e == nil {
		t.Fatalf("Get(%q) = nil, want %q", key, want)
	}
	if e.Key != key {
		t.Fatalf("Get(%q).Key = %q", key, e.Key)
	}
	if !bytes.Equal(e.Value, want) {
		t.Fatalf("Get(%q) = %q, want %q", key, e.Value, want)
	}
}

// wantMissing fails the test unless key is absent.
func wantMissing(t *testing.T, b storage.Backend, key string) {
	t.Helper()
	if e := mustGet(t, b, key); e != nil {
		t.Fatalf("Get(%q) = %q, want nil", key, e.Value)
	}
}

func testGetMissing(t *testing.T, b storage.Backend) {
	for _, k := range []string{"missing", "a/b/c", "dir/"} {
		e, err := b.Get(context.Background(), k)
		if e != nil || err != nil {
			t.Fatalf("Get(%q) = %v, %v; want nil, nil", k, e, err)
		}
	}
}

func testPutGet(t *testing.T, b storage.Backend) {
	keys := []string{"a", "a/b", "a/b/c", "z", "ünïcode/ключ", "sp ace", "dots.and-dashes_"}
	for i, k := range keys {
		mustPut(t, b, k, []byte{byte(i), 0, 0xff, 'x'})
	}
	for i, k := range keys {
		wantValue(t, b, k, []byte{byte(i), 0, 0xff, 'x'})
	}
	wantMissing(t, b, "a/")
	wantMissing(t, b, "a/b/")
}

func testOverwrite(t *testing.T, b storage.Backend) {
	mustPut(t, b, "k", []byte("one"))
	mustPut(t, b, "k", []byte("two, longer"))
	wantValue(t, b, "k", []byte("two, longer"))
	mustPut(t, b, "k", []byte("3"))
	wantValue(t, b, "k", []byte("3"))
}

func testEmptyValue(t *testing.T, b storage.Backend) {
	mustPut(t, b, "empty", []byte{})
	e := mustGet(t, b, "empty")
	if e == nil {
		t.Fatal("Get of a key stored with an empty value = nil, want an entry")
	}
	if len(e.Value) != 0 {
		t.Fatalf("value = %q, want empty", e.Value)
	}
	names, err := b.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "empty" {
		t.Fatalf("List = %q, want [empty]", names)
	}
}

func testLargeValue(t *testing.T, b storage.Backend) {
	v := make([]byte, 256<<10)
	for i := range v {
		v[i] = byte(i * 7)
	}
	mustPut(t, b, "big", v)
	wantValue(t, b, "big", v)
}

func testCopiesValues(t *testing.T, b storage.Backend) {
	in := []byte("original")
	mustPut(t, b, "k", in)
	copy(in, "MUTATED!")
	wantValue(t, b, "k", []byte("original"))

	out := mustGet(t, b, "k")
	copy(out.Value, "CHANGED!")
	wantValue(t, b, "k", []byte("original"))
}

func testDelete(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	if err := b.Delete(ctx, "never-existed"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	mustPut(t, b, "a/b", []byte("1"))
	mustPut(t, b, "a/c", []byte("2"))
	if err := b.Delete(ctx, "a/b"); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, b, "a/b")
	wantValue(t, b, "a/c", []byte("2"))
	if err := b.Delete(ctx, "a/b"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	// Deleting a "directory" name is deleting a key that does not exist.
	if err := b.Delete(ctx, "a/"); err != nil {
		t.Fatalf("Delete(a/): %v", err)
	}
	wantValue(t, b, "a/c", []byte("2"))
}
