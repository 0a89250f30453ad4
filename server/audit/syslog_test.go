//go:build !windows && !plan9

package audit

import (
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSyslogDevice points the device at a unix datagram socket standing
// in for the syslog daemon and reads the message it sends.
func TestSyslogDevice(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log.sock")
	pc, err := net.ListenPacket("unixgram", p)
	if err != nil {
		t.Skipf("no unix datagram sockets: %v", err)
	}
	defer pc.Close()
	dev, err := NewSyslogDevice(DeviceConfig{Options: map[string]string{"facility": "LOCAL3", "tag": "cofre-audit"}})
	if err != nil {
		t.Fatal(err)
	}
	d := dev.(*SyslogDevice)
	d.network, d.address = "unixgram", p
	defer d.Close()
	if err := d.Test(t.Context()); err != nil {
		t.Fatal(err)
	}
	line := `{"type":"request"}` + "\n"
	if err := d.Write(t.Context(), []byte(line)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	msg := string(buf[:n])
	// local3 (19) * 8 + info (6) = 158
	if !strings.HasPrefix(msg, "<158>") || !strings.Contains(msg, "cofre-audit[") || !strings.HasSuffix(msg, line) {
		t.Fatalf("syslog message %q", msg)
	}
	if err := d.Reopen(); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(t.Context(), []byte(line)); err != nil {
		t.Fatalf("write after reopen: %v", err)
	}
}

func TestSyslogDeviceOptions(t *testing.T) {
	if _, err := NewSyslogDevice(DeviceConfig{Options: map[string]string{"facility": "nope"}}); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("bad facility: %v", err)
	}
	dev, err := NewSyslogDevice(DeviceConfig{Options: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	d := dev.(*SyslogDevice)
	if d.tag != "cofre" || d.priority != 4<<3|6 {
		t.Fatalf("defaults: tag %q priority %d", d.tag, d.priority)
	}
	// Without a daemon listening, the test on enable fails.
	d.network, d.address = "unixgram", filepath.Join(t.TempDir(), "none.sock")
	if err := d.Test(t.Context()); err == nil {
		t.Fatal("Test passed with no syslog listener")
	}
}
