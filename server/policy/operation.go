package policy

// Operation is the kind of request being authorised, as the router
// classifies it.
type Operation string

// The operations an ACL evaluates. Each needs the capability of the same
// name.
const (
	Create Operation = "create"
	Read   Operation = "read"
	Update Operation = "update"
	Patch  Operation = "patch"
	Delete Operation = "delete"
	List   Operation = "list"
)

// Capability returns the capability an operation requires, or 0 for an
// operation this package does not know. Unknown operations are never
// allowed, not even by the root ACL: they are a caller's bug.
func (o Operation) Capability() Capability {
	switch o {
	case Create:
		return CapCreate
	case Read:
		return CapRead
	case Update:
		return CapUpdate
	case Patch:
		return CapPatch
	case Delete:
		return CapDelete
	case List:
		return CapList
	}
	return 0
}

// writesParams reports whether the operation's parameters are checked
// against allowed, denied and required parameters.
func (o Operation) writesParams() bool {
	return o == Create || o == Update || o == Patch
}
