"""Place names a claim can swap for one another: countries, US states and large cities, as written in English news.

Code that reads "Is Robinson visiting India?" against "Robinson is in Pakistan" must know that India and Pakistan
are the same kind of thing before it can say the articles name the one instead of the other; a capitalised word
alone does not say whether it is a place, a person or a company.
"""

from __future__ import annotations

COUNTRIES = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia", "Australia", "Austria",
    "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium", "Belize", "Benin", "Bhutan",
    "Bolivia", "Bosnia", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia",
    "Cameroon", "Canada", "Chad", "Chile", "China", "Colombia", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus",
    "Czech Republic", "Denmark", "Djibouti", "Dominican Republic", "Ecuador", "Egypt", "El Salvador", "England",
    "Eritrea", "Estonia", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "Gambia", "Georgia", "Germany", "Ghana",
    "Greece", "Guatemala", "Guinea", "Guyana", "Haiti", "Honduras", "Hong Kong", "Hungary", "Iceland", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Ivory Coast", "Jamaica", "Japan", "Jordan",
    "Kazakhstan", "Kenya", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia",
    "Libya", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta",
    "Mauritania", "Mauritius", "Mexico", "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique",
    "Myanmar", "Namibia", "Nepal", "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Korea",
    "Norway", "Oman", "Pakistan", "Palestine", "Panama", "Paraguay", "Peru", "Philippines", "Poland", "Portugal",
    "Qatar", "Romania", "Russia", "Rwanda", "Saudi Arabia", "Scotland", "Senegal", "Serbia", "Sierra Leone",
    "Singapore", "Slovakia", "Slovenia", "Somalia", "South Africa", "South Korea", "South Sudan", "Spain",
    "Sri Lanka", "Sudan", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand", "Togo",
    "Tunisia", "Turkey", "Turkmenistan", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom",
    "United States", "Uruguay", "Uzbekistan", "Venezuela", "Vietnam", "Wales", "Yemen", "Zambia", "Zimbabwe",
    "Gaza", "West Bank", "Crimea",
)
US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
    "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland",
    "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
    "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
    "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
)
CITIES = (
    "Abu Dhabi", "Amsterdam", "Ankara", "Athens", "Atlanta", "Baghdad", "Bangkok", "Barcelona", "Beijing", "Beirut",
    "Berlin", "Boston", "Brussels", "Budapest", "Buenos Aires", "Cairo", "Chicago", "Dallas", "Delhi", "Dhaka",
    "Doha", "Dubai", "Dublin", "Edinburgh", "Geneva", "Hanoi", "Havana", "Houston", "Islamabad", "Istanbul",
    "Jakarta", "Jerusalem", "Johannesburg", "Kabul", "Karachi", "Kyiv", "Kiev", "Lagos", "Lahore", "Las Vegas",
    "Lisbon", "London", "Los Angeles", "Madrid", "Manchester", "Manila", "Melbourne", "Mexico City", "Miami",
    "Milan", "Montreal", "Moscow", "Mumbai", "Munich", "Nairobi", "New Delhi", "Osaka", "Oslo", "Ottawa", "Paris",
    "Philadelphia", "Prague", "Riyadh", "Rome", "San Francisco", "Santiago", "Sao Paulo", "Seattle", "Seoul",
    "Shanghai", "Singapore", "Stockholm", "Sydney", "Taipei", "Tehran", "Tel Aviv", "Tokyo", "Toronto",
    "Vancouver", "Vienna", "Warsaw", "Washington", "Wellington", "Zurich",
)
PLACES = frozenset(name.lower() for name in (*COUNTRIES, *US_STATES, *CITIES))
# Short forms news writes for the same place or body; each side counts as the other when a claim is checked.
ALIASES = {
    "us": ("united states", "america", "u.s"), "usa": ("united states", "america"), "uk": ("united kingdom", "britain"),
    "britain": ("united kingdom", "uk"), "uae": ("united arab emirates",), "un": ("united nations",),
    "eu": ("european union",), "america": ("united states", "us"),
}
