package classify

// Category is one of the four categories of SPEC.md.
type Category string

// The four categories, in the order reports print them.
const (
	Offensive  Category = "offensive"
	Procedure  Category = "procedure"
	Negativity Category = "negativity"
	Political  Category = "political"
)

// Categories lists every category in report order.
var Categories = []Category{Offensive, Procedure, Negativity, Political}

// Valid reports whether c is one of the four categories.
func (c Category) Valid() bool {
	switch c {
	case Offensive, Procedure, Negativity, Political:
		return true
	}
	return false
}

// Span is a piece of evidence: the bytes of the UTF-8 text that caused a
// flag. Start and End are byte offsets, End exclusive.
type Span struct {
	Category Category `json:"category"`
	Start    int      `json:"start"`
	End      int      `json:"end"`
	Text     string   `json:"text"`
	// Reason names the rule or model feature behind the span, for --explain
	// and for reviewers ("term: scrote", "model n-gram: 'useless lot'").
	Reason string `json:"reason,omitempty"`
}

// Result is the classification of one post. Categories holds the flagged
// categories (those whose score reached the category's threshold) in report
// order; Scores holds a score for every category.
type Result struct {
	Categories []Category           `json:"categories"`
	Scores     map[Category]float64 `json:"scores"`
	Evidence   []Span               `json:"evidence"`
}

// Flagged reports whether any category was flagged.
func (r Result) Flagged() bool { return len(r.Categories) > 0 }
