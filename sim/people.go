package sim

import (
	"fmt"
	"sort"
	"strings"
)

// Account kinds (Truth.Kind): the class the generator drew an account from.
const (
	KindOfficer    = "officer"    // serving officer, special, PCSO or staff: in scope
	KindCorporate  = "corporate"  // a force, team, station or department account
	KindFormer     = "former"     // retired or former officer
	KindFamily     = "family"     // police wife, husband, parent
	KindFan        = "fan"        // supporter, wannabe, documentary fan
	KindRecruiter  = "recruiter"  // recruitment agency
	KindTrainer    = "trainer"    // training business
	KindJournalist = "journalist" // crime reporter, correspondent
	KindLawyer     = "lawyer"     // defence solicitor, barrister
	KindOtherUK    = "other_uk"   // serving in a UK police body not in the rules (Police Scotland, PSNI, ...)
	KindForeign    = "foreign"    // police abroad
	KindParody     = "parody"     // parody account
	KindCivilian   = "civilian"   // mentions police for other reasons (scanner, the band)
)

// reasons says why each out-of-scope kind is out of scope.
var reasons = map[string]string{
	KindCorporate: "corporate account", KindFormer: "former officer", KindFamily: "police family",
	KindFan: "supporter", KindRecruiter: "recruiter", KindTrainer: "trainer", KindJournalist: "journalist",
	KindLawyer: "lawyer", KindOtherUK: "force not in rules", KindForeign: "police abroad", KindParody: "parody",
	KindCivilian: "not police",
}

// Kinds lists every kind, in-scope first, in a fixed order.
var Kinds = []string{KindOfficer, KindCorporate, KindFormer, KindFamily, KindFan, KindRecruiter, KindTrainer,
	KindJournalist, KindLawyer, KindOtherUK, KindForeign, KindParody, KindCivilian}

// Identify statuses and roles, as the identify contract spells them.
const (
	statusServing   = "serving"
	statusFormer    = "former"
	statusCorporate = "corporate"
	statusNotPolice = "not_police"

	RoleOfficer = "officer"
	RoleSpecial = "special"
	RolePCSO    = "pcso"
	RoleStaff   = "staff"
	RoleUnknown = "unknown"
)

// Force cue: how much of the force a serving profile gives away.
const (
	cueFull  = iota // the force's full name in the bio
	cueShort        // an abbreviation or handle (GMP, @WMPolice, Hants Police)
	cueTown         // only a town, in the bio or the location
	cueNone         // nothing: the force cannot be attributed
)

// Teams (persona.team) shape what an officer posts about.
const (
	teamResponse = iota
	teamNeighbourhood
	teamRoads
	teamCID
	teamCustody
	teamControl
	teamOther
)

var teamLabel = []string{"response", "the neighbourhood team", "roads policing", "CID", "custody", "the control room", "the team"}

var teamTopics = []string{"default", "neighbourhood", "roads", "default", "default", "staff", "default"}

// persona is what the generator knows about an account beyond its public
// fields: enough to write its bio and its posts consistently.
type persona struct {
	kind    string
	role    string
	force   int // index into forces, -1 when none
	other   int // index into otherForces, -1 when none
	named   bool
	town    string
	first   string
	last    string
	footy   string
	partner string
	kid     string
	dog     string
	team    int
	female  bool
}

func (p *persona) forceName() string {
	if p.force >= 0 && p.named {
		return forces[p.force].name
	}
	if p.other >= 0 {
		return otherForces[p.other].name
	}
	return "the force"
}

func (p *persona) forceShort() string {
	if p.force >= 0 && p.named {
		return forces[p.force].short[0]
	}
	if p.other >= 0 {
		return otherForces[p.other].short
	}
	return "the job"
}

var maleFirst = []string{"David", "James", "Mark", "Paul", "Andrew", "Richard", "Daniel", "Chris", "Matt", "Tom", "Steve", "Gary", "Lee",
	"Craig", "Jamie", "Ben", "Sam", "Rob", "Mike", "Kev", "Stuart", "Neil", "Adam", "Ryan", "Liam", "Jack", "Josh", "Connor", "Callum",
	"Gareth", "Rhys", "Dafydd", "Iwan", "Sean", "Declan", "Mohammed", "Imran", "Tariq", "Amir", "Raj", "Sanjay", "Vikram", "Kwame",
	"Tunde", "Marcus", "Jermaine", "Darren", "Wayne", "Dean", "Simon", "Ian", "Graham", "Nathan", "Luke", "Ollie", "Harry", "Piotr", "Tomasz", "Alex", "Jordan"}

var femaleFirst = []string{"Sarah", "Emma", "Claire", "Laura", "Rachel", "Gemma", "Kate", "Helen", "Lucy", "Jo", "Nicola", "Becky", "Amy",
	"Hannah", "Sophie", "Charlotte", "Jess", "Kirsty", "Natalie", "Lisa", "Donna", "Michelle", "Tracey", "Stacey", "Leanne", "Hayley",
	"Rhian", "Sian", "Ffion", "Aoife", "Siobhan", "Aisha", "Fatima", "Priya", "Anjali", "Nadia", "Zara", "Grace", "Chloe", "Ellie",
	"Megan", "Bethan", "Abbie", "Vicky", "Sam", "Alex", "Jordan", "Kasia", "Agnieszka", "Yasmin", "Ruth", "Jenny", "Caroline", "Louise"}

var surnames = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
	"Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips",
	"Mason", "Mitchell", "Rose", "Davis", "Rodriguez", "Cox", "Alexander", "Morgan", "Moore", "Hughes", "Edwards", "Hill", "Harris",
	"Martin", "Cooper", "Ward", "Turner", "Parker", "Collins", "Bell", "Murphy", "Kelly", "O'Brien", "O'Neill", "McDonald", "Campbell",
	"Stewart", "Scott", "Reid", "Ali", "Hussain", "Ahmed", "Begum", "Shah", "Singh", "Kaur", "Sharma", "Mensah", "Okafor", "Adeyemi",
	"Boateng", "Campbell", "Francis", "Kowalski", "Nowak", "Lewandowski", "Griffiths", "Price", "Pritchard", "Llewellyn", "Rees",
	"Howells", "Baxter", "Barker", "Fletcher", "Chapman", "Marshall", "Holmes", "Lloyd", "Pearson", "Shaw", "Dixon", "Hunt", "Palmer",
	"Webb", "Ellis", "Gibson", "Hewitt", "Slater", "Lowe", "Briggs", "Booth", "Whitehouse", "Ashworth", "Fairclough", "Ramsbottom"}

var dogNames = []string{"Bella", "Max", "Luna", "Alfie", "Bonnie", "Buster", "Poppy", "Teddy", "Milo", "Tilly", "Bear", "Rosie", "Ralph"}

var personal = []string{"Dad of two", "Mum of three", "Husband, dad, {footy} fan", "Wife, mum, runner", "{footy} season ticket holder",
	"Coffee addict", "Gym, dogs, rugby", "Proud Yorkshire lass", "Part-time baker", "Parkrunner", "Cyclist", "Dog dad to {dog}",
	"Amateur photographer", "Lover of cake", "Rugby, real ale and rest days", "Trying to get fit", "Gardener in my spare time",
	"Big {footy} fan", "Dad. Husband. Fisherman.", "Mum to {kid}", "Marathon runner", "Football coach at weekends", "Bookworm",
	"Caravanner", "Biker", "Golf addict", "Foodie", "Geek"}

var disclaimers = []string{"Views my own.", "All views my own.", "Tweets are my own and not those of my employer.",
	"Not monitored 24/7. In an emergency always call 999.", "RTs are not endorsements.", "Opinions my own.", "Personal account.",
	"Not monitored 24/7 – report crime on 101 or online.", "Views are my own and not those of {force}."}

// Ranks of police officers, with how often they turn up among officers who
// post, and how they appear in a display name, a handle and a bio.
type rank struct {
	weight int
	title  string // in a display name
	handle string // in a handle
	bio    []string
	team   []int
}

var ranks = []rank{
	{60, "PC", "PC", []string{"Police officer", "Police Constable", "Response officer", "Response PC", "Neighbourhood officer", "Copper",
		"Bobby", "Roads policing officer", "Traffic cop", "Police dog handler", "Firearms officer", "Tutor constable", "Student police officer", "Frontline cop", "Police officer on response"},
		[]int{teamResponse, teamResponse, teamNeighbourhood, teamRoads, teamOther}},
	{14, "Sgt", "Sgt", []string{"Police Sergeant", "Response Sergeant", "Custody Sergeant", "Neighbourhood Sergeant", "Sergeant", "Skipper of a response team"},
		[]int{teamResponse, teamCustody, teamNeighbourhood}},
	{10, "DC", "DC", []string{"Detective Constable", "Detective in CID", "DC in the public protection unit", "Detective on the major crime team"},
		[]int{teamCID}},
	{5, "DS", "DS", []string{"Detective Sergeant", "DS in CID", "Detective Sergeant, safeguarding"}, []int{teamCID}},
	{5, "Insp", "Insp", []string{"Police Inspector", "Response Inspector", "Neighbourhood Inspector", "Inspector"}, []int{teamResponse, teamNeighbourhood}},
	{2, "DI", "DI", []string{"Detective Inspector", "DI, major crime"}, []int{teamCID}},
	{2, "Ch Insp", "ChInsp", []string{"Chief Inspector", "Chief Inspector, local policing"}, []int{teamNeighbourhood}},
	{1, "Supt", "Supt", []string{"Superintendent", "Police Superintendent"}, []int{teamOther}},
	{1, "Ch Supt", "ChSupt", []string{"Chief Superintendent", "Divisional commander (Ch Supt)"}, []int{teamOther}},
}

var rankWeights = func() []int {
	w := make([]int, len(ranks))
	for i, r := range ranks {
		w[i] = r.weight
	}
	return w
}()

var specialBio = []string{"Special Constable", "Special constable, volunteer police officer", "Special Sergeant", "Volunteer police officer (Special)",
	"Special Constable at weekends, IT by day", "SC – volunteer cop"}
var pcsoBio = []string{"PCSO", "Police Community Support Officer", "Neighbourhood PCSO", "PCSO covering the town centre", "Rural PCSO"}
var staffBio = []string{"999 call handler", "Police staff – custody detention officer", "Crime scene investigator (police staff)",
	"Intelligence analyst, police staff", "Police staff investigator", "Front counter at the police station", "Force control room dispatcher",
	"Police staff, digital forensics", "Works in the police control room"}

// roleLine returns the role phrase, display-name title and handle prefix
// for a serving persona, and sets its team.
func roleLine(p *persona, r *rng) (bio, title, handle string) {
	switch p.role {
	case RoleSpecial:
		p.team = teamResponse
		return pick(r, specialBio), pick(r, []string{"SC", "Special", ""}), pick(r, []string{"SC", "Special", "SpecialCon"})
	case RolePCSO:
		p.team = teamNeighbourhood
		return pick(r, pcsoBio), "PCSO", "PCSO"
	case RoleStaff:
		p.team = teamControl
		return pick(r, staffBio), "", ""
	}
	k := ranks[r.weighted(rankWeights)]
	p.team = pick(r, k.team)
	b := pick(r, k.bio)
	switch {
	case strings.HasPrefix(b, "Roads"), strings.HasPrefix(b, "Traffic"):
		p.team = teamRoads
	case strings.HasPrefix(b, "Neighbourhood"):
		p.team = teamNeighbourhood
	case strings.HasPrefix(b, "Custody"):
		p.team = teamCustody
	}
	return b, k.title, k.handle
}

// profile is an account's public face, before ids are assigned.
type profile struct {
	handle, name, bio, location string
}

// officerProfile writes the handle, name, bio and location of a serving
// persona, giving away the force according to cue. It returns the truth
// the bio supports: the force an ideal detector would attribute.
func officerProfile(p *persona, cue int, platform string, r *rng) (profile, string) {
	roleBio, title, hprefix := roleLine(p, r)
	f := &forces[p.force]
	var pr profile
	collar := fmt.Sprintf("%04d", r.between(100, 9999))

	var forceBit, abbr string
	abbr = f.short[0]
	switch cue {
	case cueFull:
		forceBit = pick(r, []string{"with " + f.name, "at " + f.name, "| " + f.name, "for " + f.name, "- " + f.name})
	case cueShort:
		abbr = pick(r, f.short)
		forceBit = pick(r, []string{"| " + abbr, "with " + abbr, "@" + f.tw, "at " + abbr, "(" + abbr + ")", "in " + abbr})
	case cueTown:
		forceBit = pick(r, []string{"in " + p.town, "covering " + p.town, "| " + p.town, "on the streets of " + p.town, ""})
	}

	// Handle.
	first, last := p.first, strings.ReplaceAll(p.last, "'", "")
	switch {
	case platform == Facebook:
		pr.handle = strings.ToLower(pick(r, []string{
			first + "." + last,
			first + "." + last + "." + fmt.Sprint(r.between(1, 9999)),
			first + last + fmt.Sprint(r.between(70, 99)),
			first[:1] + last,
		}))
	case hprefix != "" && r.chance(0.55):
		opts := []string{
			hprefix + first + last,
			hprefix + "_" + last,
			hprefix + last + collar,
			hprefix + "_" + first + "_" + last,
			hprefix + first,
		}
		if p.role == RoleOfficer && title == "PC" {
			opts = append(opts, "PC"+collar, "PC_"+collar+"_"+last)
		}
		if cue == cueShort {
			ab := strings.Map(handleRune, abbr)
			opts = append(opts, ab+"_"+hprefix+last, ab+hprefix+first)
		}
		if cue == cueTown && !strings.Contains(p.town, " ") {
			opts = append(opts, p.town+hprefix, hprefix+p.town)
		}
		pr.handle = pick(r, opts)
	default:
		pr.handle = pick(r, []string{
			first + last,
			first + "_" + last,
			first + last + fmt.Sprint(r.between(1, 99)),
			strings.ToLower(first[:1] + last),
			"Officer" + first,
			first + "Cop",
		})
	}
	pr.handle = cleanHandle(pr.handle, platform, p, r)

	// Display name.
	full := p.first + " " + p.last
	switch {
	case platform == Facebook:
		pr.name = full
	case title != "" && r.chance(0.5):
		pr.name = pick(r, []string{title + " " + full, title + " " + p.last, title + " " + p.first})
	default:
		pr.name = pick(r, []string{full, full, p.first, p.first + " " + p.last[:1], full + " 🚔", full + " 💙"})
	}

	// Bio and location.
	if platform == Facebook {
		job := roleBio
		if r.chance(0.15) {
			// "Works in policing" says serving, not which role.
			job, p.role = "Works in policing", RoleUnknown
		}
		switch cue {
		case cueFull:
			pr.bio = job + " at " + f.name
		case cueShort:
			pr.bio = job + " at " + abbr
		case cueTown:
			pr.bio = job + " in " + p.town
		default:
			pr.bio = job
		}
		if r.chance(0.4) {
			pr.bio += " · " + fillPersonal(p, r)
		}
		if cue == cueTown || r.chance(0.4) && cue != cueNone {
			pr.location = p.town + ", United Kingdom"
		}
		return pr, attributed(p, cue)
	}

	parts := []string{roleBio}
	if forceBit != "" {
		parts[0] = roleBio + " " + forceBit
	}
	for i, n := 0, r.intn(3); i < n; i++ {
		parts = append(parts, fillPersonal(p, r))
	}
	if r.chance(0.5) {
		parts = append(parts, expandDisclaimer(p, r))
	}
	if r.chance(0.3) && len(parts) > 1 {
		// Some put the job last.
		parts[0], parts[len(parts)-1] = parts[len(parts)-1], parts[0]
	}
	sep := pick(r, []string{". ", " | ", ". ", " • ", "\n"})
	if sep == ". " {
		for i := range parts {
			parts[i] = strings.TrimSuffix(parts[i], ".")
		}
	}
	pr.bio = strings.Join(parts, sep)
	switch {
	case cue == cueTown:
		pr.location = pick(r, []string{p.town, p.town + ", England", p.town + ", UK"})
	case cue == cueNone:
		pr.location = pick(r, []string{"", "", "UK", "England", "Up north", "Somewhere in England", "Wales"})
	default:
		pr.location = pick(r, []string{"", p.town, "UK", p.town + ", England"})
	}
	return pr, attributed(p, cue)
}

// attributed is the force an ideal detector gives a serving persona.
func attributed(p *persona, cue int) string {
	if cue == cueNone {
		return "unknown"
	}
	return forces[p.force].name
}

func fillPersonal(p *persona, r *rng) string {
	return finish(lex.text(lex.parse(pick(r, personal)), p, r))
}

func expandDisclaimer(p *persona, r *rng) string {
	return lex.text(lex.parse(pick(r, disclaimers)), p, r)
}

// handleRune keeps the characters a Twitter handle may hold.
func handleRune(c rune) rune {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		return c
	}
	return -1
}

// slugRune keeps the characters a Facebook username may hold.
func slugRune(c rune) rune {
	switch c {
	case '.':
		return c
	case '_':
		return -1
	}
	return handleRune(c)
}

// cleanHandle keeps a handle within the platform's alphabet and, on
// Twitter, within 15 characters, falling back to initial and surname.
func cleanHandle(h, platform string, p *persona, r *rng) string {
	if platform == Facebook {
		return strings.ToLower(strings.Map(slugRune, h))
	}
	h = strings.Map(handleRune, h)
	if len(h) > 15 {
		h = strings.Map(handleRune, p.first[:1]+p.last)
		if r.chance(0.5) {
			h += fmt.Sprint(r.between(1, 99))
		}
	}
	if len(h) > 15 {
		h = h[:15]
	}
	return h
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
