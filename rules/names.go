package rules

// IsCapitals reports whether a name in a rule file is written all in
// capitals ("UK", "NYC", "GMP"): such a name counts only when a post or
// profile writes it in capitals too. identify and classify read
// forces.yaml's names by the same convention.
func IsCapitals(s string) bool {
	n := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			return false
		}
		if r >= 'A' && r <= 'Z' {
			n++
		}
	}
	return n >= 2
}
