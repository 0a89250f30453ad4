package providere2e

import (
	"os"
	"testing"

	"github.com/cofre-io/cofre/e2e/kube"
)

// The tests share one kube-apiserver with the SecretProviderClass CRDs.
var suite = kube.NewSuite(kube.Options{})

func TestMain(m *testing.M) { os.Exit(suite.Main(m)) }
