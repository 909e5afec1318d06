package identify

import (
	"strings"
	"testing"
	"unicode"
)

// searchWords splits text the way a platform's people search does: case
// folded, split at anything that is not a letter or digit, camelCase and
// hashtags left whole.
func searchWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		out[w] = true
	}
	return out
}

// reachable reports the first search phrase all of whose words are in the
// profile, as the fake platforms and real people searches match.
func reachable(phrases []string, p Profile) (string, bool) {
	words := searchWords(p.Handle + " " + p.Name + " " + p.Bio + " " + p.Location)
	for _, q := range phrases {
		all := true
		for w := range searchWords(q) {
			if !words[w] {
				all = false
				break
			}
		}
		if all {
			return q, true
		}
	}
	return "", false
}

// TestDiscoveryReachesInScope: a profile the detector would put in scope
// is only read if a discovery search finds it. Every in-scope profile of
// the labelled sets should contain all the words of at least one search
// phrase.
func TestDiscoveryReachesInScope(t *testing.T) {
	d := mustLoad(t)
	phrases := d.SearchPhrases()
	n, found := 0, 0
	var missed []string
	for _, set := range []string{"dev", "test", "test2", "test3", "test4", "test5", "test6", "test7", "test8"} {
		for _, l := range readLabelled(t, "../testdata/identify/"+set+".jsonl") {
			if !l.InScope {
				continue
			}
			n++
			if _, ok := reachable(phrases, l.Profile); ok {
				found++
			} else {
				missed = append(missed, l.ID+": "+l.Bio)
			}
		}
	}
	t.Logf("%d of %d in-scope profiles reachable by a search phrase", found, n)
	for _, m := range missed {
		t.Log("unreachable: " + m)
	}
	if float64(found) < 0.98*float64(n) {
		t.Errorf("only %d of %d in-scope profiles reachable", found, n)
	}
}
