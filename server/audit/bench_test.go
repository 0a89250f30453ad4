package audit

import (
	"context"
	"path/filepath"

	"github.com/cofre-io/cofre/server/logical"
	"testing"
)

// BenchmarkFormat is the cost of one request and one response line for a
// typical KV write (hashing included).
func BenchmarkFormat(b *testing.B) {
	f := NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(b))
	in := sampleInput()
	b.Run("request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.FormatRequest(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	in.Response = &logical.Response{Data: in.Request.Data}
	b.Run("response", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.FormatResponse(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBrokerFile is one request entry through the broker to a file.
func BenchmarkBrokerFile(b *testing.B) {
	br := NewBroker(BrokerConfig{})
	defer br.Close()
	d, err := NewFileDevice(DeviceConfig{Options: map[string]string{"file_path": filepath.Join(b.TempDir(), "a.log")}})
	if err != nil {
		b.Fatal(err)
	}
	br.Register("file/", d, NewFormatter(FormatOptions{HMACAccessor: true}, testSalt(b)))
	in := sampleInput()
	b.ReportAllocs()
	for b.Loop() {
		if err := br.LogRequest(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
