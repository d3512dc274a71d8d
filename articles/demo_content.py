"""The demo site's prose: sections, stories, paragraphs, pages and the newsroom.

Data only; `articles/demo.py` and `accounts/demo.py` load it. Everything here is
written for this project. Paragraphs name their subject through placeholders
({topic}, {Topic}, {place}, {person}, {other}, {role}, {number}, {month}) so one
text serves many stories; typographic quotes throughout.
"""

SITE_NAME = "Digest"
TAGLINE = "Daily Digest"
ABOUT = (
    "Digest is an independent daily news digest covering the economy, energy, "
    "climate, culture and the region’s people. Our editors select, check and "
    "explain the stories that matter, every day."
)

# The newsroom: username, display name, bio. Writers have the Author role.
WRITERS = [
    (
        "leyla",
        "Leyla Hasanova",
        "Leyla covers energy and the climate talks. Before Digest she spent eight "
        "years on the business desk of a regional daily and still reads tariff "
        "tables for fun.",
    ),
    (
        "murad",
        "Murad Aliyev",
        "Murad writes about transport, trade and the ports of the Caspian. He has "
        "ridden most of the region’s railways, some of them twice.",
    ),
    (
        "sevda",
        "Sevda Karimova",
        "Sevda reports on culture, history and the diaspora. She studied "
        "archaeology and keeps a list of every caravanserai she has visited.",
    ),
    (
        "tural",
        "Tural Mammadov",
        "Tural is Digest’s science and environment correspondent. He trained as a "
        "hydrologist and explains data for a living.",
    ),
]
EDITOR_BIO = (
    "Elena edits the front page and the Opinion section. She has worked in "
    "newsrooms in three countries and believes every story deserves a second read."
)
AUTHOR_BIO = (
    "Arif writes about the economy and small business, and answers readers’ "
    "questions about the numbers in a weekly column."
)

# slug, name, parent slug, highlighted, colour, description
CATEGORIES = [
    (
        "cop29",
        "COP29",
        None,
        True,
        (18, 120, 90),
        "The climate summit in Baku: the negotiations, the money and the people "
        "trying to hold the world to its promises.",
    ),
    (
        "opinion",
        "Opinion",
        None,
        False,
        (120, 60, 140),
        "Arguments from our writers and guests, clearly marked and open to reply.",
    ),
    (
        "news",
        "News",
        None,
        False,
        (30, 70, 140),
        "What happened today across the country and the region, checked and explained.",
    ),
    (
        "economy",
        "Economy",
        "news",
        False,
        (180, 120, 20),
        "Rates, prices, trade and jobs: the economy as households and small "
        "firms feel it.",
    ),
    (
        "energy",
        "Energy",
        "news",
        False,
        (200, 80, 30),
        "Oil, gas, sun and wind: who produces the region’s power, who buys it, "
        "and what it costs.",
    ),
    (
        "climate-and-ecology",
        "Climate and Ecology",
        "news",
        False,
        (40, 140, 60),
        "Rivers, forests, wildlife and the air we breathe, reported with the data "
        "behind them.",
    ),
    (
        "culture",
        "Culture",
        None,
        False,
        (160, 40, 90),
        "Music, books, museums and the people who keep old crafts alive.",
    ),
    (
        "diaspora",
        "Diaspora",
        None,
        False,
        (60, 110, 170),
        "Life in communities abroad and the ties that bring people home.",
    ),
    (
        "interview",
        "Interview",
        None,
        False,
        (90, 90, 90),
        "Long conversations with people who build, study and make things.",
    ),
    (
        "science",
        "Science",
        None,
        False,
        (20, 130, 160),
        "Research from the region’s labs and observatories, explained without "
        "the jargon.",
    ),
    (
        "logistics-transport",
        "Logistics-Transport",
        None,
        False,
        (110, 80, 40),
        "Ports, railways, roads and the goods that move along them.",
    ),
    (
        "gender",
        "Gender",
        None,
        False,
        (190, 70, 120),
        "Work, pay, education and the changing roles of women and men.",
    ),
    (
        "history",
        "History",
        None,
        False,
        (130, 100, 60),
        "Archives, excavations and restorations: the past as it is being rediscovered.",
    ),
    (
        "defense",
        "Defense",
        None,
        False,
        (70, 80, 50),
        "Security, demining and emergency services, and the people who do the work.",
    ),
    (
        "karabakh",
        "Karabakh",
        None,
        False,
        (150, 50, 40),
        "Reconstruction and return: villages, roads, schools and orchards coming "
        "back to life.",
    ),
]

# Per section: (title, lead, topic noun phrase, tags)
STORIES = {
    "cop29": [
        (
            "Negotiators close in on a new climate finance goal",
            "After two weeks of late nights, delegates have a draft figure on the "
            "table. Poorer countries say it is still too low.",
            "the finance goal",
            ["climate finance", "negotiations", "UN"],
        ),
        (
            "Host city prepares transport plan for summit delegates",
            "Extra buses, closed lanes and a shuttle from the airport: how Baku "
            "plans to move fifty thousand visitors without gridlock.",
            "the summit transport plan",
            ["Baku", "transport", "summit"],
        ),
        (
            "Small island states press for faster adaptation funding",
            "For countries a metre above the sea, money that arrives in ten years "
            "arrives too late, their envoys told the plenary.",
            "adaptation funding",
            ["adaptation", "islands", "climate finance"],
        ),
        (
            "Youth pavilion opens with a week of public debates",
            "Students from forty countries will argue about energy, jobs and "
            "fairness, and the organisers promise the ministers will listen.",
            "the youth pavilion",
            ["youth", "summit", "civil society"],
        ),
        (
            "Carbon market rules move a step closer to agreement",
            "A compromise on how credits are counted could unlock trading that has "
            "been stuck since Glasgow.",
            "the carbon market rules",
            ["carbon markets", "negotiations", "Article 6"],
        ),
    ],
    "opinion": [
        (
            "Why regional rail deserves a second look",
            "Trains that stop in small towns were written off as a luxury. The "
            "numbers now say otherwise.",
            "regional rail",
            ["rail", "policy", "infrastructure"],
        ),
        (
            "The quiet case for public libraries",
            "They lend more than books: warmth in winter, a desk for homework and "
            "the last free room in town.",
            "public libraries",
            ["libraries", "education", "culture"],
        ),
        (
            "What small businesses need from the next budget",
            "Not grand promises, but faster refunds, simpler forms and a tax office "
            "that answers the phone.",
            "the next budget",
            ["budget", "small business", "economy"],
        ),
        (
            "Cities should plant shade before they pour concrete",
            "A tree costs less than an air conditioner and works for fifty years. "
            "Our streets should be designed around that fact.",
            "urban shade",
            ["cities", "heat", "climate"],
        ),
        (
            "Slow news is still good news",
            "The race to be first has made us worse at being right. Readers deserve "
            "the second draft.",
            "slow journalism",
            ["media", "journalism", "reading"],
        ),
    ],
    "news": [
        (
            "Parliament approves a revised water management law",
            "Farmers will pay by the cubic metre and cities must publish their "
            "losses each year under rules passed on Tuesday.",
            "the water law",
            ["parliament", "water", "law"],
        ),
        (
            "New ferry line links two Caspian ports",
            "The first crossing carried forty trucks and a handful of passengers; "
            "the operator hopes for three sailings a week by spring.",
            "the ferry line",
            ["Caspian", "ferries", "ports"],
        ),
        (
            "Census results show growth in mid-sized towns",
            "The capital still grows, but the fastest gains came from towns of "
            "fifty to a hundred thousand people.",
            "the census results",
            ["census", "population", "towns"],
        ),
        (
            "Regional airports report record autumn traffic",
            "New routes and cheaper fares brought more travellers than in any "
            "autumn on record, and terminals are feeling the strain.",
            "autumn air traffic",
            ["aviation", "tourism", "airports"],
        ),
    ],
    "economy": [
        (
            "Central bank holds its key rate for a third month",
            "Inflation has eased but not enough, the governor said, and borrowers "
            "should not expect cuts before the new year.",
            "the key rate",
            ["central bank", "inflation", "rates"],
        ),
        (
            "Exporters look east as new trade corridors open",
            "Fruit growers and textile makers are testing routes to Central Asia "
            "that were too slow to bother with five years ago.",
            "the trade corridors",
            ["trade", "exports", "Middle Corridor"],
        ),
        (
            "Non-oil sector grows faster than forecast",
            "Construction, tourism and farming pushed growth outside oil and gas "
            "above four percent in the third quarter.",
            "non-oil growth",
            ["GDP", "non-oil sector", "growth"],
        ),
        (
            "Start-up fund backs twenty young companies",
            "A delivery app, a soil sensor and a language tutor are among the first "
            "firms to win support from the public fund.",
            "the start-up fund",
            ["start-ups", "investment", "technology"],
        ),
        (
            "Farm cooperatives try shared cold storage",
            "By pooling their harvests, small growers hope to sell in winter, when "
            "prices are higher, instead of at the farm gate in autumn.",
            "shared cold storage",
            ["agriculture", "cooperatives", "food"],
        ),
    ],
    "energy": [
        (
            "Solar plant in the south reaches full capacity",
            "Its panels now cover an area the size of two hundred football pitches "
            "and supply power to about a hundred thousand homes.",
            "the solar plant",
            ["solar", "renewables", "power"],
        ),
        (
            "Offshore wind survey maps the shallow shelf",
            "Engineers spent the summer measuring winds and seabed off the coast. "
            "Their first map shows where turbines could stand.",
            "the offshore wind survey",
            ["wind", "offshore", "renewables"],
        ),
        (
            "Grid operator plans a new link to its neighbours",
            "A high-voltage line would let the country sell surplus power at night "
            "and buy it back when demand peaks.",
            "the grid link",
            ["electricity", "grid", "interconnector"],
        ),
        (
            "Gas exports to Europe hold steady through the autumn",
            "Volumes through the southern pipeline matched last year’s, and buyers "
            "are asking about long-term contracts again.",
            "gas exports",
            ["gas", "Europe", "pipelines"],
        ),
    ],
    "climate-and-ecology": [
        (
            "Caspian seal count finds a fragile recovery",
            "Aerial surveys counted more pups on the ice this winter, but scientists "
            "warn that falling sea levels threaten their breeding grounds.",
            "the seal count",
            ["Caspian", "wildlife", "biodiversity"],
        ),
        (
            "Volunteers replant a thousand hectares of forest",
            "Schoolchildren, pensioners and office workers spent their weekends "
            "planting oak and hornbeam on slopes cleared decades ago.",
            "the replanting drive",
            ["forests", "volunteers", "restoration"],
        ),
        (
            "River levels fall as a dry summer ends",
            "Gauges on the Kura recorded their lowest September readings in a "
            "decade, and irrigation schedules have been cut.",
            "the river levels",
            ["drought", "rivers", "water"],
        ),
        (
            "City air monitors go online in twelve districts",
            "Residents can now check hourly readings for dust and nitrogen dioxide "
            "on a public map, street by street.",
            "the air monitors",
            ["air quality", "cities", "health"],
        ),
        (
            "Wetland reserve doubles its protected area",
            "The extension covers the lakes where flamingos and pelicans stop on "
            "their way south each autumn.",
            "the wetland reserve",
            ["wetlands", "birds", "conservation"],
        ),
    ],
    "culture": [
        (
            "Carpet museum opens a hall of village weaving",
            "Rugs made for dowries and everyday use, not for palaces, are the stars "
            "of a new permanent exhibition.",
            "the weaving hall",
            ["carpets", "museums", "heritage"],
        ),
        (
            "Jazz festival returns with musicians from twenty countries",
            "Ten nights, six stages and a late-night jam session that the "
            "organisers say will end only when the last player stops.",
            "the jazz festival",
            ["jazz", "music", "festivals"],
        ),
        (
            "Old town bookshops band together for a reading week",
            "Seven independent shops will host readings, swaps and a night walk "
            "past the houses where writers once lived.",
            "the reading week",
            ["books", "reading", "old town"],
        ),
        (
            "A new generation of mugham singers takes the stage",
            "Young performers trained by the old masters are bringing the modal "
            "tradition to clubs and concert halls alike.",
            "mugham singing",
            ["mugham", "music", "heritage"],
        ),
    ],
    "diaspora": [
        (
            "Community schools abroad teach the language on weekends",
            "From Berlin to Toronto, parents run Saturday classes so their children "
            "can talk to their grandparents.",
            "weekend language schools",
            ["language", "education", "diaspora"],
        ),
        (
            "Returning graduates bring skills home",
            "Doctors, engineers and coders who studied abroad are coming back in "
            "larger numbers, drawn by jobs and family.",
            "returning graduates",
            ["graduates", "careers", "diaspora"],
        ),
        (
            "A cultural centre opens in a European capital",
            "A library, a concert room and a kitchen: the new centre wants to be a "
            "second living room for the community.",
            "the cultural centre",
            ["culture", "Europe", "diaspora"],
        ),
        (
            "Diaspora investors look at regional tourism",
            "Guesthouses in mountain villages are attracting money from families "
            "who left a generation ago.",
            "diaspora investment",
            ["investment", "tourism", "diaspora"],
        ),
    ],
    "interview": [
        (
            "An engineer on building bridges in mountain valleys",
            "Floods, landslides and winter ice: a structural engineer explains how "
            "she designs crossings that last.",
            "mountain bridges",
            ["engineering", "infrastructure", "interview"],
        ),
        (
            "A marine biologist on what the Caspian tells us",
            "Thirty years of samples show a sea in change. The scientist who took "
            "many of them talks about what she has learned.",
            "Caspian research",
            ["Caspian", "science", "interview"],
        ),
        (
            "A film director on telling local stories",
            "His latest film was shot in one village with a cast of neighbours. He "
            "explains why small stories travel far.",
            "local film",
            ["film", "culture", "interview"],
        ),
        (
            "A trade economist on the corridor decade",
            "Will new routes between China and Europe change the region’s economy, "
            "or only its traffic? An economist weighs in.",
            "the corridor decade",
            ["trade", "economy", "interview"],
        ),
    ],
    "science": [
        (
            "Observatory team records a rare meteor shower",
            "Cameras in the mountains caught more than three hundred meteors in one "
            "night from a stream seen only every few decades.",
            "the meteor shower",
            ["astronomy", "observatory", "space"],
        ),
        (
            "University lab tests drought-tolerant wheat",
            "Test plots that received half the usual water still gave most of the "
            "usual harvest, early results suggest.",
            "drought-tolerant wheat",
            ["agriculture", "research", "drought"],
        ),
        (
            "Seismologists upgrade the national sensor network",
            "Sixty new stations will halve the time it takes to locate an "
            "earthquake and warn the towns nearby.",
            "the sensor network",
            ["earthquakes", "seismology", "research"],
        ),
        (
            "Students build a satellite the size of a shoebox",
            "After three years of evenings in the lab, a student team has a launch "
            "date for its first spacecraft.",
            "the student satellite",
            ["space", "students", "technology"],
        ),
    ],
    "logistics-transport": [
        (
            "Container volumes rise at the new sea port",
            "Box traffic grew by a quarter this year, and the port is adding cranes "
            "to keep ships from waiting offshore.",
            "container volumes",
            ["ports", "shipping", "logistics"],
        ),
        (
            "Railway upgrade cuts freight times to the border",
            "New track and signals mean a freight train now crosses the country in "
            "a day instead of three.",
            "the railway upgrade",
            ["rail", "freight", "Middle Corridor"],
        ),
        (
            "Electric buses join the capital’s busiest routes",
            "Forty quiet buses entered service this week; drivers say the hardest "
            "part was learning to brake gently.",
            "electric buses",
            ["buses", "electric vehicles", "cities"],
        ),
        (
            "Truck drivers welcome a faster customs lane",
            "Pre-filed papers and a separate lane have cut the wait at the busiest "
            "crossing from a day to a few hours.",
            "the customs lane",
            ["customs", "trucks", "trade"],
        ),
    ],
    "gender": [
        (
            "More women enter engineering degree programmes",
            "One in three new engineering students is a woman, twice the share of a "
            "decade ago, university figures show.",
            "women in engineering",
            ["education", "engineering", "women"],
        ),
        (
            "Rural women’s cooperatives find new markets online",
            "Jams, herbs and woollen socks from village cooperatives now sell to "
            "buyers in the capital and abroad.",
            "rural cooperatives",
            ["cooperatives", "rural", "women"],
        ),
        (
            "Report maps the pay gap across industries",
            "The gap is smallest in teaching and widest in finance, and it grows "
            "with every year of a career.",
            "the pay gap",
            ["pay gap", "work", "women"],
        ),
        (
            "Mentoring network pairs founders with executives",
            "A hundred women starting businesses will meet monthly with managers "
            "who have done it before.",
            "the mentoring network",
            ["mentoring", "business", "women"],
        ),
    ],
    "history": [
        (
            "Excavation reveals a medieval caravanserai",
            "Archaeologists uncovered stables, a well and rooms for travellers at a "
            "site on the old road between two trading towns.",
            "the caravanserai",
            ["archaeology", "Silk Road", "heritage"],
        ),
        (
            "Archive letters shed light on early oil workers",
            "Hundreds of letters home, written a century ago, describe the "
            "oilfields as the workers saw them.",
            "the archive letters",
            ["oil", "archives", "heritage"],
        ),
        (
            "Restorers bring a century-old theatre back to life",
            "Painted ceilings, velvet seats and a stage machine from 1911 have been "
            "repaired by hand over four years.",
            "the theatre restoration",
            ["theatre", "architecture", "heritage"],
        ),
        (
            "A map collection travels from private hands to the library",
            "Three hundred maps gathered by one family over four generations will "
            "be scanned and opened to the public.",
            "the map collection",
            ["maps", "libraries", "archives"],
        ),
    ],
    "defense": [
        (
            "Demining teams clear another stretch of farmland",
            "Fields that lay empty for thirty years can be ploughed again after "
            "teams removed more than two thousand devices.",
            "the demining work",
            ["demining", "farmland", "safety"],
        ),
        (
            "Cadet academy opens its doors to visitors",
            "Families toured the classrooms and the parade ground, and asked what a "
            "cadet’s day really looks like.",
            "the cadet academy",
            ["education", "cadets", "open day"],
        ),
        (
            "Regional security forum meets in the capital",
            "Ministers and officials from eight countries discussed borders, "
            "energy routes and cooperation on disasters.",
            "the security forum",
            ["security", "diplomacy", "forum"],
        ),
        (
            "Search and rescue drill tests mountain teams",
            "A simulated avalanche kept volunteers and professionals busy for two "
            "days in snow up to their waists.",
            "the rescue drill",
            ["rescue", "mountains", "emergency services"],
        ),
    ],
    "karabakh": [
        (
            "Families return to a rebuilt village",
            "Forty houses, a clinic and a shop are ready, and the first families "
            "have moved in with their furniture and their memories.",
            "the rebuilt village",
            ["reconstruction", "villages", "return"],
        ),
        (
            "New road shortens the trip to the highlands",
            "A drive that took five hours on mountain tracks now takes two on a new "
            "road with tunnels and bridges.",
            "the highland road",
            ["roads", "reconstruction", "transport"],
        ),
        (
            "Orchards are replanted on cleared land",
            "Pomegranate, quince and walnut saplings went into the ground this "
            "autumn on farms cleared of mines last year.",
            "the orchards",
            ["agriculture", "reconstruction", "farming"],
        ),
        (
            "A school rings its first bell in thirty years",
            "Sixty pupils started lessons in a building that stood empty for a "
            "generation, with new desks and old songs.",
            "the school",
            ["education", "schools", "return"],
        ),
    ],
}
# Added to every fourth story, so one tag has enough articles to paginate.
SERIES_TAG = "explainer"

PLACES = [
    "Baku",
    "Ganja",
    "Sumgait",
    "Lankaran",
    "Sheki",
    "Shusha",
    "Nakhchivan",
    "Quba",
]
PEOPLE = [
    "Nigar Huseynova",
    "Rashad Guliyev",
    "Aysel Ismayilova",
    "Kamran Babayev",
    "Gunay Safarova",
    "Elchin Rzayev",
    "Lala Mammadli",
    "Farid Jafarov",
]
ROLES = [
    "a local official",
    "a project manager",
    "a researcher",
    "an economist",
    "a resident",
    "a teacher",
    "an engineer",
    "a shop owner",
]
MONTHS = ["March", "April", "May", "June", "September", "October"]

# News paragraphs, about 60 words each: a body of n of them reads in about n/3
# minutes (200 words a minute), so 6 to 28 give the two-to-nine-minute range.
PARAGRAPHS = [
    "Work on {topic} began earlier this year in {place}, and the people involved "
    "say the first results are already visible. Progress has been steady rather "
    "than dramatic, which many see as a good sign. “We wanted to do this "
    "carefully, step by step,” said {person}, {role}. “Nobody expects every "
    "problem to be solved at once, but the direction is clear, and people can "
    "see it for themselves.”",
    "According to figures published last month, {topic} now involves around "
    "{number} people directly, with many more affected indirectly through "
    "suppliers, families and local services. The figures are expected to grow "
    "over the coming year, though officials caution that early estimates are "
    "often revised. A fuller count is due in {month}, when the first annual "
    "report is published and independent auditors have checked the numbers.",
    "Not everyone is convinced. Critics point out that similar plans have "
    "stalled before, sometimes after years of announcements and very little "
    "change on the ground. They want regular public reports on spending and "
    "timelines before offering their support. “Good intentions are not a "
    "budget,” said {other}, who has followed the issue for years. “Show us the "
    "schedule, and then show us that it is being kept.”",
    "Supporters answer that the conditions are different this time. Funding has "
    "been set aside in advance rather than promised, and the work is split into "
    "smaller stages that can be checked one at a time. If one stage slips, they "
    "argue, the others need not slip with it, and the public will know exactly "
    "where the delay is and who is responsible for fixing it.",
    "In {place}, the mood is cautiously optimistic. Shop owners, teachers and "
    "drivers interviewed for this article described {topic} as something they "
    "talk about at home, not only something they read about. Several said they "
    "had changed their plans because of it: one family postponed a move, a "
    "baker hired a second assistant, and a retired engineer volunteered to "
    "explain the technical details at a neighbourhood meeting.",
    "The next milestone is due in {month}, when an independent review will look "
    "at what has worked and what has not. Its findings will be made public, "
    "along with the data behind them, so that anyone can check the conclusions. "
    "Reviewers have asked for access to the original records rather than "
    "summaries, a request that officials say they will grant in full.",
    "Experts note that {topic} is connected to wider changes in the region: new "
    "transport links, a younger workforce and a growing interest in long-term "
    "planning rather than quick fixes. “Ten years ago, this would have been a "
    "purely local story,” said {person}. “Now it is part of a bigger picture, "
    "and decisions made here are watched by people in three or four "
    "neighbouring countries.”",
    "“The most important thing is to listen to the people who live with the "
    "results,” {person} added. “Their questions are usually the right ones. "
    "They ask who will maintain it, who will pay when something breaks, and "
    "what happens if the money runs out. If we cannot answer those questions "
    "plainly, we have not finished our work, however good the plans look on "
    "paper.”",
    "Similar efforts elsewhere offer mixed lessons. Where local communities were "
    "involved from the start, projects tended to finish on time and stay within "
    "their budgets; where they were not, delays and disputes followed, "
    "sometimes for years. Researchers who compared a dozen cases found that the "
    "single best predictor of success was whether residents had been asked "
    "before the first contract was signed.",
    "For now, the practical questions dominate: who pays for maintenance, how "
    "the work will be measured, and how quickly problems will be reported and "
    "fixed. A draft agreement circulated last week answers some of them. It "
    "sets out a monthly report, a public telephone line for complaints and a "
    "fund for repairs, but it leaves the question of long-term ownership open.",
    "The costs are not small. The current estimate for {topic} is roughly "
    "{number} thousand manats over five years, about a third of which has "
    "already been committed. Officials say the rest will come from a mix of "
    "public money, loans from development banks and fees paid by those who "
    "benefit most. Opposition members have asked for the loan terms to be "
    "published before any agreement is signed.",
    "A visit to the site shows how much has changed in a short time. Where "
    "there was an empty lot in spring, there are now offices, storage sheds and "
    "a car park full of workers’ cars. Trucks arrive every few minutes. A "
    "painted board at the gate lists the stages of the work, and someone has "
    "ticked off the first two in thick black marker.",
    "Some of the most useful work is also the least visible. Before anything "
    "could be built, surveyors spent weeks measuring, lawyers checked hundreds "
    "of property records and engineers tested the soil. “People see the "
    "finished thing and think it appeared overnight,” said {other}, {role}. "
    "“It is the boring months at the beginning that decide whether it works.”",
    "Residents have their own ideas about what should come next. At a public "
    "meeting in {place} last month, more than a hundred people filled a school "
    "hall to ask questions. Many wanted better information; a few wanted the "
    "project stopped altogether. The organisers promised to hold a meeting "
    "every quarter and to publish the questions, and their answers, online.",
    "The timing matters as well. Winter makes outdoor work slower and more "
    "expensive, so planners have tried to finish the heaviest tasks before the "
    "first frost. If the schedule holds, the next phase can begin in {month}. "
    "If it slips, the whole calendar moves back by several months, and the "
    "cost of keeping crews and machines on standby rises quickly.",
    "There are also questions of skill. Several firms say they struggle to find "
    "qualified technicians, and some have started training their own. A "
    "vocational college in {place} has added an evening course, which filled "
    "within a week. “We could have taken twice as many students,” said its "
    "director. “The demand is there. What we need now are more teachers.”",
    "For young people in particular, {topic} has become a reason to stay. In "
    "conversations across {place}, students and recent graduates said that for "
    "the first time they could imagine a career close to home. “My older "
    "brother had to leave to find work,” said a nineteen-year-old who asked "
    "not to be named. “I would like to be the one who does not have to.”",
    "Data collected by independent groups broadly confirms the official picture, "
    "with a few exceptions. Their figures suggest that progress has been faster "
    "in the larger towns and slower in villages, where roads are worse and "
    "fewer contractors are willing to work. The groups have asked for a "
    "separate plan for rural areas, and officials have said they will consider "
    "it.",
    "Money aside, many of those involved say trust is the scarcest resource. "
    "Past projects left behind half-finished buildings and unpaid suppliers, and "
    "memories are long. “Every promise we make is measured against the last one "
    "that was broken,” said {person}. “The only answer is to do what we said, "
    "when we said, and to admit it quickly when we cannot.”",
    "Neighbouring countries are watching closely. Delegations from two of them "
    "visited in recent months to study the approach, and a regional conference "
    "on {topic} is planned for next year. If the model works, officials say, it "
    "could be copied across the region, with shared training, shared suppliers "
    "and, eventually, shared standards for how such work is planned and "
    "checked.",
    "Environmental groups have raised their own concerns, mostly about water "
    "and waste. The operators have published an assessment and agreed to "
    "monitor the nearest river every month. “We are not against it,” said "
    "{other}, who works with a local conservation group. “We want to be sure "
    "that the fish and the farmers downstream are still there in ten years.”",
    "Behind the figures are ordinary routines that have quietly changed. Buses "
    "now run earlier in the morning to match new shift times. A café near the "
    "main gate opens at six. The local clinic has extended its hours. None of "
    "this was in the original plan, residents point out; it happened because "
    "people adjusted, as people usually do.",
    "Officials insist that openness is part of the design. Contracts above a "
    "modest threshold are published online, and a monthly dashboard shows "
    "spending against the budget. Journalists and researchers have already "
    "used it to ask pointed questions, and in at least one case a contract was "
    "re-tendered after a reporter noticed that only one company had bid.",
    "Readers who want to follow {topic} closely can expect further updates as "
    "new data is released. We will return to the story when the independent "
    "review is published in {month}, and we would like to hear from anyone "
    "whose work or daily life has been affected. Letters can be sent to the "
    "editors through the contact address at the foot of this page.",
    "Looking back over the year, those closest to the work describe it as "
    "slower than they hoped and faster than they feared. “We made mistakes, and "
    "we will make more,” said {person}. “But we have learned to catch them "
    "early. That may not sound like much, but in my experience it is the "
    "difference between a project that finishes and one that does not.”",
    "Lawyers, too, have found plenty to study. The rules that govern {topic} "
    "were written for a different era, and several clauses contradict one "
    "another. A working group of judges, officials and academics has been asked "
    "to propose amendments by {month}. Its chair said the aim was not to add new "
    "rules but to make the existing ones clear enough that a citizen could read "
    "them and know where they stand.",
    "Among those watching most closely are the suppliers, many of them small "
    "family firms. For a workshop with a dozen employees, a single order can "
    "decide the year. “We were paid on time, which is not something I could say "
    "about every customer,” said the owner of one such firm in {place}. “If "
    "that continues, we will hire. If it does not, we will be the first to "
    "notice.”",
    "The wider economy may yet shape what happens next. Higher interest rates "
    "have made borrowing more expensive, and the price of steel and cement has "
    "risen since the budget was drawn up. Planners say they built a reserve "
    "into the estimate for exactly this reason, but they admit that a second "
    "year of rising prices would force difficult choices about scope.",
]

# Opinion paragraphs, written in the first person.
OPINION_PARAGRAPHS = [
    "It is easy to dismiss {topic} as a niche concern, something for specialists "
    "and enthusiasts. I think that would be a mistake, and the reasons are more "
    "practical than they first appear. They have to do with money, with time "
    "and with the kind of towns we want our children to grow up in.",
    "Consider what happens when we ignore it: costs grow quietly, choices "
    "narrow, and by the time the problem is obvious the cheap solutions are "
    "gone. I have watched this happen more than once, in more than one place. "
    "Each time, the people who paid the price were the ones with the least say "
    "in the decision.",
    "None of this requires grand gestures. It requires patience, honest numbers "
    "and a willingness to admit when a plan is not working. That is harder than "
    "it sounds. Politicians like ribbons to cut; officials like reports that "
    "say everything is on track. Neither habit helps.",
    "The argument against is usually about money. But the money is already "
    "being spent; the question is whether it is spent on prevention or on "
    "repair. Every study I have read says prevention is cheaper, often by a "
    "wide margin. We keep choosing repair because its bills arrive later.",
    "If there is one thing to take from the last decade, it is that small, "
    "steady improvements add up faster than we expect. A little more each year, "
    "kept up for ten years, changes a city. A big programme abandoned after two "
    "years changes nothing except the public’s patience.",
    "I am not asking anyone to agree with every detail. I am asking for a "
    "serious conversation, with the figures on the table and the people "
    "affected in the room. That conversation has not happened yet. It should "
    "happen before the next budget, not after it.",
    "Some readers will say that I am too optimistic. Perhaps. But I have spent "
    "enough time in {place} to know what is possible when people are given a "
    "reason to believe that their effort will count. The evidence is in the "
    "streets, the schools and the markets, for anyone who cares to look.",
    "So here is a modest proposal. Let us measure what {topic} costs us today, "
    "publish the figure, and check it again in a year. If nothing has changed, "
    "I will happily admit I was wrong. If something has, let us have the "
    "courage to keep going.",
]

HEADINGS = [
    "What has changed",
    "What comes next",
    "The wider picture",
    "Why it matters",
    "The costs",
    "What residents say",
    "Lessons from elsewhere",
    "The open questions",
]

# slug, title, shown in the footer, paragraphs (an "<h2>…" entry is a heading)
PAGES = [
    (
        "privacy-policy",
        "Privacy Policy",
        True,
        [
            "This policy explains what personal data Digest collects when you read or "
            "sign in to the site, why we collect it and how long we keep it.",
            "<h2>What we collect</h2>",
            "When you create an account we store your username, email address and the "
            "articles you save or read. We keep server logs for security for up to "
            "thirty days.",
            "<h2>Your choices</h2>",
            "You may download or delete your account data at any time from your "
            "profile, or write to editor@digest.example.",
        ],
    ),
    (
        "terms-and-conditions",
        "Terms and Conditions",
        True,
        [
            "By using Digest you agree to these terms. Please read them carefully.",
            "<h2>Use of content</h2>",
            "Articles are published for personal, non-commercial reading. You may "
            "quote short passages with a link to the original article.",
            "<h2>Accounts</h2>",
            "Keep your password safe. We may suspend accounts that abuse the service "
            "or other readers.",
        ],
    ),
    (
        "cookies-policy",
        "Cookies Policy",
        True,
        [
            "Digest uses a small number of cookies to keep you signed in, remember "
            "your cookie choice and protect forms against forgery.",
            "<h2>No advertising cookies</h2>",
            "We do not use advertising or third-party tracking cookies.",
        ],
    ),
    (
        "who-we-are",
        "Who we are",
        False,
        [
            "Digest is a small newsroom of editors and writers who believe that a "
            "daily summary of careful reporting is worth more than a constant stream "
            "of alerts.",
            "<h2>Our principles</h2>",
            "We check before we publish, we correct openly, and we separate news "
            "from opinion.",
        ],
    ),
]

LINKS = [
    ("State Statistics Committee", "https://stat.example/", (30, 90, 150)),
    ("Open Data Portal", "https://opendata.example/", (40, 130, 80)),
    ("Weather Service", "https://weather.example/", (200, 120, 20)),
    ("National Library", "https://library.example/", (120, 60, 140)),
]
