package csie2e

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// mounted reports whether a tmpfs is mounted at path.
func mounted(path string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[4] != path {
			continue
		}
		for i, x := range fields {
			if x == "-" && i+1 < len(fields) && fields[i+1] == "tmpfs" {
				return true
			}
		}
	}
	return false
}

// waitFor polls cond every 50 ms for up to 45 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(45 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// fromUnstructured converts an object read with the dynamic client.
func fromUnstructured(obj map[string]any, out any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(obj, out)
}

// eventReasons lists the reasons of the events recorded on v's pod.
func (e *env) eventReasons(v *volume) []string {
	list, err := e.c.Clientset.CoreV1().Events(e.ns).List(e.t.Context(), metav1.ListOptions{})
	if err != nil {
		return nil
	}
	var out []string
	for _, ev := range list.Items {
		if ev.InvolvedObject.UID == v.pod.UID {
			out = append(out, ev.Reason)
		}
	}
	return out
}
