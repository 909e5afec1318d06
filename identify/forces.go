package identify

import "strings"

// Forces returns every force of the rules, in file order: canonical name,
// aliases, handles, places, and whether it is in scope. The slices are
// copies.
func (d *Detector) Forces() []ForceInfo {
	out := make([]ForceInfo, len(d.forces))
	for i, f := range d.forces {
		out[i] = ForceInfo{
			Name:        f.Name,
			Aliases:     append([]string(nil), f.Aliases...),
			WeakAliases: append([]string(nil), f.WeakAliases...),
			Handles:     append([]string(nil), f.Handles...),
			Places:      append([]string(nil), f.Places...),
			WeakPlaces:  append([]string(nil), f.WeakPlaces...),
			InScope:     f.InScope,
			Abroad:      f.Abroad,
		}
	}
	return out
}

// Force resolves a force name as a person types it ("WMP", "west
// midlands police", "@gmpolice", "Heddlu Gwent") to its canonical name.
// Places are not force names: "Leeds" does not resolve.
func (d *Detector) Force(name string) (canonical string, ok bool) {
	key, ws := phraseKey(name)
	if key == "" {
		return "", false
	}
	i, ok := d.byName[key]
	if !ok {
		i, ok = d.byName[strings.Join(ws, "")]
	}
	if !ok {
		return "", false
	}
	return d.forces[i].Name, true
}

// SearchPhrases returns the discovery phrases a sweep searches a platform
// for to find candidate profiles.
func (d *Detector) SearchPhrases() []string { return append([]string(nil), d.search...) }

// SeedHandles returns the official accounts of the forces in scope, without
// "@": seeds for follower-graph discovery.
func (d *Detector) SeedHandles() []string {
	var out []string
	for _, f := range d.forces {
		if f.InScope {
			out = append(out, f.Handles...)
		}
	}
	return out
}
