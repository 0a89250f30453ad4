package csie2e

import (
	"os"
	"testing"

	"github.com/cofre-io/cofre/e2e/kube"
)

// One kube-apiserver for the package; every test uses its own namespace.
var suite = kube.NewSuite(kube.Options{})

func TestMain(m *testing.M) { os.Exit(suite.Main(m)) }
