"""Fixed name lists: fast, deterministic, and free of any real person's record. Prison
names are those of establishments in England and Wales, grouped by the estate they are
given here (the generator does not claim to model each one's real function)."""

from __future__ import annotations

MALE_FIRST_NAMES = (
    "Aaron", "Adam", "Adrian", "Ahmed", "Alan", "Alex", "Ali", "Andrew", "Anthony", "Ashley",
    "Ben", "Bilal", "Bradley", "Brandon", "Callum", "Carl", "Charlie", "Chris", "Connor", "Craig",
    "Daniel", "Darren", "David", "Dean", "Declan", "Dylan", "Ethan", "Gareth", "Gary", "George",
    "Harry", "Hassan", "Ian", "Imran", "Jack", "Jake", "James", "Jamie", "Jason", "Jordan",
    "Joseph", "Josh", "Kane", "Karl", "Keith", "Kevin", "Kieran", "Kyle", "Lee", "Leon",
    "Lewis", "Liam", "Luke", "Marcus", "Mark", "Martin", "Matthew", "Michael", "Mohammed", "Nathan",
    "Neil", "Nicholas", "Oliver", "Omar", "Owen", "Patrick", "Paul", "Peter", "Reece", "Rhys",
    "Richard", "Robert", "Ryan", "Sam", "Scott", "Sean", "Shane", "Simon", "Stephen", "Steven",
    "Stuart", "Terry", "Thomas", "Tom", "Tony", "Tyler", "Wayne", "William", "Yusuf", "Zak",
)

FEMALE_FIRST_NAMES = (
    "Abigail", "Amanda", "Amy", "Angela", "Anna", "Bethany", "Carly", "Caroline", "Charlotte",
    "Chelsea", "Chloe", "Claire", "Danielle", "Donna", "Elaine", "Emily", "Emma", "Fatima",
    "Gemma", "Hannah", "Hayley", "Helen", "Jade", "Jennifer", "Jessica", "Joanne", "Julie",
    "Karen", "Kate", "Katie", "Kelly", "Kerry", "Laura", "Lauren", "Leanne", "Lisa", "Louise",
    "Lucy", "Megan", "Michelle", "Natalie", "Nicola", "Rachel", "Rebecca", "Samantha", "Sarah",
    "Shannon", "Sophie", "Stacey", "Stephanie", "Susan", "Tracey", "Victoria", "Zoe",
)

LAST_NAMES = (
    "Adams", "Ahmed", "Ali", "Allen", "Anderson", "Atkinson", "Bailey", "Baker", "Barker", "Bell",
    "Bennett", "Brown", "Butler", "Campbell", "Carter", "Chapman", "Clark", "Clarke", "Collins",
    "Cook", "Cooper", "Cox", "Davies", "Davis", "Dixon", "Edwards", "Ellis", "Evans", "Fisher",
    "Foster", "Green", "Griffiths", "Hall", "Harris", "Harrison", "Hill", "Holmes", "Hughes",
    "Hussain", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kelly", "Khan", "King",
    "Knight", "Lee", "Lewis", "Lloyd", "Marshall", "Martin", "Mason", "Matthews", "Mitchell",
    "Moore", "Morgan", "Morris", "Murphy", "Murray", "O'Brien", "O'Connor", "Owen", "Palmer",
    "Parker", "Patel", "Phillips", "Powell", "Price", "Pritchard", "Reid", "Richards",
    "Richardson", "Roberts", "Robinson", "Rogers", "Russell", "Scott", "Shaw", "Simpson", "Smith",
    "Stevens", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White",
    "Wilkinson", "Williams", "Wilson", "Wood", "Wright", "Young",
)

# (name, country). Welsh establishments are marked; the rest are in England.
MALE_CLOSED_PRISONS = (
    ("Leeds", "england"), ("Cardiff", "wales"), ("Birmingham", "england"), ("Altcourse", "england"),
    ("Ashfield", "england"), ("Aylesbury", "england"), ("Bedford", "england"), ("Belmarsh", "england"),
    ("Berwyn", "wales"), ("Brinsford", "england"), ("Bristol", "england"), ("Brixton", "england"),
    ("Buckley Hall", "england"), ("Bullingdon", "england"), ("Bure", "england"),
    ("Channings Wood", "england"), ("Chelmsford", "england"), ("Coldingley", "england"),
    ("Dartmoor", "england"), ("Deerbolt", "england"), ("Doncaster", "england"), ("Dovegate", "england"),
    ("Durham", "england"), ("Elmley", "england"), ("Erlestoke", "england"), ("Exeter", "england"),
    ("Featherstone", "england"), ("Five Wells", "england"), ("Forest Bank", "england"),
    ("Fosse Way", "england"), ("Frankland", "england"), ("Full Sutton", "england"), ("Garth", "england"),
    ("Gartree", "england"), ("Glen Parva", "england"), ("Grendon", "england"), ("Guys Marsh", "england"),
    ("Haverigg", "england"), ("Hewell", "england"), ("High Down", "england"), ("Highpoint", "england"),
    ("Hindley", "england"), ("Hull", "england"), ("Humber", "england"), ("Huntercombe", "england"),
    ("Isis", "england"), ("Isle of Wight", "england"), ("Lancaster Farms", "england"),
    ("Leicester", "england"), ("Lewes", "england"), ("Lincoln", "england"), ("Lindholme", "england"),
    ("Littlehey", "england"), ("Liverpool", "england"), ("Long Lartin", "england"),
    ("Lowdham Grange", "england"), ("Maidstone", "england"), ("Manchester", "england"),
    ("Millsike", "england"), ("Moorland", "england"), ("Northumberland", "england"),
    ("Norwich", "england"), ("Nottingham", "england"), ("Oakwood", "england"), ("Onley", "england"),
    ("Parc", "wales"), ("Pentonville", "england"), ("Peterborough", "england"), ("Portland", "england"),
    ("Preston", "england"), ("Ranby", "england"), ("Risley", "england"), ("Rochester", "england"),
    ("Rye Hill", "england"), ("Stafford", "england"), ("Stocken", "england"), ("Stoke Heath", "england"),
    ("Swaleside", "england"), ("Swansea", "wales"), ("Swinfen Hall", "england"), ("Thameside", "england"),
    ("The Mount", "england"), ("The Verne", "england"), ("Usk", "wales"), ("Wakefield", "england"),
    ("Wandsworth", "england"), ("Warren Hill", "england"), ("Wayland", "england"),
    ("Wealstun", "england"), ("Whatton", "england"), ("Whitemoor", "england"), ("Winchester", "england"),
    ("Woodhill", "england"), ("Wormwood Scrubs", "england"), ("Wymott", "england"),
)

MALE_OPEN_PRISONS = (
    ("Ford", "england"), ("Prescoed", "wales"), ("Hatfield", "england"), ("Hollesley Bay", "england"),
    ("Kirkham", "england"), ("Kirklevington Grange", "england"), ("Leyhill", "england"),
    ("North Sea Camp", "england"), ("Standford Hill", "england"), ("Sudbury", "england"),
    ("Thorn Cross", "england"), ("Hewell Grange", "england"), ("Spring Hill", "england"),
    ("Blantyre House", "england"), ("Haslar", "england"),
)

FEMALE_PRISONS = (
    ("Styal", "england"), ("Askham Grange", "england"), ("Bronzefield", "england"),
    ("Downview", "england"), ("Drake Hall", "england"), ("East Sutton Park", "england"),
    ("Eastwood Park", "england"), ("Foston Hall", "england"), ("Low Newton", "england"),
    ("New Hall", "england"), ("Send", "england"), ("Peterborough Women's", "england"),
)

YOUTH_CUSTODY_PRISONS = (
    ("Feltham", "england"), ("Werrington", "england"), ("Wetherby", "england"),
    ("Cookham Wood", "england"), ("Oasis Medway", "england"), ("Keppel", "england"),
    ("Parc Young People's", "wales"),
)

# For more prisons than the lists above hold: plausible English market towns.
SPARE_PLACE_NAMES = (
    "Ashby Moor", "Bramley Vale", "Castleford Heath", "Dunmore", "Eastbrook", "Fairholme",
    "Greystone", "Hartfield", "Ironbridge Fields", "Kingsmead", "Langdale", "Marsh Barton",
    "Northgate", "Oakhurst", "Penrose", "Queensbury", "Ravenscar", "Southmoor", "Thornbury",
    "Upton Hill", "Wetherden", "Yarnfield", "Aldermoor", "Broadwater", "Coldharbour",
    "Deepdale", "Elmstead", "Foxley", "Glebe Farm", "Highcroft",
)
