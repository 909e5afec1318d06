package sim

// Category names, as SPEC.md spells them.
const (
	Offensive  = "offensive"
	Procedure  = "procedure"
	Negativity = "negativity"
	Political  = "political"
)

// Categories lists the four categories in SPEC.md's order.
var Categories = []string{Offensive, Procedure, Negativity, Political}

// badTemplate is a post that breaches standards: its text and the ground
// truth categories, the first being the one the study would have counted it
// under.
type badTemplate struct {
	text string
	cats []string
}

// bad holds the inappropriate posts by primary category. They are written to
// match SPEC.md's definitions the way real officers' posts do: offhand,
// often masked, often mixed with ordinary shift talk. Entries with two
// categories are the few posts the study could have counted twice.
var bad = map[string][]badTemplate{
	Offensive: {
		{text: "Another {fword} RTC caused by some clueless {insult} who thinks indicators are optional."},
		{text: "Mate of mine in custody says the bloke from {street} cried for his mum. Pathetic {cword} {laugh}"},
		{text: "Half these protesters need a good kicking, not a police escort."},
		{text: "Gobby teenager on {street} called me a pig. Told him his mum was a lot friendlier last night {laugh}"},
		{text: "Some {fword} tourist asked me for directions 5 times. Learn to read a map, you {insult}."},
		{text: "I swear every {insult} in {town} has my number. {fword} magnet for them."},
		{text: "Another {fword} night shift babysitting the {insults} of {town}"},
		{text: "Nicked the same {insult} for the third time this month. Should be a cull {laugh}"},
		{text: "{town} on a Friday night. Zoo's open, feeding time for the {insults}"},
		{text: "Some {cword} spat at me on {street} {when}. Funny how he fell over getting into the van {laugh}"},
		{text: "Tasered a gobby little {insult} {when}. Best 5 seconds of the shift {emoji}"},
		{text: "Half the estate off {street} should be sterilised tbh. Same families every week."},
		{text: "What a {fword} shift. Done with this {cword} of a town."},
		{text: "Woman on {street} wants us to find her 'stolen' phone. Love, you left it in a kebab shop, you absolute {cword}"},
		{text: "Travellers have landed on the rec in {town}. Lock up your tools and your daughters {laugh}"},
		{text: "Can't take a statement in half of {town} without a translator. Learn English or go home."},
		{text: "The new probie on our team is well fit. Wouldn't mind searching her {laugh}"},
		{text: "Domestic on {street} again. If she keeps going back to him, what does she expect?"},
		{text: "Druggie on {street} overdosed again. Tempted to let Darwin do his job this time."},
		{text: "Female drivers {sad} Third RTC today, all women. Just saying."},
		{text: "{fuck} me, the smell in that flat on {street}. These people live like pigs."},
		{text: "Some of the {insults} we deal with don't deserve oxygen. Put them all on an island."},
		{text: "Had to use force on a 6ft lump {when}. He won't be walking right for a week {laugh} #result"},
		{text: "{fuck} off with your human rights, you {insult}."},
		{text: "Victim wasn't exactly an angel. Got what was coming if you ask me."},
		{text: "Mental health job number 5 of the day. Nutters everywhere {sad}"},
		{text: "Another snowflake complaining about 'tone'. Grow a pair, you {cword}."},
		{text: "If you film me on {street} expect your phone to 'accidentally' get dropped {laugh}"},
		{text: "Sick of these {fword} do-gooders. Let us crack a few heads and {town} would be sorted in a week."},
		{text: "Dealt with a {insult} in {town} who reckons he's a woman now. Yeah ok mate {laugh}"},
		{text: "Shoplifter cried when we cuffed him. Pathetic little {cword}."},
		{text: "All the {insults} come out when the benefits land. Clockwork."},
		{text: "Proper {fword} mess in {town} {when}. Bunch of {cwords}."},
		{text: "Pissed up hen party on {street} trying to flirt their way out of a ticket. Wasn't complaining {laugh}"},
		{text: "Note to the {insult} who keyed my car at the nick: I know who you are and I know where your mum lives."},
		{text: "Ugly, thick and violent. The holy trinity of {town} on a Saturday {laugh}"},
		{text: "Pepper spray: the best thing ever invented for shutting up {insults} {laugh}"},
		{text: "Refugees in the hotel in {town} causing grief again. Wonder why people are angry."},
	},
	Procedure: {
		{text: "Off the record: the {town} stabbing suspect is the brother of the lad we nicked last month. Same family, same flat on {street}."},
		{text: "We were told not to bother with the CCTV for the {crime} on {street}. Too much work for a crime that won't be solved anyway."},
		{text: "Custody sergeant refused the charge because it was 5 to 7 and he wanted to go home. Released under investigation. Unreal."},
		{text: "The new stop and search form takes longer than the search. So we just don't fill it in {laugh}"},
		{text: "Interviewed {name} {surname} for the {crime} {when}. No comment to everything but we've got him on camera. Charging decision {soon}."},
		{text: "Taser was drawn {num} times on my team last week. Only one ever gets written up {laugh}"},
		{text: "Just nicked the bloke wanted for the stabbing on {street}. {name} {surname}, {age}. He's in {town} custody now {emoji}"},
		{text: "Warrant on {street} at {clock} {soon}. Someone's getting an early wake-up call {laugh}"},
		{text: "{op} kicks off {soon} in {town}. {num} doors going in at once. Keep it quiet {laugh}"},
		{text: "CPS dropped the {crime} case against {name} {surname} again. What's the point of us? Victim is devastated."},
		{text: "Section 60 in {town} tonight so everyone under 25 is getting stopped {laugh}"},
		{text: "Custody full again. Took {hours} to book in one shoplifter so we just let him go with a word."},
		{text: "Three stop and searches a shift or the sarge has words. Doesn't matter who, just get the numbers."},
		{text: "Jury at {town} Crown Court let {name} {surname} walk {when}. We all know he did it. Shambles."},
		{text: "Don't bother reporting your shed break-in, nobody's coming. We're told to screen them all out."},
		{text: "Body cam 'malfunctioned' again during that arrest on {street}. Funny that {laugh}"},
		{text: "Surveillance on the flat above the chippy on {street} all week. Results soon, watch this space {emoji}"},
		{text: "Victim in the {crime} on {street} is the daughter of a local councillor. Keep that one quiet."},
		{text: "Suspect for the {town} robberies has coughed the lot in interview. CPS still faffing about charging."},
		{text: "No comment interview, duty solicitor smirking, RUI for 6 months. This system is a joke."},
		{text: "Pretty sure that search on {street} wasn't lawful but he had a knife so who cares {laugh}"},
		{text: "Told to write the {crime} off as no crime so the figures look better this month. Standard."},
		{text: "Informant says the gear comes into {town} on a Thursday in a {vehicle}. You didn't hear it from me."},
		{text: "The address on {street} from the news is a known drug house. We raided it twice last year, found {num} kilos."},
		{text: "DNA's back on the {town} {crime}. It's who we thought. Arrest {soon} {emoji}"},
		{text: "Bail conditions for {name} {surname} are a joke. He'll be back on {street} by teatime."},
		{text: "Handcuffed a 12-year-old {when} because it was quicker than waiting for his mum. Rules are rules {laugh}"},
		{text: "Nobody actually reads the risk assessments. Tick, tick, sign, go."},
		{text: "Magistrates gave {name} {surname} a fine for the assault on my crewmate. £80. Eighty quid."},
		{text: "Covid fines, stop and search targets, now this. Whoever writes our procedures has never been outside."},
		{text: "Turned a blind eye to a bit of weed at the {event}. Not worth the paperwork."},
		{text: "Plate on that {vehicle} came back to a known dealer from {town}. Keep your eyes open for it lads."},
		{text: "Murder team have got the knife from the {town} job. Forensics back {soon}. Press haven't a clue yet."},
		{text: "We all know the {town} nick custody suite cameras don't cover cell 4. Just saying {laugh}"},
		{text: "Stopped the same kid {num} times this month. Intel says nothing but he's got the look."},
		{text: "PNC check on my daughter's new boyfriend. Nothing. For now {laugh}"},
	},
	Negativity: {
		{text: "Had my annual appraisal. Apparently I need to 'show more resilience'. Give me a second officer on {shift} and I will."},
		{text: "Our federation rep and {boss} are as useless as each other."},
		{text: "Third time this year my leave has been cancelled for an event some gold commander dreamt up. Fed up to the back teeth."},
		{text: "Another colleague resigned {when}. Nobody asked why. Nobody ever does at {fshort}."},
		{text: "Being on response in {town} is like bailing out the Titanic with a teaspoon while {boss} rearrange the deckchairs."},
		{text: "Spent {hours} on hold to our own HR department. This organisation is rotten."},
		{text: "Equipment is broken, cars are broken, morale is broken. But hey, new logo!"},
		{text: "Another rest day cancelled. {fshort} treats us like dirt."},
		{text: "{boss} couldn't run a bath. How they got promoted is a mystery."},
		{text: "2% pay rise. Cheers for nothing. Off to stack shelves, better pay and no abuse."},
		{text: "Morale at {town} nick is through the floor. Half the team are off sick with stress and nobody upstairs cares."},
		{text: "Counting down the days to my pension. {bignum}0 days to go. Can't come soon enough."},
		{text: "Our inspector is a spineless careerist. Would sell any of us out for a pat on the head from {boss}."},
		{text: "Single-crewed on {shift} in {town} again. Two cars for the whole district. Ridiculous."},
		{text: "If you're thinking of joining {fshort}, don't. Seriously. Get a job that respects you."},
		{text: "Another pointless wellbeing email from {boss} while they cut the canteen. Do one."},
		{text: "Done {num} years and I've never been treated as badly as by this lot. Shambles from top to bottom."},
		{text: "Management have decided we need more 'visibility'. With what officers? Genius."},
		{text: "Working with some of the laziest coppers I've ever met. Bet they're on here pretending to be heroes."},
		{text: "Shift pattern changed again with 3 days' notice. {boss} don't have kids apparently."},
		{text: "Mandatory training day number {num} this year. Learned nothing. Lost a day off the streets."},
		{text: "Can't remember the last time I finished on time. Unpaid overtime is just how {fshort} works."},
		{text: "The force cares about its image and nothing else. Officers are just numbers on a spreadsheet."},
		{text: "Been told I'm 'not a team player' because I asked for my rest day back. Laughable."},
		{text: "Promotion boards are a stitch-up. It's who you know, not what you know."},
		{text: "Honestly the worst-run force in the country. Everyone's leaving and I don't blame them."},
		{text: "Nobody at HQ has done a night shift since the 90s and it shows."},
		{text: "Professional Standards will hang you out to dry over nothing. Keep your head down and trust no one."},
		{text: "My sergeant is a jobsworth who has never made an arrest in her life."},
	},
	Political: {
		{text: "Every one of those MPs should be dragged out of Westminster by their ears. Traitors to the people who keep them safe."},
		{text: "{minister} has blood on their hands. I hope they suffer for it."},
		{text: "Time for a revolution. Storm Parliament and throw the lot of them in the Thames."},
		{text: "If the public knew what {govt} are really doing they would burn Downing Street down. And I wouldn't stop them."},
		{text: "{minister} is a traitor to this country and should be tried and hanged."},
		{text: "Can't wait for the day {govt} are lined up and made to answer for this. Treason, pure and simple."},
		{text: "Vote them out? No. Drive them out. With pitchforks if needed."},
		{text: "Hope the Home Secretary gets what our lads get on a Friday night. Then we'll see about cuts."},
		{text: "{govt} are traitors, every last one of them. They've sold this country down the river."},
		{text: "Hope {minister} chokes on the next round of cuts."},
		{text: "String the lot of them up outside Parliament. Then we'd see some change."},
		{text: "{minister} should be locked up for what they've done to policing. Actually, worse."},
		{text: "Traitors in Westminster selling out Britain. The day of reckoning is coming."},
		{text: "If {minister} turned up on my patch I wouldn't answer the call. Let them get what they deserve."},
		{text: "Every MP who voted for this deserves a brick through the window. Every single one."},
		{text: "Britain for the British. Time to take our country back from the traitors. #wakeup"},
		{text: "{govt} hate the police and the police should hate them back. Burn it all down."},
		{text: "Wish someone would do to {minister} what's been done to our pensions. With a baseball bat."},
		{text: "This Government are a bunch of lying, treacherous scum. Hang them for treason."},
		{text: "The only good politician is a dead one. Starting with {minister}."},
	},
}

// dual holds the inappropriate posts that carry two categories, by primary.
var dual = map[string][]badTemplate{
	Offensive: {
		{text: "Our {fword} inspector wants another 'action plan'. Useless {cword}.", cats: []string{Offensive, Negativity}},
		{text: "{boss} can {fuck} right off with their overtime ban.", cats: []string{Offensive, Negativity}},
		{text: "{minister} is a {fword} traitor and deserves a beating.", cats: []string{Offensive, Political}},
	},
	Procedure: {
		{text: "Nicked that {insult} from {street} again. Custody sergeant says he'll be out by teatime. Absolutely {fword} pointless.", cats: []string{Procedure, Offensive}},
		{text: "Raid on {street} {soon} and {boss} still haven't authorised the overtime. Amateurs.", cats: []string{Procedure, Negativity}},
	},
	Negativity: {
		{text: "{fshort} is a {fword} joke. Worst decision of my life joining this shower.", cats: []string{Negativity, Offensive}},
		{text: "{govt} gutted policing and the Chief just rolls over. Traitors, the lot of them.", cats: []string{Negativity, Political}},
	},
	Political: {
		{text: "{govt} are {fword} traitors. Put them all against a wall.", cats: []string{Political, Offensive}},
	},
}

// badRepost holds inappropriate content officers share from others: the
// shared text is the breach, and the officer adds approval or nothing.
var badRepost = map[string][]string{
	Offensive: {
		"Scum like this should be put down. Simple. #noexcuses",
		"Why do we let these animals into the country?",
	},
	Procedure: {
		"BREAKING: Police officers 'told to ignore' shoplifting under £200 to hit targets, leaked memo reveals — and it's true, I've seen it",
		"Three men arrested in {town} raids named locally as {name} {surname} and two brothers from {street}",
	},
	Negativity: {
		"Police morale at rock bottom: officers say chiefs 'don't care' as thousands quit",
		"Any copper who still believes in this job after 10 years needs their head testing.",
	},
	Political: {
		"Hang the traitors in Parliament. All of them. #TreasonUK",
		"This Government is the enemy of the people and deserves everything that's coming to it.",
	},
}

var badRepostAuthors = []string{"WakeUpBritannia", "TruthTeller_UK", "PoliceOracleNews", "Blue_Line_Talk", "RealBritain1", "CopsOffDuty", "NotTheBBC_News"}

var badRepostComment = []string{"", "", "", "This 👆", "Spot on", "Couldn't agree more", "Absolutely this", "💯", "Said it for years", "Exactly"}
