package identify

// Status says what a profile's owner is, as far as the profile shows.
type Status string

// Statuses from SPEC.md's identify contract.
const (
	Serving   Status = "serving"
	Former    Status = "former"
	Corporate Status = "corporate"
	NotPolice Status = "not_police"
)

// Role is the kind of police role a serving profile claims.
type Role string

// Roles from SPEC.md's identify contract.
const (
	Officer Role = "officer"
	Special Role = "special"
	PCSO    Role = "pcso"
	Staff   Role = "staff"
	Unknown Role = "unknown"
)

// Profile is what the detector reads: the public parts of a profile.
type Profile struct {
	ID       string `json:"id"`
	Handle   string `json:"handle"`
	Name     string `json:"name"`
	Bio      string `json:"bio"`
	Location string `json:"location"`
}

// Result is the detector's decision about one profile.
type Result struct {
	InScope bool   `json:"in_scope"`
	Status  Status `json:"status"`
	// Force is the canonical force name from the rules, "unknown" when the
	// profile is in scope but no force can be attributed, and empty when
	// the profile is out of scope.
	Force string `json:"force"`
	Role  Role   `json:"role"`
	// Evidence holds the words in the bio, name or handle that decided it.
	Evidence []string `json:"evidence"`
	// Reason says, in a few words, why a profile is out of scope ("retired
	// officer", "force not in rules", "corporate account"); empty when in
	// scope.
	Reason string `json:"reason,omitempty"`
}
