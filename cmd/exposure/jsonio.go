package main

import (
	"encoding/json"
	"io"
)

// newJSONEncoder writes compact JSON without HTML escaping: the output is
// data for other tools, and escaping '<' as \u003c only makes evidence text
// harder to compare.
func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
