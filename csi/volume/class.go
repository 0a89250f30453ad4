package volume

import (
	"fmt"
	"time"

	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
)

// AnnotationRotationInterval on a SecretProviderClass overrides the
// driver's rotation interval for its volumes: a Go duration ("90s",
// "15m") of at least MinRotationInterval.
const AnnotationRotationInterval = "secrets-store.cofre.io/rotation-interval"

// MinRotationInterval is the shortest interval the annotation may set.
const MinRotationInterval = time.Second

// ClassInterval returns the class's rotation interval, 0 when it sets
// none. A malformed annotation wraps ErrBadClass.
func ClassInterval(class *secretsstorev1.SecretProviderClass) (time.Duration, error) {
	s, ok := class.Annotations[AnnotationRotationInterval]
	if !ok {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < MinRotationInterval {
		return 0, fmt.Errorf("%w: %s/%s: annotation %s=%q is not a duration of at least %v",
			ErrBadClass, class.Namespace, class.Name, AnnotationRotationInterval, s, MinRotationInterval)
	}
	return d, nil
}
