package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// voice rewrites a post the way different people type: all lower case, no
// final stop, no apostrophes, text-speak, a typo, a trailing emoji or
// hashtag, a word in capitals. It is applied alike to breaches and ordinary
// posts, so that none of these habits becomes a sign of either.
func voice(rng *rand.Rand, text string) string {
	if rng.IntN(4) == 0 {
		return text // a quarter stay as written
	}
	if rng.IntN(5) == 0 {
		text = strings.ReplaceAll(text, "'", "")
		text = strings.ReplaceAll(text, "’", "")
	}
	if rng.IntN(6) == 0 {
		for _, r := range [][2]string{{" you ", " u "}, {" your ", " ur "}, {" going to ", " gonna "},
			{" to be honest", " tbh"}, {" because ", " cos "}, {" really ", " rly "}, {" though", " tho"},
			{" people ", " ppl "}, {" I'm ", " im "}, {" and ", " & "}} {
			text = strings.ReplaceAll(text, r[0], r[1])
		}
	}
	if rng.IntN(7) == 0 {
		text = typo(rng, text)
	}
	if rng.IntN(8) == 0 {
		text = shout(rng, text)
	}
	switch r := rng.IntN(12); {
	case r == 0:
		text = strings.ToLower(text)
	case r <= 2:
		text = strings.TrimRight(text, ".!")
	case r == 3:
		text = strings.TrimRight(text, ".") + "!!"
	}
	switch r := rng.IntN(14); {
	case r == 0:
		text += " " + pick(rng, []string{"🙄", "😂", "🤡", "💀", "🙃", "👏", "🤷", "😤", "🤦‍♂️", "😬"})
	case r == 1:
		text += " " + pick(rng, []string{"#frontline", "#policelife", "#justsaying", "#rant", "#copperslife",
			"#bluelinefamily", "#nightshift", "#truth", "#ukpolice", "#morale"})
	case r == 2:
		text = pick(rng, []string{"ngl ", "tbh ", "Honestly ", "So ", "Right, ", "Just saying, ", "Thought of the day: ",
			"Not being funny but "}) + lowerFirst(text)
	}
	return strings.Join(strings.Fields(text), " ")
}

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

// typo swaps two letters inside one longer word.
func typo(rng *rand.Rand, text string) string {
	w := strings.Fields(text)
	var long []int
	for i, x := range w {
		if len(x) >= 6 && isLetters(x) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return text
	}
	i := long[rng.IntN(len(long))]
	b := []byte(w[i])
	k := 1 + rng.IntN(len(b)-3)
	b[k], b[k+1] = b[k+1], b[k]
	w[i] = string(b)
	return strings.Join(w, " ")
}

// shout puts one longer word in capitals.
func shout(rng *rand.Rand, text string) string {
	w := strings.Fields(text)
	var long []int
	for i, x := range w {
		if len(x) >= 4 && isLetters(x) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return text
	}
	i := long[rng.IntN(len(long))]
	w[i] = strings.ToUpper(w[i])
	return strings.Join(w, " ")
}

func isLetters(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
