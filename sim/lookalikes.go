package sim

import (
	"fmt"
	"strings"
)

// The look-alikes: accounts that a naive search for "police" finds and that
// a good detector must turn away, each for its own reason.

var corpTeams = []struct{ handle, name, bio string }{
	{"{P}{T}", "{S} {T}", "Official account of {force} in {T}. Not monitored 24/7. Report crime online or call 101. In an emergency call 999."},
	{"{T}Police", "{T} Police", "Neighbourhood policing team for {T}, {force}. Not monitored 24/7. Dial 999 in an emergency."},
	{"{T}NPT", "{T} Neighbourhood Team", "Your local officers and PCSOs in {T}. Tweets by PC {L} and the team. Not for reporting crime."},
	{"{P}Roads", "{S} Roads Policing", "Roads Policing Unit of {force}. Keeping the roads safe. Not monitored 24/7."},
	{"{P}Dogs", "{S} Police Dogs", "The dog section of {force}. Good boys and girls catching bad guys."},
	{"{P}Firearms", "{S} Firearms", "Armed Policing Unit, {force}. Not monitored 24/7."},
	{"{P}Specials", "{S} Special Constabulary", "Official account of the Special Constabulary of {force}. Volunteer with us!"},
	{"{P}Cadets", "{S} Volunteer Police Cadets", "Volunteer Police Cadets at {force}. Young people making a difference."},
	{"{P}Rural", "{S} Rural Crime Team", "Rural and wildlife crime team at {force}."},
	{"{P}Jobs", "{S} Recruitment", "Careers at {force}: officers, PCSOs, staff and specials. We're recruiting!"},
	{"{P}OpsCentre", "{S} Contact Centre", "The force control room of {force}. Use 101 for non-emergencies."},
	{"{T}Station", "{T} Police Station", "Front counter and local updates for {T} police station, {force}."},
}

var formerBio = []string{
	"Retired police officer. {n} years with {force}.",
	"Ex-{short} PC, now driving instructor.",
	"Former detective. Now writing crime fiction.",
	"Police pensioner. Golf and grandkids.",
	"Served {n} years in {T}. Retired and loving it.",
	"Ex-copper turned plumber. Still can't switch off.",
	"Former PCSO, now a teaching assistant.",
	"Retired DS, {short}. Private investigator.",
	"{n} years a bobby, now a full-time grandad.",
	"Former police sergeant. Now in the NHS.",
	"Retired Inspector ({force}). Views my own.",
	"Left the job after {n} years. Best decision I ever made.",
}

var familyBio = [2][]string{{
	"Proud police husband. My wife is braver than me.",
	"Police dad. Worry is my middle name.",
	"Married to a copper. Dinner's in the dog.",
	"My wife serves with {force}. So proud of her.",
	"Police son 💙 Electrician.",
	"Thin blue line family 💙 Dad, husband, angler.",
}, {
	"Proud police wife 💙 #PoliceFamily",
	"Wife of a copper in {T}, mum of 3.",
	"Police mum. Worry is my middle name.",
	"Married to a copper. Dinner's in the dog.",
	"My husband serves with {force}. So proud of him.",
	"Police daughter 💙 Nurse.",
	"Thin blue line family 💙 Mum, wife, baker.",
}}

var fanBio = []string{
	"#BackTheBlue 💙 Supporter of our police.",
	"Big fan of Traffic Cops and Police Interceptors.",
	"Aspiring police officer, applying to {force}!",
	"Future PC hopefully! Application in.",
	"Police supporter. Thin blue line. {T}.",
	"I love the police. And dogs. Mostly dogs.",
	"Blue light enthusiast and photographer. Emergency vehicles of {T}.",
	"Criminology student. Want to join {short} one day.",
}

var recruiterBio = []string{
	"Blue Line Recruitment – police and security careers.",
	"Recruiting police staff and investigators across {T}.",
	"Police investigator jobs | Agency | DMs open.",
	"Helping ex-police into new careers.",
	"Recruitment partner for policing and criminal justice roles.",
}

var trainerBio = []string{
	"Personal safety & conflict management training.",
	"Police fitness test coaching. Get the bleep test beat.",
	"Officer safety instructor. Training for the NHS, security and retail.",
	"Police interview coaching: pass your assessment centre.",
	"Training provider for blue light services and security staff.",
}

var journalistBio = []string{
	"Crime and courts reporter at the {T} Echo.",
	"Home affairs correspondent. Tips welcome.",
	"Journalist covering policing and justice.",
	"Crime reporter. DMs open.",
	"News editor, {T} Live.",
	"Freelance journalist. Police, courts, inquests.",
}

var lawyerBio = []string{
	"Criminal defence solicitor in {T}. Police station rep.",
	"Barrister specialising in police law and misconduct.",
	"Duty solicitor. 24hr police station advice.",
	"Solicitor – actions against the police.",
	"Accredited police station representative. {T}.",
}

var parodyBio = []string{
	"Parody account. Not a real police officer.",
	"Definitely real police. (Parody. Obviously.)",
	"The UK's least effective police force. Satire.",
	"Not affiliated with any police force. Jokes only.",
}

var parodyNames = []string{"Chief Inspector Donut", "PC Plod", "Sgt Custard", "Inspector Biscuit", "Constable Crumpet", "DCI Kettle"}

var civilianBio = []string{
	"Police scanner enthusiast in {T}.",
	"Lead singer of a The Police tribute band. Roxanne every night.",
	"Police Academy superfan. Mahoney forever.",
	"Writer of police procedurals. Represented by a very patient agent.",
	"Security guard at the {T} retail park.",
	"Firefighter in {T}. Blue light but not that blue.",
	"Paramedic. I work with the police, I'm not one.",
}

var otherUKBio = []string{
	"{rank} with {force}.",
	"{short} officer in {T}.",
	"{rank}, {short}. Views my own.",
	"Response cop with {force}. Dad, runner.",
	"Serving with {short} in {T}.",
}

var foreignBio = []string{
	"{rank} with the {force}. {tag}",
	"{short} officer. Proud to serve {T}.",
	"{rank}. {short}. Husband, father, {tag}",
	"Serving {T} with the {short}. Views my own.",
	"K9 handler, {short}. {tag}",
}

// expand fills the small set of placeholders the bio banks use.
func expand(s string, repl map[string]string) string {
	for k, v := range repl {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// lookalikeProfile writes the public face and truth of a look-alike.
func lookalikeProfile(p *persona, platform string, r *rng) (profile, Truth) {
	var pr profile
	t := Truth{Kind: p.kind, Status: statusNotPolice, Role: RoleUnknown, Reason: reasons[p.kind]}
	full := p.first + " " + p.last
	repl := map[string]string{"T": p.town, "n": fmt.Sprint(r.between(12, 34))}
	if p.force >= 0 {
		f := &forces[p.force]
		repl["force"], repl["short"] = f.name, pick(r, f.short)
		t.HomeForce = f.name
	}
	if p.other >= 0 {
		o := &otherForces[p.other]
		repl["force"], repl["short"], repl["rank"], repl["tag"] = o.name, o.short, o.rank, o.tag
	}
	plainHandle := func() string {
		return pick(r, []string{p.first + p.last, p.first + "_" + p.last, p.first + p.last + fmt.Sprint(r.between(1, 999)),
			strings.ToLower(p.first[:1] + p.last), p.first + fmt.Sprint(r.between(70, 99))})
	}
	pr.name = full
	pr.handle = plainHandle()
	switch p.kind {
	case KindFormer:
		t.Status, t.Role = statusFormer, RoleOfficer
		pr.bio = expand(pick(r, formerBio), repl)
		if strings.Contains(pr.bio, "PCSO") {
			t.Role = RolePCSO
		}
		if r.chance(0.2) {
			pr.name = full + pick(r, []string{" (retired)", " (ret'd)", " 👮 retd"})
		}
	case KindFamily:
		g := 0
		if p.female {
			g = 1
		}
		pr.bio = expand(pick(r, familyBio[g]), repl)
	case KindFan:
		pr.bio = expand(pick(r, fanBio), repl)
		if r.chance(0.2) {
			pr.handle = pick(r, []string{"BackTheBlue", "BlueLine", "PoliceFan"}) + fmt.Sprint(r.between(1, 9999))
		}
	case KindRecruiter:
		pr.bio = expand(pick(r, recruiterBio), repl)
		pr.name = pick(r, []string{"Blue Line Recruitment", "Justice Careers", "Investigo Police Jobs", "Thin Blue Recruit", p.town + " Security Jobs"})
		pr.handle = strings.ReplaceAll(pr.name, " ", "")
	case KindTrainer:
		pr.bio = expand(pick(r, trainerBio), repl)
		if r.chance(0.5) {
			pr.name = pick(r, []string{"SafeGuard Training", "Frontline Skills", "Conflict Ready", "Bleep Test Coach", "Blue Light Training Ltd"})
			pr.handle = strings.ReplaceAll(pr.name, " ", "")
		}
	case KindJournalist:
		pr.bio = expand(pick(r, journalistBio), repl)
	case KindLawyer:
		pr.bio = expand(pick(r, lawyerBio), repl)
		if r.chance(0.3) {
			pr.name = p.last + " & Co Solicitors"
			pr.handle = p.last + "Solicitors"
		}
	case KindParody:
		pr.bio = pick(r, parodyBio)
		pr.name = pick(r, parodyNames)
		pr.handle = strings.ReplaceAll(strings.ReplaceAll(pr.name, " ", ""), "Inspector", "Insp") + fmt.Sprint(r.between(1, 99))
	case KindCivilian:
		pr.bio = expand(pick(r, civilianBio), repl)
	case KindOtherUK:
		t.Status, t.Role = statusServing, RoleOfficer
		pr.bio = expand(pick(r, otherUKBio), repl)
		if r.chance(0.4) {
			pr.name = "PC " + full
		}
	case KindForeign:
		pr.bio = expand(pick(r, foreignBio), repl)
		if r.chance(0.3) {
			pr.name = "Officer " + full
		}
	}
	switch {
	case platform == Facebook:
		pr.location = p.town
	case r.chance(0.6):
		pr.location = p.town
	}
	pr.handle = cleanHandle(pr.handle, platform, p, r)
	return pr, t
}

// corporateProfile writes a force's main account (team < 0) or one of its
// team and station accounts.
func corporateProfile(f int, team int, platform string, p *persona, r *rng) (profile, Truth) {
	fc := &forces[f]
	t := Truth{Kind: KindCorporate, Status: statusCorporate, Role: RoleUnknown, HomeForce: fc.name, Reason: reasons[KindCorporate]}
	if team < 0 {
		pr := profile{handle: fc.tw, name: fc.name,
			bio:      "The official account of " + fc.name + ". Not monitored 24/7. Report crime online or on 101. In an emergency always call 999.",
			location: pick(r, fc.towns)}
		if platform == Facebook {
			pr.handle = fc.fb
		}
		if fc.noTown {
			pr.location = "England, Wales and Scotland"
		}
		return pr, t
	}
	ct := corpTeams[team]
	prefix := strings.Map(handleRune, fc.short[0])
	town := strings.Map(handleRune, p.town)
	repl := map[string]string{"P": prefix, "T": p.town, "S": fc.short[0], "L": p.last, "force": fc.name}
	pr := profile{
		handle:   strings.ReplaceAll(strings.ReplaceAll(ct.handle, "{P}", prefix), "{T}", town),
		name:     expand(ct.name, repl),
		bio:      expand(ct.bio, repl),
		location: p.town,
	}
	if platform == Facebook {
		pr.handle = strings.ToLower(pr.handle)
	} else if len(pr.handle) > 15 {
		pr.handle = pr.handle[:15]
	}
	return pr, t
}
