package sim

// force is one police force as the generator knows it: the canonical name
// (SPEC.md's list), the short forms people use, the corporate accounts, the
// towns it polices and its relative size. This table is the generator's own
// and is deliberately not read from rules/: the identity detector must find
// these forces from the rules it has, not from the generator's vocabulary.
type force struct {
	name   string   // canonical name
	short  []string // abbreviations and informal names used in bios
	tw     string   // corporate Twitter handle
	fb     string   // corporate Facebook slug
	towns  []string // places unambiguously inside the force area
	footy  []string // local sides people support
	tag    string   // hashtag the force's people use
	weight int      // roughly the officer headcount: bigger forces tweet more
	// noTown marks forces whose people cannot be placed by a town alone
	// (British Transport Police polices railways across every other area).
	noTown bool
}

var forces = []force{
	{name: "Avon and Somerset Constabulary", short: []string{"Avon & Somerset Police", "A&S Police", "Avon and Somerset"}, tw: "ASPolice", fb: "avonandsomersetpolice",
		towns: []string{"Bristol", "Bath", "Weston-super-Mare", "Taunton", "Yeovil", "Bridgwater", "Frome", "Keynsham"}, footy: []string{"Bristol City", "Bristol Rovers"}, tag: "#TeamAandS", weight: 3000},
	{name: "Bedfordshire Police", short: []string{"Beds Police", "Bedfordshire"}, tw: "bedspolice", fb: "bedfordshirepolice",
		towns: []string{"Bedford", "Luton", "Dunstable", "Leighton Buzzard", "Biggleswade", "Ampthill"}, footy: []string{"Luton Town"}, tag: "#TeamBeds", weight: 1300},
	{name: "Cambridgeshire Constabulary", short: []string{"Cambs Police", "Cambs Cops", "Cambridgeshire Police"}, tw: "CambsCops", fb: "cambscops",
		towns: []string{"Cambridge", "Peterborough", "Huntingdon", "Ely", "Wisbech", "St Neots", "March"}, footy: []string{"Peterborough United", "Cambridge United"}, tag: "#CambsCops", weight: 1700},
	{name: "Cheshire Constabulary", short: []string{"Cheshire Police", "Cheshire Cops"}, tw: "cheshirepolice", fb: "cheshireconstabulary",
		towns: []string{"Chester", "Warrington", "Crewe", "Macclesfield", "Northwich", "Widnes", "Runcorn", "Ellesmere Port"}, footy: []string{"Crewe Alex", "Chester FC"}, tag: "#TeamCheshire", weight: 2200},
	{name: "City of London Police", short: []string{"CoLP", "City Police", "City of London"}, tw: "CityPolice", fb: "cityoflondonpolice",
		towns: []string{"Aldgate", "Barbican", "Bishopsgate", "Moorgate", "Smithfield", "Cheapside"}, footy: []string{"Spurs", "Arsenal"}, tag: "#CityPolice", weight: 1000},
	{name: "Cleveland Police", short: []string{"Cleveland Cops", "Cleveland"}, tw: "ClevelandPolice", fb: "clevelandpolice",
		towns: []string{"Middlesbrough", "Hartlepool", "Stockton-on-Tees", "Redcar", "Billingham", "Guisborough"}, footy: []string{"Boro", "Hartlepool United"}, tag: "#TeamCleveland", weight: 1400},
	{name: "Cumbria Constabulary", short: []string{"Cumbria Police", "Cumbria"}, tw: "Cumbriapolice", fb: "cumbriapolice",
		towns: []string{"Carlisle", "Barrow-in-Furness", "Kendal", "Workington", "Whitehaven", "Penrith", "Keswick"}, footy: []string{"Carlisle United"}, tag: "#TeamCumbria", weight: 1200},
	{name: "Derbyshire Constabulary", short: []string{"Derbyshire Police", "Derbys Police"}, tw: "DerbysPolice", fb: "derbyshireconstabulary",
		towns: []string{"Derby", "Chesterfield", "Buxton", "Matlock", "Ilkeston", "Glossop", "Swadlincote"}, footy: []string{"Derby County", "Chesterfield"}, tag: "#TeamDerbyshire", weight: 1900},
	{name: "Devon and Cornwall Police", short: []string{"Devon & Cornwall Police", "D&C Police", "Devon and Cornwall"}, tw: "DC_Police", fb: "devonandcornwallpolice",
		towns: []string{"Plymouth", "Exeter", "Torquay", "Truro", "Barnstaple", "Newquay", "Penzance", "Bodmin"}, footy: []string{"Plymouth Argyle", "Exeter City"}, tag: "#TeamDC", weight: 3300},
	{name: "Dorset Police", short: []string{"Dorset Police", "Dorset"}, tw: "dorsetpolice", fb: "dorsetpolice",
		towns: []string{"Bournemouth", "Poole", "Weymouth", "Dorchester", "Bridport", "Christchurch", "Blandford"}, footy: []string{"the Cherries"}, tag: "#TeamDorset", weight: 1300},
	{name: "Durham Constabulary", short: []string{"Durham Police", "Durham Constab"}, tw: "DurhamPolice", fb: "durhamconstabulary",
		towns: []string{"Darlington", "Consett", "Bishop Auckland", "Peterlee", "Newton Aycliffe", "Seaham", "Stanley"}, footy: []string{"Darlington", "Sunderland"}, tag: "#TeamDurham", weight: 1200},
	{name: "Dyfed-Powys Police", short: []string{"Dyfed Powys Police", "DPP", "Heddlu Dyfed-Powys"}, tw: "DyfedPowys", fb: "dyfedpowyspolice",
		towns: []string{"Carmarthen", "Aberystwyth", "Llanelli", "Haverfordwest", "Brecon", "Newtown", "Llandrindod Wells"}, footy: []string{"the Scarlets", "Wales"}, tag: "#TeamDPP", weight: 1200},
	{name: "Essex Police", short: []string{"Essex Police", "Essex Cops"}, tw: "EssexPoliceUK", fb: "essexpolice",
		towns: []string{"Chelmsford", "Colchester", "Southend", "Basildon", "Harlow", "Brentwood", "Clacton", "Braintree"}, footy: []string{"Colchester United", "Southend United", "West Ham"}, tag: "#TeamEssex", weight: 3500},
	{name: "Gloucestershire Constabulary", short: []string{"Glos Police", "Gloucestershire Police"}, tw: "Glos_Police", fb: "gloucestershireconstabulary",
		towns: []string{"Gloucester", "Cheltenham", "Stroud", "Tewkesbury", "Cirencester", "Cinderford"}, footy: []string{"Cheltenham Town", "Forest Green"}, tag: "#TeamGlos", weight: 1200},
	{name: "Greater Manchester Police", short: []string{"GMP", "Greater Manchester"}, tw: "gmpolice", fb: "greatermanchesterpolice",
		towns: []string{"Manchester", "Salford", "Stockport", "Bolton", "Wigan", "Oldham", "Rochdale", "Bury", "Trafford", "Tameside"}, footy: []string{"City", "United", "Wigan", "Bolton"}, tag: "#TeamGMP", weight: 7000},
	{name: "Gwent Police", short: []string{"Gwent Police", "Heddlu Gwent"}, tw: "gwentpolice", fb: "gwentpolice",
		towns: []string{"Cwmbran", "Pontypool", "Abergavenny", "Ebbw Vale", "Caerphilly", "Chepstow", "Monmouth", "Blackwood"}, footy: []string{"Newport County", "the Dragons"}, tag: "#TeamGwent", weight: 1400},
	{name: "Hampshire and Isle of Wight Constabulary", short: []string{"Hampshire Police", "Hants Police", "Hampshire Constabulary", "HIOWC"}, tw: "HantsPolice", fb: "hampshireconstabulary",
		towns: []string{"Southampton", "Portsmouth", "Winchester", "Basingstoke", "Andover", "Aldershot", "Ryde", "Fareham", "Eastleigh"}, footy: []string{"Saints", "Pompey"}, tag: "#TeamHants", weight: 3200},
	{name: "Hertfordshire Constabulary", short: []string{"Herts Police", "Hertfordshire Police"}, tw: "HertsPolice", fb: "hertspolice",
		towns: []string{"Watford", "St Albans", "Stevenage", "Hemel Hempstead", "Hertford", "Hitchin", "Welwyn Garden City", "Hatfield"}, footy: []string{"Watford"}, tag: "#TeamHerts", weight: 2200},
	{name: "Humberside Police", short: []string{"Humberside Police", "Humberside"}, tw: "Humberbeat", fb: "humbersidepolice",
		towns: []string{"Hull", "Grimsby", "Scunthorpe", "Beverley", "Goole", "Bridlington", "Cleethorpes"}, footy: []string{"Hull City", "Grimsby Town"}, tag: "#TeamHumberside", weight: 2100},
	{name: "Kent Police", short: []string{"Kent Police", "Kent Cops"}, tw: "kent_police", fb: "kentpolice",
		towns: []string{"Maidstone", "Canterbury", "Dover", "Folkestone", "Ashford", "Margate", "Gravesend", "Tunbridge Wells", "Chatham"}, footy: []string{"Gillingham", "Charlton"}, tag: "#TeamKent", weight: 3800},
	{name: "Lancashire Constabulary", short: []string{"Lancs Police", "Lancashire Police"}, tw: "LancsPolice", fb: "lancashirepolice",
		towns: []string{"Preston", "Blackpool", "Blackburn", "Burnley", "Lancaster", "Chorley", "Accrington", "Morecambe"}, footy: []string{"Preston North End", "Blackpool", "Rovers", "Burnley"}, tag: "#TeamLancs", weight: 3200},
	{name: "Leicestershire Police", short: []string{"Leics Police", "Leicestershire"}, tw: "leicspolice", fb: "leicspolice",
		towns: []string{"Leicester", "Loughborough", "Hinckley", "Melton Mowbray", "Coalville", "Market Harborough", "Oakham"}, footy: []string{"Leicester City", "the Tigers"}, tag: "#TeamLeics", weight: 2100},
	{name: "Lincolnshire Police", short: []string{"Lincs Police", "Lincolnshire"}, tw: "LincsPolice", fb: "lincolnshirepolice",
		towns: []string{"Lincoln", "Grantham", "Skegness", "Spalding", "Gainsborough", "Louth", "Sleaford"}, footy: []string{"Lincoln City"}, tag: "#TeamLincs", weight: 1100},
	{name: "Merseyside Police", short: []string{"Merseyside Police", "Mersey Police"}, tw: "MerseyPolice", fb: "merseysidepolice",
		towns: []string{"Liverpool", "Birkenhead", "St Helens", "Southport", "Bootle", "Wallasey", "Kirkby", "Huyton"}, footy: []string{"Liverpool", "Everton", "Tranmere"}, tag: "#TeamMerseyside", weight: 3800},
	{name: "Metropolitan Police Service", short: []string{"Met Police", "the Met", "MPS", "Metropolitan Police"}, tw: "metpoliceuk", fb: "metpoliceuk",
		towns: []string{"Croydon", "Lambeth", "Hackney", "Brixton", "Camden", "Tottenham", "Ealing", "Lewisham", "Romford", "Bromley", "Wembley", "Islington", "Peckham", "Hounslow"}, footy: []string{"Arsenal", "Spurs", "Chelsea", "West Ham", "Millwall", "Palace"}, tag: "#OneMet", weight: 34000},
	{name: "Norfolk Constabulary", short: []string{"Norfolk Police", "Norfolk Constab"}, tw: "NorfolkPolice", fb: "norfolkpolice",
		towns: []string{"Norwich", "King's Lynn", "Great Yarmouth", "Thetford", "Cromer", "Dereham"}, footy: []string{"Norwich City"}, tag: "#TeamNorfolk", weight: 1800},
	{name: "North Wales Police", short: []string{"NWP", "North Wales Police", "Heddlu Gogledd Cymru"}, tw: "NWPolice", fb: "northwalespolice",
		towns: []string{"Wrexham", "Rhyl", "Llandudno", "Colwyn Bay", "Caernarfon", "Holyhead", "Mold"}, footy: []string{"Wrexham"}, tag: "#TeamNWP", weight: 1600},
	{name: "North Yorkshire Police", short: []string{"NYP", "North Yorks Police"}, tw: "NYorksPolice", fb: "northyorkshirepolice",
		towns: []string{"York", "Harrogate", "Scarborough", "Northallerton", "Selby", "Skipton", "Whitby", "Ripon"}, footy: []string{"York City", "Harrogate Town"}, tag: "#TeamNYP", weight: 1600},
	{name: "Northamptonshire Police", short: []string{"Northants Police", "Northamptonshire"}, tw: "NorthantsPolice", fb: "northantspolice",
		towns: []string{"Northampton", "Kettering", "Corby", "Wellingborough", "Daventry", "Towcester"}, footy: []string{"the Cobblers", "Saints"}, tag: "#TeamNorthants", weight: 1400},
	{name: "Northumbria Police", short: []string{"Northumbria Police", "Northumbria"}, tw: "northumbriapol", fb: "northumbriapolice",
		towns: []string{"Newcastle", "Sunderland", "Gateshead", "North Shields", "South Shields", "Ashington", "Hexham", "Morpeth", "Blyth"}, footy: []string{"the Toon", "Sunderland"}, tag: "#TeamNorthumbria", weight: 3500},
	{name: "Nottinghamshire Police", short: []string{"Notts Police", "Nottinghamshire"}, tw: "nottspolice", fb: "nottspolice",
		towns: []string{"Nottingham", "Mansfield", "Newark", "Worksop", "Retford", "Beeston", "Hucknall"}, footy: []string{"Forest", "Notts County"}, tag: "#TeamNotts", weight: 2200},
	{name: "South Wales Police", short: []string{"SWP", "South Wales Police", "Heddlu De Cymru"}, tw: "swpolice", fb: "southwalespolice",
		towns: []string{"Cardiff", "Swansea", "Bridgend", "Merthyr Tydfil", "Pontypridd", "Neath", "Port Talbot", "Barry"}, footy: []string{"Cardiff City", "the Swans", "Wales"}, tag: "#TeamSWP", weight: 3300},
	{name: "South Yorkshire Police", short: []string{"SYP", "South Yorks Police"}, tw: "syptweet", fb: "southyorkshirepolice",
		towns: []string{"Sheffield", "Doncaster", "Rotherham", "Barnsley", "Mexborough", "Maltby"}, footy: []string{"the Blades", "Wednesday", "Barnsley", "Donny Rovers"}, tag: "#TeamSYP", weight: 3000},
	{name: "Staffordshire Police", short: []string{"Staffs Police", "Staffordshire"}, tw: "StaffsPolice", fb: "staffordshirepolice",
		towns: []string{"Stoke-on-Trent", "Stafford", "Burton upon Trent", "Tamworth", "Cannock", "Lichfield", "Leek"}, footy: []string{"Stoke City", "Port Vale"}, tag: "#TeamStaffs", weight: 1800},
	{name: "Suffolk Constabulary", short: []string{"Suffolk Police", "Suffolk Constab"}, tw: "SuffolkPolice", fb: "suffolkpolice",
		towns: []string{"Ipswich", "Bury St Edmunds", "Lowestoft", "Felixstowe", "Sudbury", "Newmarket", "Stowmarket"}, footy: []string{"Ipswich Town"}, tag: "#TeamSuffolk", weight: 1300},
	{name: "Surrey Police", short: []string{"Surrey Police", "Surrey"}, tw: "SurreyPolice", fb: "surreypolice",
		towns: []string{"Guildford", "Woking", "Epsom", "Staines", "Reigate", "Camberley", "Farnham", "Redhill"}, footy: []string{"Woking", "Chelsea"}, tag: "#TeamSurrey", weight: 2100},
	{name: "Sussex Police", short: []string{"Sussex Police", "Sussex"}, tw: "sussex_police", fb: "sussexpolice",
		towns: []string{"Brighton", "Crawley", "Eastbourne", "Worthing", "Hastings", "Chichester", "Horsham", "Bognor Regis"}, footy: []string{"Brighton", "the Seagulls"}, tag: "#TeamSussex", weight: 3000},
	{name: "Thames Valley Police", short: []string{"TVP", "Thames Valley"}, tw: "ThamesVP", fb: "thamesvalleypolice",
		towns: []string{"Reading", "Oxford", "Milton Keynes", "Slough", "High Wycombe", "Aylesbury", "Banbury", "Newbury", "Bracknell"}, footy: []string{"Reading", "Oxford United", "MK Dons"}, tag: "#TeamTVP", weight: 4500},
	{name: "Warwickshire Police", short: []string{"Warks Police", "Warwickshire"}, tw: "WarksPolice", fb: "warwickshirepolice",
		towns: []string{"Warwick", "Nuneaton", "Leamington Spa", "Stratford-upon-Avon", "Bedworth", "Kenilworth"}, footy: []string{"Coventry", "Villa"}, tag: "#TeamWarks", weight: 1000},
	{name: "West Mercia Police", short: []string{"West Mercia", "WMerc"}, tw: "WMerciaPolice", fb: "westmerciapolice",
		towns: []string{"Worcester", "Shrewsbury", "Hereford", "Telford", "Kidderminster", "Redditch", "Bromsgrove", "Ludlow"}, footy: []string{"Shrewsbury Town", "Wolves"}, tag: "#TeamWestMercia", weight: 2400},
	{name: "West Midlands Police", short: []string{"WMP", "West Mids Police", "West Midlands"}, tw: "WMPolice", fb: "westmidlandspolice",
		towns: []string{"Birmingham", "Coventry", "Wolverhampton", "Walsall", "Dudley", "Solihull", "West Bromwich", "Sutton Coldfield"}, footy: []string{"Villa", "Blues", "Wolves", "the Baggies"}, tag: "#TeamWMP", weight: 7000},
	{name: "West Yorkshire Police", short: []string{"WYP", "West Yorks Police"}, tw: "WestYorksPolice", fb: "westyorkshirepolice",
		towns: []string{"Leeds", "Bradford", "Wakefield", "Huddersfield", "Halifax", "Dewsbury", "Keighley", "Pontefract"}, footy: []string{"Leeds", "Bradford City", "Huddersfield Town"}, tag: "#TeamWYP", weight: 5500},
	{name: "Wiltshire Police", short: []string{"Wilts Police", "Wiltshire"}, tw: "wiltshirepolice", fb: "wiltshirepolice",
		towns: []string{"Swindon", "Salisbury", "Chippenham", "Trowbridge", "Devizes", "Melksham"}, footy: []string{"Swindon Town"}, tag: "#TeamWilts", weight: 1100},
	{name: "British Transport Police", short: []string{"BTP", "British Transport Police", "Transport Police"}, tw: "BTP", fb: "britishtransportpolice",
		towns: []string{"King's Cross", "Waterloo", "Euston", "New Street", "Piccadilly station"}, footy: []string{"Arsenal", "Villa", "United"}, tag: "#BTP", weight: 3000, noTown: true},
}

// otherForce is a police body outside the default rules: UK forces not in
// SPEC.md's list (serving, but "force not in rules") and forces abroad
// (not_police for this tool).
type otherForce struct {
	name  string
	short string
	towns []string
	uk    bool   // a UK police body: serving but out of scope
	rank  string // how its people name their role in a bio
	tag   string
	footy []string
}

var otherForces = []otherForce{
	{name: "Police Scotland", short: "Police Scotland", towns: []string{"Glasgow", "Edinburgh", "Aberdeen", "Dundee", "Inverness", "Paisley", "Stirling"}, uk: true, rank: "Police officer", tag: "#PoliceScotland", footy: []string{"Celtic", "Rangers", "Hearts", "Hibs", "Aberdeen", "Dundee United"}},
	{name: "Police Service of Northern Ireland", short: "PSNI", towns: []string{"Belfast", "Derry", "Newry", "Lisburn", "Omagh", "Ballymena"}, uk: true, rank: "Constable", tag: "#PSNI", footy: []string{"Linfield", "Glentoran", "Cliftonville", "Ulster"}},
	{name: "Ministry of Defence Police", short: "MDP", towns: []string{"Aldermaston", "Faslane", "Devonport"}, uk: true, rank: "MDP officer", tag: "#MDP"},
	{name: "Civil Nuclear Constabulary", short: "CNC", towns: []string{"Sellafield", "Dounreay", "Sizewell"}, uk: true, rank: "Authorised firearms officer", tag: "#CNC"},
	{name: "States of Jersey Police", short: "Jersey Police", towns: []string{"St Helier", "Jersey"}, uk: true, rank: "Police officer", tag: "#Jersey"},
	{name: "Isle of Man Constabulary", short: "IOM Constabulary", towns: []string{"Douglas", "Ramsey"}, uk: true, rank: "Constable", tag: "#IsleOfMan"},
	{name: "New York City Police Department", short: "NYPD", towns: []string{"Brooklyn", "Queens", "Harlem", "Staten Island"}, rank: "Police officer", tag: "#NYPD"},
	{name: "Los Angeles Police Department", short: "LAPD", towns: []string{"Los Angeles", "Van Nuys", "Hollywood"}, rank: "Police officer", tag: "#LAPD"},
	{name: "Harris County Sheriff's Office", short: "HCSO", towns: []string{"Houston, TX", "Harris County, TX"}, rank: "Deputy sheriff", tag: "#BackTheBlue"},
	{name: "Chicago Police Department", short: "CPD", towns: []string{"Chicago, IL"}, rank: "Patrol officer", tag: "#BlueLivesMatter"},
	{name: "Royal Canadian Mounted Police", short: "RCMP", towns: []string{"Surrey, BC", "Red Deer, AB", "Moncton, NB", "Kelowna, BC"}, rank: "Constable", tag: "#RCMP"},
	{name: "Toronto Police Service", short: "TPS", towns: []string{"Toronto, ON", "Scarborough, ON"}, rank: "Police constable", tag: "#TPS"},
	{name: "NSW Police Force", short: "NSW Police", towns: []string{"Sydney", "Newcastle, NSW", "Parramatta", "Wollongong"}, rank: "Senior constable", tag: "#NSWPolice"},
	{name: "Victoria Police", short: "Vic Pol", towns: []string{"Melbourne", "Geelong", "Ballarat"}, rank: "Leading senior constable", tag: "#VicPol"},
	{name: "New Zealand Police", short: "NZ Police", towns: []string{"Auckland", "Wellington", "Christchurch, NZ"}, rank: "Constable", tag: "#NZPolice"},
	{name: "An Garda Síochána", short: "Garda", towns: []string{"Dublin", "Cork", "Limerick", "Galway"}, rank: "Garda", tag: "#Garda"},
}
