package classify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// ModelFormat is the format name written into every model file.
const ModelFormat = "exposure-linear-1"

// Model is a trained logistic-regression model for one category over the
// hashed feature space of FeatureSpec.
type Model struct {
	Format   string   `json:"format"`
	Category Category `json:"category"`
	Features string   `json:"features"`
	Bias     float64  `json:"bias"`
	// Trained says what the model was trained on, for the audit trail.
	Trained TrainInfo `json:"trained"`
	// Weights are the non-zero weights as [slot, weight] pairs in slot order.
	Weights [][2]float64 `json:"weights"`
}

// TrainInfo records how a model was made.
type TrainInfo struct {
	Source    string       `json:"source"`
	Examples  int          `json:"examples"`
	Positives int          `json:"positives"`
	InputHash string       `json:"input_sha256"`
	Rules     string       `json:"rules"`
	Options   TrainOptions `json:"options"`
	// Suggested is the threshold that out-of-fold predictions on the
	// training data suggest for the precision target; the threshold in
	// force lives in the category's rules file.
	Suggested *OperatingPoint `json:"suggested,omitempty"`
	// Curve is the out-of-fold precision and recall at a range of
	// thresholds.
	Curve []OperatingPoint `json:"oof_curve,omitempty"`
	// Pairs are out-of-fold operating points of threshold and
	// model_alone together: the suggested one first (most recall within
	// the clean FPR and precision bounds of the options), then the best
	// at other FPR bounds.
	Pairs []PairPoint `json:"oof_pairs,omitempty"`
	// AtRules is the out-of-fold operating point at the threshold and
	// model_alone of the rules the model was trained with.
	AtRules *PairPoint `json:"oof_at_rules,omitempty"`
}

// OperatingPoint is a threshold with the precision and recall measured at it.
type OperatingPoint struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Marshal renders m deterministically: same model, same bytes.
func (m *Model) Marshal() ([]byte, error) {
	var b bytes.Buffer
	head := *m
	head.Weights = nil
	hb, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return nil, err
	}
	// splice the weights in one pair per line: diffable, compact enough
	hb = bytes.TrimSuffix(hb, []byte("\n}"))
	hb = bytes.TrimSuffix(hb, []byte(",\n  \"weights\": null"))
	b.Write(hb)
	b.WriteString(",\n  \"weights\": [")
	for i, w := range m.Weights {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    [")
		b.WriteString(strconv.Itoa(int(w[0])))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(w[1], 'g', 5, 64))
		b.WriteByte(']')
	}
	b.WriteString("\n  ]\n}\n")
	return b.Bytes(), nil
}

// ParseModel reads a model file; name is used in errors.
func ParseModel(name string, data []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		line := 0
		if se, ok := err.(*json.SyntaxError); ok {
			line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		}
		return nil, &RuleError{File: name, Line: line, Msg: "bad model: " + err.Error()}
	}
	switch {
	case m.Format != ModelFormat:
		return nil, &RuleError{File: name, Msg: fmt.Sprintf("format %q, want %q", m.Format, ModelFormat)}
	case !m.Category.Valid():
		return nil, &RuleError{File: name, Msg: fmt.Sprintf("unknown category %q", m.Category)}
	case m.Features != FeatureSpec:
		return nil, &RuleError{File: name, Msg: fmt.Sprintf("features %q, this build reads %q: retrain it", m.Features, FeatureSpec)}
	case math.IsNaN(m.Bias) || math.IsInf(m.Bias, 0):
		return nil, &RuleError{File: name, Msg: "bias is not a number"}
	}
	for _, w := range m.Weights {
		if w[0] < 0 || w[0] >= dim || w[0] != math.Trunc(w[0]) || math.IsNaN(w[1]) || math.IsInf(w[1], 0) {
			return nil, &RuleError{File: name, Msg: fmt.Sprintf("bad weight [%v, %v]", w[0], w[1])}
		}
	}
	return &m, nil
}

// digest is a short hash of the model file, its version.
func digest(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])[:8]
}
