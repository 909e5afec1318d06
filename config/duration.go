package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration that also accepts the day-scale units people
// use for retention and recheck periods: d (day), w (week), mo (30 days),
// y (365 days), alone or combined ("1y6mo", "30d", "36h").
type Duration time.Duration

const (
	day   = 24 * time.Hour
	month = 30 * day
	year  = 365 * day
)

// ParseDuration parses a Duration.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if d, err := time.ParseDuration(in); err == nil {
		return d, nil
	}
	var total time.Duration
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("duration %q: want a number followed by a unit (h, d, w, mo, y)", s)
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %v", s, err)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') && rest[j] != '.' {
			j++
		}
		var unit time.Duration
		switch rest[:j] {
		case "y":
			unit = year
		case "mo":
			unit = month
		case "w":
			unit = 7 * day
		case "d":
			unit = day
		case "h":
			unit = time.Hour
		case "m":
			unit = time.Minute
		case "s":
			unit = time.Second
		default:
			return 0, fmt.Errorf("duration %q: unknown unit %q (use h, d, w, mo or y)", s, rest[:j])
		}
		total += time.Duration(n * float64(unit))
		rest = rest[j:]
	}
	if total < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return total, nil
}

// UnmarshalYAML accepts a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration in days when it is a whole number of them.
func (d Duration) String() string {
	v := time.Duration(d)
	if v >= day && v%day == 0 {
		return fmt.Sprintf("%dd", v/day)
	}
	return v.String()
}
