"""Generate a realistic raw news inbox of N articles for scale benchmarks, deterministic from a seed.

    python bench/corpus.py --articles 10000 --seed 1 --out /tmp/bench-project

writes `/tmp/bench-project/content/inbox/`: scraped `.txt` files with `.meta.yaml` sidecars (about
85% of the articles), saved `.html` pages (about 10%) and RSS/Atom feed files of 20-50 entries
(about 5%). The articles report invented events, each with its own cast (people, an organisation,
places, numbers) on one of 15 news beats, from about 60 invented outlets whose boilerplate
(cookie notices, "Advertisement", related links, credits, footers) repeats across their pages.
Event sizes are heavy-tailed (most 1-3 reports, a few 20-30), spread over 2025; about 3% of the
articles are syndicated copies and about 5% carry their date only in the text.

The same article count and seed give byte-identical files; file times are set from the articles'
dates, never from the clock. Another bench script can add "one more article":

    sys.path.insert(0, "bench")
    import corpus
    name, text, sidecar = corpus.one_article(seed=1, index=10_000)

The layout of events does not depend on N, so article N continues a corpus of N articles: it is a
further report of the corpus's last event or the first report of a new one.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import math
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import TypeVar

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
FEED_SHARE = 0.05
HTML_SHARE = 0.10
DATELESS_SHARE = 0.05
HTML_SIDECAR_SHARE = 0.2
# About 55% of articles are follow-up reports of an event; this share of them gives ~3% copies.
COPY_SHARE_OF_FOLLOWUPS = 0.055
MEDIAN_WORDS, WORDS_SIGMA, MIN_WORDS, MAX_WORDS = 600, 0.55, 150, 1500
FEED_ENTRIES = (20, 50)
SIDECAR_SUFFIX = ".meta.yaml"
RELATED_HEADLINES = 2000

# P(size = k) proportional to 1/k^2: ~62% of events are single reports, ~1% have 20-30.
EVENT_SIZES = tuple(range(1, 31))
EVENT_SIZE_CUM = tuple(accumulate(1 / size**2 for size in EVENT_SIZES))
# Days after the event on which a report appears.
REPORT_DAY_CUM = tuple(accumulate((45, 25, 15, 9, 6)))

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

FIRST_NAMES = tuple(
    """Maria James Aisha Tomasz Elena David Priya Kwame Sofia Liam Yuki Ahmed Ingrid Carlos Fatima Oliver
    Hannah Mateo Chloe Rahul Grace Lukas Amara Daniel Nadia Samuel Zara Pieter Lucia Omar Freya Jonas Mei
    Patrick Leila Andrei Rosa Kofi Emma Hugo Anika Marcus Ines Tariq Claire Felix Yasmin Dmitri Beatriz
    Noah Siobhan Arjun Camille Stefan Olivia Joaquin Ayesha Henrik Lena Thomas Adaeze Martin Julia Rafael
    Nora Viktor Hana Benjamin Esther Mohammed Alice Diego Katarzyna George Isabel Kenji Sara Paul Miriam
    Ravi Anna Lucas Aoife Ibrahim Laura Simon Chiara Tobias Ruth Emeka Sophie Matteo Dana Aleksander Helen
    Nikos Eva Gabriel Naomi Sean Irene Pablo Jana Ali Catherine Erik Maya Victor Margaret Kai Lorena Ethan
    Tanvi Marek Agnes Jorge Yara Bronwen Declan Mariam Teodor Ama Rui Astrid Hamza Celia Ewan Noor Abigail
    Adrian Alba Alexei Amir Ana Anders Angela Anton Ari Aurora Bashir Bianca Boris Bruno Caitlin Cecilia
    Chidi Colm Dalia Damien Daria Dev Elif Elise Emil Enzo Farah Fiona Florin Gemma Goran Hassan Helga Idris
    Ilse Imogen Isaac Ivana Jakob Javier Jude Kamal Karin Keira Kiran Lars Leon Lina Luka Magnus Malik
    Marta Mila Minh Moira Nasser Nell Nico Niamh Odile Oskar Petra Quentin Rania Reza Rohan Saanvi Salma
    Sanjay Selma Sergei Shira Silas Sipho Sven Tamar Tess Theo Ulla Vera Wanjiru Xavier Yusuf Zofia""".split()
)
LAST_NAMES = tuple(
    """Kowalski Okafor Lindqvist Moreau Haddad Brennan Castillo Nakamura Petrov Mensah Fischer Ramirez
    O'Connell Novak Singh Abbott Varga Whitfield Adeyemi Larsen Rossi Chen Dubois Kaur Hartmann Mabaso Sato
    Oyelaran Jansen Gallagher Pereira Holm Ahmadi Kovacs Duarte Thornton Bianchi Achterberg Whitaker Navarro
    Eriksen Delacroix Farouk Grant Mwangi Kim Halloran Suzuki Costa Lambert Nowak Osei Bauer Morales Iqbal
    Lindgren Fontaine Yilmaz Doherty Ferreira Strand Petrenko Asante Keller Romero Malik Berg Marchand Tanaka
    Ncube Byrne Santos Horvat Rahman Sorensen Weber Alvarez Qureshi Nilsen Giraud Ito Eze Fitzgerald Moreno
    Jovanovic Hassan Dahl Lemaire Watanabe Boateng Walsh Oliveira Kral Chowdhury Aalto Schmid Ortega Shah
    Holmberg Perrin Mori Okonkwo Murphy Carvalho Popescu Aziz Lund Caron Hayashi Adjei Quinn Mendes Wojcik
    Khan Nyberg Roux Kobayashi Obi Kavanagh Ribeiro Stoica Nasser Bertrand Ueda Darko Nolan Lopes Zielinski
    Siddiqui Fujita Nwosu Reilly Teixeira Marin Saleh Hagen Leclerc Ogawa Appiah Devlin Almeida Sikora
    Ansari Brekke Garnier Yamada Udeh Foley Barros Ionescu Karimi Solberg Blanc Kimura Quaye Hennessy Pinto
    Lewicki Mirza Aasen Faure Müller Søndergaard Ibáñez Novotná Çelik Ferrante MacLeod Abara Acheson
    Aguilar Akhtar Albrecht Andersson Arslan Ashworth Bakker Balogun Banerjee Barnett Becker Bellini Benes
    Bergman Blackwood Bogdan Bose Brandt Brody Calloway Campos Carrington Cerny Chaudhry Cisse Coates Conti
    Cruz Dalton Danso Dasgupta De Luca Demir Dimitrov Dlamini Draper Dunne Ekström Elliott Esposito Falk
    Fernando Finch Fleming Forde Fraser Friedman Gill Gomes Graham Gruber Gupta Haas Hale Hamid Hansen
    Harding Herrera Hoffmann Holloway Hussain Ibrahim Ivanova Jaeger Jensen Joshi Kader Kamau Kaplan Kaya
    Kennedy Kessler Kiplagat Klein Koch Kowalczyk Krause Kuznetsov Lachance Lang Laurent Lee Lindberg Lowe
    Lucas Madsen Maguire Mahmoud Mancini Marsh Martens Mazur Meyer Mills Molina Monroe Moser Mukherjee
    Nair Nielsen Nunez Obuya Ochoa Olsen Onyango Osman Otieno Pace Park Patel Pearce Pham Pires Price Rao
    Reyes Richter Rivera Rocha Ruiz Russo Ryan Sahin Schneider Sharma Silva Sokolov Stein Sullivan Svensson
    Toure Turner Vasquez Vogel Wagner Wallace Wang Ward Wolf Yadav Young Zhang Ziegler Zubiri""".split()
)
CITIES = tuple(
    """Leeds Porto Lyon Gdansk Aarhus Bilbao Graz Tampere Utrecht Bristol Genoa Brno Malmo Cork Ghent Nantes
    Turin Krakow Seville Bergen Antwerp Dresden Valencia Glasgow Rotterdam Bologna Wroclaw Linz Lille Durban
    Mombasa Accra Pune Cebu Osaka Busan Curitiba Rosario Halifax Calgary Tucson Fresno Savannah Spokane
    Dayton Hobart Dunedin Geelong Bordeaux Leipzig Palermo Plymouth Cardiff Aberdeen Galway Limerick Tallinn
    Riga Vilnius Poznan Kosice Szeged Cluj Varna Thessaloniki Izmir Tangier Kumasi Kisumu Arusha Mysore
    Kochi Davao Sendai Daejeon Recife Cordoba Valparaiso Winnipeg Regina Boise Tulsa Omaha Akron Albany
    Newcastle Sheffield Coventry Swansea Dundee Derry Uppsala Trondheim Tartu Innsbruck Basel Lausanne Namur
    Eindhoven Groningen Kassel Rostock Bari Trieste Salamanca Vigo Braga Faro Aalborg Odense Lund Umea
    Stavanger Oulu Turku Kaunas Lublin Katowice Olomouc Ostrava Maribor Split Zadar Plovdiv Iasi Timisoara
    Patras Heraklion Bursa Antalya Agadir Fez Sfax Kano Enugu Tema Nakuru Eldoret Dodoma Mwanza Kampala
    Blantyre Bulawayo Pietermaritzburg Kimberley Nagpur Indore Surat Madurai Kandy Chittagong Khulna Iloilo
    Bacolod Kumamoto Niigata Kanazawa Gwangju Ulsan Tainan Hsinchu Da Nang Hue Medan Makassar Ipoh Penang
    Townsville Cairns Ballarat Bendigo Nelson Napier Tauranga Rotorua Saskatoon Kelowna Moncton Sherbrooke
    Laredo Provo Eugene Duluth Fargo Macon Mobile Lubbock Amarillo Flagstaff Reno Asheville Burlington
    Ithaca Erie Toledo Peoria Rockford Salta Mendoza Arequipa Cusco Manizales Pasto Cuenca Florianopolis
    Londrina Maringa Natal Maceio Belem Exeter Norwich Lincoln Carlisle Inverness Perth Wexford Sligo Tralee
    Reims Dijon Rennes Brest Nancy Metz Pau Perpignan Avignon Toulon Kiel Lubeck Ulm Freiburg
    Erfurt""".split()
)
# "Da Nang" and "De Luca" split into two words above; rebuild them.
CITIES = (*[c for c in CITIES if c not in ("Da", "Nang")], "Da Nang")
LAST_NAMES = (*[n for n in LAST_NAMES if n not in ("De", "Luca")], "De Luca")
# Invented proper names are built from two syllables: hundreds of companies, banks, regions and
# projects, so that two unrelated events rarely share one.
NAME_HEADS = tuple(
    """Nor Cal Ver Ash Bel Cor Dun Eld Fal Gar Hal Ism Jor Kel Lin Mar Nev Orl Pel Quen Ros Sal Tor Ul Val
    Wyn Yar Zel Brin Stra Alv Bram Cres Dor Fen Glen Hart Kest Lor Mor Pen Rav Sev Thorn Wes""".split()
)
NAME_TAILS = tuple(
    """vik dale wick ton mere brook ford stead holm gate ridge haven moor well croft leigh thorne bury field
    cott ora ix ara enta ova ex ano eda ys""".split()
)
COUNTRY_TAILS = ("avia", "oria", "enia", "ara", "mark", "land", "ova", "istan")
COMPANY_SUFFIXES = ("Holdings", "Group", "Industries", "Logistics", "Foods", "Pharma", "Motors", "Retail",
                    "Materials", "Brands", "Manufacturing", "plc")  # fmt: skip
TECH_SUFFIXES = ("Technologies", "Systems", "Networks", "Labs", "Software", "Digital", "Cloud", "AI")
ENERGY_SUFFIXES = ("Energy", "Power", "Utilities", "Gas & Electric", "Renewables")
DEVELOPER_SUFFIXES = ("Homes", "Developments", "Properties", "Living", "Estates")
BANK_SUFFIXES = ("Capital", "Securities", "Partners", "Research", "Economics", "Advisory", "Investment Bank")
REGION_SUFFIXES = ("County", "Province", "District", "Region")
STREET_SUFFIXES = ("Street", "Road", "Lane", "Avenue", "Way")
PROJECT_SUFFIXES = ("Quarter", "Wharf", "Yards", "Gardens", "Fields", "Point")
INSTITUTE_FORMATS = (
    "the {last} Institute",
    "the {name} Institute",
    "the {name} Foundation",
    "the {last} Centre",
)
FILM_ADJECTIVES = tuple(
    """Quiet Salt Glass Long Borrowed Paper Iron Small Lantern Last Winter Summer Northern Silent Hidden
    Broken Golden Narrow Distant Burning""".split()
)
FILM_NOUNS = tuple(
    """Orchard Harbour Meadow Ledger Field Bridge Hours River Season Ferry House Tide Garden Letters Station
    Crossing Shore Kingdom Road Lighthouse""".split()
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = ("second", "third", "fourth", "fifth", "sixth")
AGENCIES = ("Reuters", "AP", "AFP", "Getty Images", "EPA", "Bloomberg", "PA Images", "Anadolu")
# Bystanders' roles are short: the bystander's name is what tells the sentence apart.
X_ROLES = ("a resident", "a shopkeeper", "a trader", "a teacher", "an analyst", "an organiser", "a driver",
           "a nurse", "a councillor", "a student", "a pensioner", "a volunteer")  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Beats: each is a kind of story, with its own cast roles and sentence templates in news register
#
# Writing templates. Reports of one event share names, places and figures; reports of different
# events must not share long runs of words, or a grouper that links texts quoting the same
# passage (word 8-grams) would tie unrelated events together. So no template has more than seven
# words in a row without a name, place, organisation or large figure; weekdays, months, small
# numbers and the short lists (charges, diseases, parties) count as ordinary words. The only
# longer fixed runs are in sentences common to most reports ("did not immediately respond to a
# request for comment"), which such a grouper rightly ignores as boilerplate.
# ---------------------------------------------------------------------------------------------

Quote = tuple[str, str]  # (speaker slot p1..p4, the words without closing punctuation)


@dataclass(frozen=True)
class Beat:
    """One news beat: the cast it needs and the sentences its reports are made of."""

    name: str
    section: str
    weight: float
    # Features beats: institutional boilerplate ("fully cooperating with the authorities") reads oddly.
    soft: bool
    extras: tuple[tuple[str, tuple[str, ...]], ...]
    roles: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    issues: tuple[str, ...]
    headlines: tuple[str, ...]
    leads: tuple[str, ...]
    body: tuple[str, ...]
    quotes: tuple[Quote, ...]
    closers: tuple[str, ...]


BEATS: tuple[Beat, ...] = (
    Beat(
        "courts", "Law", 8, False,
        (("org", ("the {city} District Court", "the {city} Crown Court", "the {city} High Court")),
         ("org2", ("{company}",)),
         ("charge", ("fraud", "bribery", "money laundering", "embezzlement", "tax evasion", "insider trading",
                     "market manipulation"))),
        (("the presiding judge at {org}", "the judge in the {org2} case", "a senior judge in {city}"),
         ("a former executive at {org2}", "the former finance director of {org2}", "the founder of {org2}"),
         ("a lawyer for {p2s}", "the lawyer representing {p2s}", "a partner at the firm representing {p2s}"),
         ("the lead prosecutor in {city}", "a prosecutor in the {org2} case",
          "a senior prosecutor in {city}")),
        ("corporate fraud", "fraud", "financial oversight"),
        ("{p2} convicted of {charge} after {n1}-week trial in {city}",
         "Court finds former {org2} boss {p2s} guilty of {charge}",
         "{p2s} faces prison after {city} court rules in {charge} case",
         "Verdict in {org2} {charge} trial: {p2s} found guilty"),
        ("{p2}, {p2role}, was convicted of {charge} by {org} on {day}, {n1} weeks after {p2s} went on trial.",
         "A court in {city} found {p2} guilty of {charge} on {day}, ruling {p2s} had cost investors in "
         "{org2} more than {money}.",
         "Judges at {org} ruled on {day} that {p2s} had taken part in {charge} at {org2} for years."),
        ("Prosecutors told {org} that {p2s} had moved {money} through shell companies in {city2} between "
         "{year2} and {year3}.",
         "{p1}, {p1role}, said the evidence against {p2s} was \"overwhelming\" and that investors in {org2} "
         "had suffered.",
         "Jurors in {city} also convicted {n1} colleagues of {p2s} at {org2}.",
         "{p2s} faces {n6} years in jail, and {org} may impose a fine of {money2} on {nextday}.",
         "{p3}, {p3role}, said outside {org} that {p2s} would appeal.",
         "The case against {p2s} began in {year3} when an audit at {org2} flagged payments of {money2} to "
         "firms in {city2}.",
         "Jurors in {city} saw {n2} documents, among them emails from {p2s} to colleagues at {org2}.",
         "{p2s} denied the charges, blaming the board of {org2}.",
         "Former employees of {org2} testified to raising concerns about {p2s} in {year2}.",
         "{p4}, {p4role}, told jurors {p2s} had run a deliberate scheme at {org2}.",
         "Lawyers in {city2} said {org} had set a precedent for {region}.",
         "Shares in {org2} fell {pct2} per cent in {city} after the verdict against {p2s}."),
        (("p4", "At {org2} and in {city}, nobody is above the law"),
         ("p3", "{p2s} is disappointed and may appeal"),
         ("p1", "The evidence against {p2s} was, in the end, overwhelming"),
         ("p3", "{p2s} has always said the board of {org2} approved every payment"),
         ("p4", "Investors in {org2} were deceived for years; today {city} saw justice done")),
        ("{org} adjourned the hearing until {nextday}.",
         "{org2} is reviewing the ruling against {p2s}."),
    ),
    Beat(
        "elections", "Politics", 6, False,
        (("party", ("the Progressive Alliance", "the Renewal Party", "the Civic Union", "the Green Coalition",
                    "the Liberal Forum", "the People's Movement", "the Reform Bloc")),
         ("party2", ("the Social Democrats", "the Conservative Union", "the Centre Party", "the Workers' "
                                                                                           "Front",
                     "the Independent List", "the Unity Party")),
         ("org", ("the {city} Electoral Commission", "the {city} Election Board")),
         ("org2", ("{party}",)),
         ("office", ("mayor of {city}", "governor of {region}", "MP for {city}",
                     "leader of {city2} council"))),
        (("a candidate for {party} in {city}", "a former deputy mayor of {city}",
          "a former finance minister from {city2}"),
         ("the incumbent for {party2} in {city}", "a rival candidate from {city2}",
          "a two-term councillor from {city2}"),
         ("a political scientist at the University of {city2}", "a pollster at {institute}",
          "a senior fellow at {institute}"),
         ("the chief returning officer for {city}", "a spokesperson for {org}", "a campaign volunteer in "
                                                                                "{city}")),
        ("living costs", "housing", "public transport", "corruption"),
        ("{p1} wins race for {office} with {share} per cent of the vote",
         "{p1s} claims victory in {city} as {party2} concedes",
         "Recount ordered in tight {city} contest between {p1s} and {p2s}",
         "{party} takes {office} in upset as turnout hits {turnout} per cent"),
        ("{p1}, {p1role}, won the race for {office} on {day}, taking {n3} votes, {org} said.",
         "Voters in {city} handed {p1s} a clear victory over {p2s} on {day} to become {office}.",
         "The contest for {office} ended on {day} with {p1} declaring victory over {p2}, {p2role}."),
        ("Turnout in {city} was {turnout} per cent, {org} said.",
         "{p2s} conceded after midnight and told supporters in {city2} to fight on.",
         "{p1s} promised voters in {city} to tackle {issue} and cut {money} of waste.",
         "{org} will certify the result in {city} on {nextday}.",
         "{p3}, {p3role}, said voters in {city} had punished {p2s} over {issue}.",
         "{p2s} had led the polls among voters in {city}.",
         "{p2s} said {n2} complaints from voters in {city2} would be examined.",
         "{p1s} takes office in {city} on {nextday}.",
         "In {city2}, long weak for {party}, {p1s} gained {n2} votes.",
         "{p4}, {p4role}, said counting in {city} had been slowed by {n4} postal ballots.",
         "{p1s} thanked {n4} volunteers in {city} and {city2} for their work."),
        (("p1", "{city} has chosen change tonight"),
         ("p2", "{city} has spoken, and we respect that"),
         ("p3", "In {city}, {issue} decided this election"),
         ("p4", "In {city}, turnout this high shows engagement"),
         ("p1", "As {office}, I will listen first")),
        ("{org} will publish final results in {city} on {nextday}.",
         "{p1s} is due to address supporters in {city} again on {nextday}."),
    ),
    Beat(
        "weather", "Weather", 7, False,
        (("org", ("the {rn} Met Office", "the {rn} Weather Service")),
         ("org2", ("{energyco}",))),
        (("the head of emergency services in {region}", "the mayor of {city}", "the governor of {region}"),
         ("a forecaster at {org}", "the chief meteorologist at {org}", "a flood expert at {institute}"),
         ("a spokesperson for {org2}", "an operations manager at {org2}", "a network engineer at {org2}"),
         ("a resident of {city2}", "a shopkeeper in {city}", "a farmer outside {city2}")),
        ("flood defences", "climate adaptation", "emergency planning"),
        ("{storm} batters {city} with winds of up to {wind} km/h",
         "Thousands without power as {storm} sweeps across {region}",
         "{n1} dead after {storm} brings flooding to {city}",
         "Red warning issued in {city} as {storm} approaches"),
        ("{storm} swept across {region} on {day}, cutting power to {n3} homes in {city} as winds reached "
         "{wind} km/h.",
         "At least {n1} people died in {city} on {day} as {storm} brought floods to {region}.",
         "Forecasters at {org} issued a red warning for {city} on {day} as {storm} approached."),
        ("{org2} said its crews were reconnecting {n3} customers, though some in {city2} could wait until "
         "{nextday}.",
         "{mm} millimetres of rain fell on {city2}, {p2s} said.",
         "Rail services between {city} and {city2} were suspended after {storm} brought down trees.",
         "People in {city} should stay away from rivers, said {p1}, {p1role}.",
         "In {region}, shelters opened in {n1} schools, where {n2} people spent the night.",
         "{p2}, {p2role}, said {storm} was the strongest to hit {region} since {year2}.",
         "{storm} caused damage of {money} in {city}, insurers said.",
         "Videos shared by {x} showed cars submerged in the streets of {city}.",
         "{p4}, {p4role}, said water filled homes in {city2} within minutes of {storm} arriving.",
         "Scientists at {institute} say warmer seas made {storm} wetter and more intense.",
         "The airport in {city} cancelled {n2} flights as {storm} peaked on {day}."),
        (("p4", "The water in {city2} rose so fast, we barely escaped"),
         ("p1", "Keeping people in {city} safe is our priority tonight"),
         ("p2", "{region} has not seen winds like {storm} in decades"),
         ("p1", "In {city}, please stay indoors tonight"),
         ("p3", "Crews from {org2} will reconnect {n3} homes overnight")),
        ("{org} kept a yellow warning for {region} until {nextday}.",
         "In {city}, the clean-up could take weeks, {p1s} said."),
    ),
    Beat(
        "markets", "Business", 8, False,
        (("org", ("{company}",)),
         ("org2", ("the {rn} Securities Authority", "the {rn} Markets Regulator")),
         ("index", ("the {name} 100 index", "the {name} All-Share", "the {city} Composite")),
         ("product", ("kitchen appliances", "car parts", "packaging", "solar panels", "furniture",
                      "speciality chemicals", "outdoor clothing", "frozen food"))),
        (("chief executive of {org}", "the chief executive of {org}", "finance director at {org}"),
         ("an analyst at {bank}", "a portfolio manager at {bank}", "head of equities at {bank}"),
         ("a spokesperson for {org2}", "a market strategist at {bank}", "a fund manager in {city}"),
         ("a union representative at {org} in {city2}", "a small shareholder in {city}",
          "an economist at {institute}")),
        ("corporate governance", "rising costs", "weak demand"),
        ("{org} shares slump {pct} per cent after profit warning",
         "{org} warns on profits as demand for {product} weakens",
         "{index} falls as {org} drags on market",
         "{org} chief {p1s} under pressure after shares tumble"),
        ("Shares in {org} fell {pct} per cent, wiping {money} off the {city} company's value.",
         "A profit warning from {org} on {day} blamed weak demand in {region} for {product}.",
         "Investors sold shares in {org} on {day} after the {city} company cut its profit forecast to "
         "{money2}."),
        ("{org} now expects operating profit of about {money2}, against forecasts from {bank} of {money3}.",
         "{p1}, {p1role}, said {org} would cut up to {n2} jobs in {region} to reduce costs.",
         "{p2}, {p2role}, said the warning from {org} raised questions about its plans for {city2}.",
         "{index} fell {pct2} per cent, with {org} the worst performer.",
         "By midday in {city}, {n3} shares in {org} had changed hands.",
         "Falling orders from {city2} have hit {org}, the {city} maker of {product}.",
         "{bank} downgraded {org} to \"sell\", {p2s} said.",
         "{org} will set out plans for {city} in {nextmonth}, {p1s} said.",
         "{org2} said it was watching {org} shares.",
         "{p4}, {p4role}, said staff in {city2} had heard little about the {n2} job cuts.",
         "Shares in {org} are down {pct3} per cent, {bank} said."),
        (("p1", "At {org}, these results are disappointing"),
         ("p2", "{org} delivered a downgrade, not stability"),
         ("p3", "{org} has lost control of costs"),
         ("p2", "Confidence in {org} will take years to rebuild"),
         ("p4", "Workers in {city2} are the last to hear anything")),
        ("{org} publishes results in {city} on {nextday}.",
         "Shares in {org} steadied in {city} the following day."),
    ),
    Beat(
        "transport", "Transport", 6, False,
        (("org", ("{city} Rail", "{city} Metro", "{city} Transit")),
         ("org2", ("the {city} Rail Union", "the {rn} Drivers' Union", "the {city} Transport Union")),
         ("line", ("the {city2} line", "the {name} line", "the {city} Circle", "the {name} Express"))),
        (("general secretary of {org2}", "the leader of {org2}", "a regional organiser for {org2}"),
         ("chief executive of {org}", "the managing director of {org}", "the operations director of {org}"),
         ("the transport minister for {region}", "a spokesperson for commuters in {city}",
          "the head of the {city} Chamber of Commerce"),
         ("a commuter from {city2}", "a nurse travelling to {city}", "a train driver from {city2}")),
        ("pay disputes", "rail investment", "commuting costs"),
        ("Rail strike halts services across {city} as talks collapse",
         "{org2} announces {n1}-day strike on {line}",
         "Commuters face chaos as {org} cancels {n2} trains",
         "{city} transport strike: {org} and {org2} trade blame"),
        ("Commuters in {city} faced disruption on {day}, and {org2} blamed {org} for the walkout.",
         "As {org2} began {a_n1}-day strike, {org} cancelled {n2} services.",
         "Trains on {line} stood idle on {day}, and {org} called the walkout by {org2} unjustified."),
        ("Members of {org2} called the offer from {org} \"an insult\".",
         "{p1}, {p1role}, warned of more walkouts unless {org} returned to talks.",
         "{org} will run fewer trains on {line}, {p2s} said.",
         "Roads from {city2} into {city} were jammed by {n4} extra cars, police said.",
         "{p2}, {p2role}, said {org2} had refused every compromise in {city}.",
         "Businesses in {city} have lost an estimated {money} in the dispute, said {p3}, {p3role}.",
         "Shift workers in {city} will be hit hardest, passenger group leader {x} said.",
         "Talks between {org} and {org2} resume on {nextday} in {city}.",
         "{p4}, {p4role}, said the trip to {city} took {n5} hours instead of forty minutes.",
         "{org2} represents about {n4} workers at {org}, including most drivers on {line}."),
        (("p1", "Our members at {org} have no choice left"),
         ("p2", "{org} remains open to talks with {org2}"),
         ("p3", "Passengers in {city} are being held hostage here"),
         ("p1", "Staff at {org} cannot live on these wages"),
         ("p4", "Getting to {city} this week will be a nightmare")),
        ("{org} urged passengers travelling to {city} to check times.",
         "{org2} called another strike on {line} for {nextmonth}."),
    ),
    Beat(
        "health", "Health", 7, False,
        (("disease", ("measles", "norovirus", "dengue fever", "influenza", "legionnaires' disease",
                      "hepatitis A", "whooping cough")),
         ("org", ("the {rn} Health Authority", "the {city} Health Agency")),
         ("org2", ("{city} General Hospital", "the {name} Hospital", "{city} University Hospital")),
         ("cluster", ("a primary school", "a care home", "a restaurant", "a summer camp", "a hotel",
                      "a sports club"))),
        (("the chief medical officer for {region}", "the health minister for {region}", "the director of "
                                                                                        "{org}"),
         ("an emergency doctor at {org2}", "the medical director of {org2}", "a senior nurse at {org2}"),
         ("an epidemiologist at the University of {city2}", "a virologist at {institute}",
          "a public health researcher in {city2}"),
         ("a parent in {city}", "a teacher in {city}", "a pharmacist in {city2}")),
        ("vaccination rates", "hospital capacity", "health funding"),
        ("{disease} outbreak in {city} rises to {n2} cases",
         "Health officials urge caution as {disease} spreads in {region}",
         "{city} hospital under pressure as {disease} cases climb",
         "{org} confirms {n2} cases of {disease} linked to {cluster}"),
        ("{org} confirmed {n2} cases of {disease} in {city} on {day}, and offered tests to {n4} people in "
         "{region}.",
         "{org} said {disease} had put {n2} people in hospital in {city} by {day}.",
         "{org} is investigating {disease} in {city}, traced to {cluster} in {city2}."),
        ("{org} linked most of the {n2} cases to {cluster} in {city}.",
         "{p1}, {p1role}, said the risk in {region} remained low.",
         "{p2}, {p2role}, said emergency visits in {city} had risen sharply.",
         "{p3}, {p3role}, warned of low vaccination in {region}.",
         "{city} and {city2} will open testing centres on {nextday}, {p1s} said.",
         "Officials at {org} have traced {n4} contacts of people with {disease} in {city}.",
         "Anyone in {city} with symptoms should stay at home, {p1s} said.",
         "{p3s} said it was the largest outbreak in {region} since {year2}.",
         "{p2}, {p2role}, said {org2} had postponed {n2} operations.",
         "{p4}, {p4role}, said parents in {city} had received a letter from {org} on {day}."),
        (("p1", "People in {region} should get vaccinated, above all"),
         ("p3", "Cases in {city} will keep rising for weeks"),
         ("p2", "Staff at {org2} are working incredibly hard"),
         ("p1", "Nobody in {city} should panic, but please be careful"),
         ("p4", "In {city}, the word outbreak makes you worry")),
        ("{org} updates its figures on {nextday}.",
         "Pharmacies in {city} can give advice, {org} said."),
    ),
    Beat(
        "tech", "Technology", 7, False,
        (("org", ("{techco}",)),
         ("org2", ("the {rn} Data Commission", "the {rn} Privacy Regulator")),
         ("product", ("its cloud storage service", "its messaging app", "its banking app",
                      "its smart-home platform", "its loyalty scheme", "its ticketing website"))),
        (("chief executive of {org}", "the founder of {org}", "chief technology officer at {org}"),
         ("a security researcher at {institute}", "a security researcher in {city2}",
          "a cybersecurity consultant at {bank}"),
         ("a spokesperson for {org2}", "the deputy commissioner at {org2}", "a senior official at {org2}"),
         ("a customer of {org} in {city}", "a former engineer at {org}", "a business owner in {city2}")),
        ("data security", "online privacy", "tech regulation"),
        ("{org} confirms data breach affecting {n3} customers",
         "Hackers stole data of {n3} {org} users, company says",
         "{org2} opens inquiry into {org} data breach",
         "{org} shares fall after cyberattack exposes customer data"),
        ("Hackers stole data on {n3} customers of {org}, the {city} company said on {day}.",
         "{org} confirmed that emails of {n3} users were exposed in a cyberattack on {city} servers.",
         "{org2} opened an inquiry after {org} disclosed a breach affecting {n3} users."),
        ("{org} found the intrusion at its {city} data centre on {prevday}.",
         "{p1}, {p1role}, apologised, saying card details held by {org} were safe.",
         "{org2} could fine {org} {pct2} per cent of its turnover, {p3s} said.",
         "{p2}, {p2role}, blamed a flaw {org} never patched.",
         "{org} told {n3} users to change passwords, {p1s} said.",
         "{p2s} said the data was offered online for {money} before {org} admitted the breach.",
         "{org} has hired {company} to investigate and informed police in {city}.",
         "{p3s} said {n1} big attacks had hit {region} this year.",
         "{p4}, {p4role}, said a bank in {city2} had warned of the breach before {org} did.",
         "Shares in {org} fell {pct} per cent in {city} on {day}."),
        (("p1", "To our {n3} customers, we apologise"),
         ("p2", "This attack on {org} was entirely preventable"),
         ("p3", "The law required {org} to keep this data safe"),
         ("p1", "Our teams at {org} are working around the clock"),
         ("p4", "My {org} details were online for anyone")),
        ("{org} will contact affected customers in {city} by {nextday}.",
         "{org2} expects to report on {org} in {nextmonth}."),
    ),
    Beat(
        "sport", "Sport", 10, True,
        (("org", ("{city} United", "{city} Rovers", "{city} Athletic", "FC {city}", "{city} City")),
         ("org2", ("{city2} Wanderers", "{city2} Town", "Real {city2}", "{city2} Sporting", "{city2} FC")),
         ("competition", ("the {name} Cup final", "the {name} Trophy semi-final", "the {region} Cup final",
                          "the {name} Shield quarter-final"))),
        (("the {org} coach", "the manager of {org}", "head coach of {org}"),
         ("the {org} striker", "the {org} captain", "the {org} midfielder"),
         ("the {org2} coach", "the manager of {org2}", "head coach of {org2}"),
         ("the {org} defender", "the {org} winger", "the {org} full-back")),
        ("ticket prices", "stadium safety", "club finances"),
        ("{org} beat {org2} {score} in {competition}",
         "{p2s} scores twice as {org} see off {org2}",
         "{org2} coach {p3s} rues missed chances after {score} defeat",
         "{org} into history books after {score} win over {org2}"),
        ("{org} beat {org2} {score} in {competition} on {day}, with {p2} scoring twice before a crowd of "
         "{n4}.",
         "{p2} was the hero as {org} came from behind to beat {org2} {score} in {competition}.",
         "{org} beat {org2} {score} on {day}, with {p2s} and {p4s} scoring."),
        ("{org2} led after {minute1} minutes, but {p2s} equalised for {org} before half-time.",
         "{p2s} scored the winner in {city} {late} minutes from time.",
         "{p1}, {p1role}, said the {city} squad never stopped believing.",
         "{p3}, {p3role}, said {org2} deserved more after dominating in {city}.",
         "{p1s} said {org} were unbeaten in {n1} matches in {city}.",
         "In {city}, tickets for the match sold out within {n2} minutes.",
         "{p4}, {p4role}, was booked for fouling {x}.",
         "{p3s} admitted {org2} had a poor record against {org}.",
         "In {city}, police made {n5} arrests as {n4} fans watched.",
         "{org} face a side from {city2} on {nextday}, {p1s} said."),
        (("p1", "Everyone at {org} should be proud tonight"),
         ("p3", "Against {org} we wasted our chances"),
         ("p2", "Against {org2}, my best night ever"),
         ("p1", "{org2} were favourites, but we believed"),
         ("p4", "{city} waited years for this night")),
        ("{org2} return to league action on {nextday}.",
         "{org} have not lost at home in {city} since {month}."),
    ),
    Beat(
        "energy", "Business", 5, False,
        (("org", ("the {rn} Energy Regulator", "the {rn} Energy Authority")),
         ("org2", ("{energyco}",)),
         ("driver", ("cold weather", "supply disruptions", "pipeline maintenance", "strong Asian demand",
                     "low wind output"))),
        (("chief executive of {org}", "director of retail markets at {org}", "the head of {org}"),
         ("director of a consumer group in {city}", "an energy campaigner in {region}",
          "the head of a pensioners' charity in {city}"),
         ("an energy analyst at {bank}", "a commodities strategist at {bank}", "a researcher at {institute}"),
         ("a pensioner from {city}", "a single parent in {city2}", "a café owner in {city}")),
        ("fuel poverty", "energy security", "living costs"),
        ("Energy bills to rise {pct} per cent as {org} lifts price cap",
         "{n3} households face higher bills after {org} decision",
         "{org} raises energy price cap to {money}",
         "Bills up again from {nextmonth}, says {org}"),
        ("Household energy bills in {region} will rise {pct} per cent, {org} said on {day}, adding "
         "{money2} a year.",
         "Bills in {region} will be capped at {money} a year, {org} said.",
         "Millions of homes in {region} face higher bills after {org} raised its cap, {p1s} said."),
        ("{org} blamed {driver} in {region} for higher gas prices, {p3s} said.",
         "{p1}, {p1role}, said the rise in {region} was \"unavoidable\".",
         "Consumer groups in {city} warned {n3} more households could face fuel poverty in {region}.",
         "{p2}, {p2role}, urged ministers to help families in {region} before winter.",
         "Customers in {city} struggling to pay should contact {org2}, {p3s} said.",
         "Prices in {region} could ease if storage holds, said {p3}.",
         "{p3s} said the cap limits unit prices in {region}, not total bills.",
         "{p3s} noted that most gas used in {region} is imported.",
         "{p4}, {p4role}, said the heating stays off in {city2} most evenings.",
         "{org2} made profits of {money3} last year, a figure campaigners in {city} called obscene."),
        (("p2", "For {n3} households in {region}, this is a difficult day"),
         ("p1", "{region} will find this rise unwelcome"),
         ("p2", "Ministers in {region} cannot ignore rising bills"),
         ("p4", "People in {city} are choosing between heating and eating"),
         ("p3", "Bills in {region} reflect nervous markets")),
        ("In {region}, the new cap starts in {nextmonth}.",
         "{org} publishes its review on {nextday}."),
    ),
    Beat(
        "housing", "Property", 5, False,
        (("org", ("{city} City Council", "the {city} Planning Committee")),
         ("org2", ("{developer}",))),
        (("leader of {org}", "the housing lead on {org}", "the chair of {org}"),
         ("chair of the {city} residents' association", "a campaigner in {city}", "a councillor for {city2}"),
         ("a spokesperson for {org2}", "the managing director of {org2}", "a consultant for {org2}"),
         ("a first-time buyer in {city}", "a renter in {city}", "a resident of {city2}")),
        ("rising rents", "affordable housing", "overcrowding"),
        ("{org} approves {n2}-home {project} despite protests",
         "Plans for {n2} new homes in {city} get green light",
         "Residents vow to fight {project} after council vote",
         "{project}: {org2} wins approval for {money} scheme"),
        ("Councillors in {city} voted on {day} to approve {project}, a {money} scheme by {org2} for {n2} new "
         "homes.",
         "{org} approved {project} on {day}, clearing the way for {org2} to build {n2} homes in {city2}.",
         "Plans for {n2} homes at {project} in {city} were approved by {org} on {day}."),
        ("{p2s} said too few homes at {project} would be affordable.",
         "{p1}, {p1role}, said {city} urgently needed homes and that {project} would create jobs in {city2}.",
         "Opponents led by {p2} said {project} would overwhelm schools in {city}.",
         "Rents in {city} rose {pct2} per cent in two years, {bank} says.",
         "{org} passed {project} by {votes_for} votes to {votes_against}, {p1s} said.",
         "{org2} said work could begin on {project} in {nextmonth}.",
         "More than {n2} objections to {project} were lodged with {org}.",
         "{n4} people in {city} and {city2} have signed a petition against {project}.",
         "{p4}, {p4role}, said people like them could afford {project}, a first for {city}.",
         "{p3}, {p3role}, said {org2} had changed its designs after meeting {n2} residents."),
        (("p1", "Young people in {city} need somewhere to live"),
         ("p2", "{project} is the wrong scheme for {city}"),
         ("p3", "{org2} has listened to residents in {city}"),
         ("p2", "In {city}, affordable should mean affordable"),
         ("p4", "{city} has priced me into one room")),
        ("Opponents of {project} may seek a judicial review in {city}.",
         "{org2} will publish a timetable for {project} on {nextday}."),
    ),
    Beat(
        "diplomacy", "World", 6, False,
        (("org", ("the {city} Peace Institute", "the {name} Council", "the {city} UN mission")),
         ("org2", ("the foreign ministry of {c1}",)),
         ("agreement", ("a border agreement", "a trade pact", "a water-sharing treaty", "a security accord",
                        "a fisheries agreement")),
         ("commit", ("reopen border crossings", "cut farm tariffs", "share migration data",
                     "pull back troops", "end fishing disputes"))),
        (("the foreign minister of {c1}", "the president of {c1}", "the top diplomat of {c1}"),
         ("the foreign minister of {c2}", "the prime minister of {c2}", "the top diplomat of {c2}"),
         ("a senior fellow at {institute}", "a former ambassador to {c2}", "a diplomat at {org}"),
         ("a trader in {city2}", "an opposition lawmaker in {c2}", "a mayor of a border town in {c1}")),
        ("regional security", "trade barriers", "migration"),
        ("{c1} and {c2} sign {agreement} in {city}",
         "{p1s} and {p2s} seal {agreement} after {n1} years of dispute",
         "{c1}-{c2} deal: what {agreement} means for the border",
         "Breakthrough in {city} as {c1} and {c2} agree to {commit}"),
        ("{c1} and {c2} signed {agreement} in {city} on {day}, in talks hosted by {org}.",
         "{p1s} and {p2s} agreed {agreement} for {c1} and {c2} in {city} on {day}.",
         "After months of talks hosted by {org}, {c1} agreed to {commit} with {c2} on {day}."),
        ("Within {n1} months, {c1} and {c2} must {commit}, {p1s} said.",
         "{p1}, {p1role}, called the deal \"a new chapter\" for {c1} and {c2}.",
         "{p2}, {p2role}, praised the good faith shown in {city}.",
         "{org} has hosted talks in {city} since {year2}.",
         "Trade between {c1} and {c2} was worth about {money} last year.",
         "{p3}, {p3role}, warned that earlier deals between {c1} and {c2} had collapsed within months.",
         "Opposition politicians in {c2} said {p2s} had conceded too much to {c1}.",
         "The parliaments of {c1} and {c2} must still ratify the deal signed in {city}.",
         "{p4}, {p4role}, said families in {city2} had waited years.",
         "{c1} and {c2} will hold joint talks in {city2} every {n1} months."),
        (("p1", "Today {c1} and {c2} turn a new page"),
         ("p2", "In {city} we signed a beginning"),
         ("p1", "{c1} made hard compromises, and so did {c2}"),
         ("p3", "For {c1} and {c2}, implementation is the real test"),
         ("p4", "People around {city2} have waited so long for this")),
        ("{p1s} and {p2s} meet again in {city2} in {nextmonth}.",
         "{c1} and {c2} will publish the deal's text in {city}."),
    ),
    Beat(
        "crime", "Crime", 9, False,
        (("org", ("{city} Police", "the {rn} Police", "the {city} Metropolitan Police")),
         ("org2", ("{company}",)),
         ("crime", ("a robbery at {org2}", "a raid on {org2}", "a ram-raid on {org2}"))),
        (("a detective with {org}", "the senior investigating officer at {org}", "a spokesperson for {org}"),
         ("owner of the business on {street}", "a manager at {org2}", "head of security at {org2}"),
         ("a criminologist at the University of {city2}", "the police commissioner for {region}",
          "a former detective in {city}"),
         ("a witness on {street}", "a shop worker on {street}", "a resident of {street}")),
        ("knife crime", "police numbers", "organised crime"),
        ("{n1} arrested after armed robbery on {street} in {city}",
         "Police appeal for witnesses after {street} robbery in {city}",
         "{city} police charge suspects over {money} raid",
         "Masked gang targets {street} business in {city}"),
        ("Goods worth {money} went in {crime} on {street}, and {n1} people were arrested, {p1s} said.",
         "{org} is hunting the {street} gang after {crime} on {day}.",
         "{n1} people have been charged by {org} over {crime}."),
        ("{p1}, {p1role}, said a car seen on {street} was being traced.",
         "Witnesses on {street} saw masked men on motorbikes outside {org2}.",
         "Staff at {org2} were terrified but unhurt, said {p2}, {p2role}.",
         "{org} is holding the suspects in {city2}.",
         "{org} appealed for dashcam footage from {street} and nearby roads in {city}.",
         "{org} counts {n1} such robberies in {city} this year.",
         "{p1s} said forensic teams stayed on {street} until {day}.",
         "{p3}, {p3role}, said businesses holding cash in {region} were being targeted.",
         "The raid on {org2} took less than {n1} minutes, said {p4}, {p4role}.",
         "{p1s} said the gang had watched {street} for weeks."),
        (("p1", "The attack on {street} was brazen and frightening"),
         ("p1", "In {city}, those responsible will face justice"),
         ("p4", "On {street} I heard shouting, then silence"),
         ("p1", "{street} witnesses should contact us"),
         ("p2", "My staff at {org2} did exactly the right thing")),
        ("{org} appealed for information, {p1s} said.",
         "In {city}, the suspects face magistrates on {nextday}."),
    ),
    Beat(
        "science", "Science", 5, True,
        (("org", ("{city} University", "the {city} Technology Institute", "the {city} Science Institute")),
         ("org2", ("the {rn} Science Foundation", "the {name} Trust")),
         ("journal", ("Natural Sciences Letters", "Frontiers in Research", "Science Advances",
                      "Applied Research Reviews", "Northern Academy Proceedings")),
         ("finding", ("a frog species in {region}", "an ancient settlement near {city2}",
                      "a longevity gene in {region} fruit flies", "a comet seen from {city2}",
                      "a battery method from {city2}"))),
        (("a professor at {org}", "lead author of the study at {org}", "a senior researcher at {org}"),
         ("a scientist at {institute}", "a professor at the University of {city2}",
          "a researcher in {city2}"),
         ("a doctoral student at {org}", "a co-author from {org}", "a field researcher at {org}"),
         ("a volunteer from {city}", "a teacher from {city2}", "a local guide in {region}")),
        ("research funding", "scientific collaboration", "science funding"),
        ("Scientists at {org} discover {finding}",
         "{org} team reports {finding}",
         "{p1s} and colleagues announce {finding}",
         "Study in {journal} reveals {finding}"),
        ("A team at {org} led by {p1} has found {finding}.",
         "{p1} and colleagues at {org} described {finding}.",
         "Scientists from {org} identified {finding}, {p1s} said on {day}."),
        ("The study by {p1s} rests on {n6} years of work in {region}.",
         "{p1}, {p1role}, said the team in {city} had been \"astonished\".",
         "{org2} funded the research with a {money2} grant.",
         "{p2}, {p2role}, called the work by {p1s} \"careful and convincing\".",
         "The team analysed {n2} samples from sites across {region}.",
         "{p1s} plans to return to {region} with a team from {org2} next year.",
         "A team in {city2} hinted at the result in {year2}, {p1s} said.",
         "{p3}, {p3role}, catalogued samples in {city} for {n6} months.",
         "{org} will make the data from {city} freely available.",
         "{p4}, {p4role}, said nobody in {city} expected such a find."),
        (("p1", "Nothing at {org} prepared us for this"),
         ("p2", "{p1s} and the team at {org} did careful work"),
         ("p1", "{region} holds more questions than answers"),
         ("p3", "This changes how {region} is understood"),
         ("p4", "In {city}, none of us expected this")),
        ("In {city2}, {p1s} and the team from {org} will present their work.",
         "The study by {p1s} and colleagues was peer-reviewed."),
    ),
    Beat(
        "education", "Education", 5, False,
        (("org", ("the {rn} Education Department", "the {city} Schools Board")),
         ("org2", ("the {rn} Teachers' Association", "the {city} Teachers' Union",
                   "the {rn} Teachers' Federation"))),
        (("the education minister for {region}", "the head of {org}", "a senior official at {org}"),
         ("general secretary of {org2}", "the president of {org2}", "a spokesperson for {org2}"),
         ("an education researcher at {institute}", "a head teacher in {city2}",
          "a school governor in {city}"),
         ("a parent in {city}", "a primary school teacher in {city}", "a sixth-form student in {city2}")),
        ("school funding", "teacher shortages", "class sizes"),
        ("{n2} teaching jobs at risk as {region} cuts school budgets",
         "Teachers march in {city} over {money} funding cuts",
         "{org} defends {money} cut to school budgets",
         "{org2} threatens strike over school cuts in {region}"),
        ("Thousands of teachers marched through {city} on {day} against a {money} cut to school budgets by "
         "{org}.",
         "{org2} warned on {day} that {n2} teaching jobs in {region} were at risk from a {money} cut.",
         "Schools in {city} and {city2} face staff cuts after {org} said it would remove {money} from "
         "budgets."),
        ("Over {n1} years, {n2} posts could go in {region}, {org2} estimates.",
         "In {city}, classrooms would be spared the cuts, said {p1}.",
         "Classes in {city} already have {classsize} pupils, said {p2}, {p2role}.",
         "Parents in {city2} have gathered {n4} signatures on a petition to {org}.",
         "{institute} says spending per pupil in {region} has fallen since {year2}, {p3s} said.",
         "{org} will meet leaders of {org2} on {nextday}.",
         "Head teachers in {city} are already cutting music lessons, {p3s} said.",
         "{p3}, {p3role}, said the cuts by {org} would hit poorer areas of {city} hardest.",
         "{p4}, {p4role}, said pupils in {city} were already sharing textbooks.",
         "Members of {org2} will be balloted on strikes, {p2s} said."),
        (("p2", "Cutting {money} will not give {city} better schools"),
         ("p1", "Classrooms in {region} are protected despite hard choices"),
         ("p4", "Children in {city} deserve better than this"),
         ("p1", "The {region} budget must be spent wisely"),
         ("p3", "In {region}, class-size evidence is clear")),
        ("{org} publishes school budgets for {region} on {nextday}.",
         "{org2} closes its ballot in {nextmonth}."),
    ),
    Beat(
        "culture", "Culture", 6, True,
        (("org", ("the {city} International Film Festival", "the {city} Film Festival")),
         ("org2", ("the {rn} Film Fund", "the {city2} Arts Council")),
         ("award", ("the Golden Anchor", "the top prize", "the Grand Jury Prize", "the Silver Lantern")),
         ("premise", ("a fishing family in {city2}", "two sisters reunited in {city2}", "a night nurse in "
                                                                                        "{city2}",
                      "a mayoral candidate in {city2}", "an ageing jazz band touring {region}"))),
        (("the director of {film}", "the writer and director of {film}", "a film-maker from {city2}"),
         ("the star of {film}", "the lead actor in {film}", "an actor from {city2}"),
         ("president of the jury at {org}", "a film critic in {city}", "artistic director of {org}"),
         ("a cinema owner in {city2}", "a film student in {city}", "a festival-goer from {city2}")),
        ("arts funding", "independent cinema", "arts access"),
        ("{film} wins {award} at {org}",
         "{p1s}'s {film} takes top prize in {city}",
         "Director {p1} triumphs at {org} with {film}",
         "{org}: {film} beats {n1} rivals to {award}"),
        ("{film}, a drama by {p1}, won {award} in {city} on {day}.",
         "{film}, about {premise}, won {award} for {p1} on {day} at {org}.",
         "Jurors in {city} gave {award} to {film} on {day}, the {ordinal} feature by {p1}."),
        ("{film}, which follows {premise}, was shot over {n1} weeks around {city2}.",
         "{p2}, {p2role}, was named best performer at {org}.",
         "{p1s} accepted {award} in {city} and dedicated it to the people of {city2}.",
         "Jury chair {p3} praised the quiet power of {film}.",
         "The festival in {city}, now in its {nth} year, sold {n4} tickets.",
         "{film} was made for just {money2} with help from {org2}.",
         "{film} has sold to distributors in {n1} countries, {p3s} said.",
         "Critics in {city} had tipped {film} since its first screening.",
         "{p4}, {p4role}, said the audience at {org} applauded {film} for minutes.",
         "{p1s} made documentaries in {region} before turning to fiction with {film}."),
        (("p1", "{film} belongs to everyone who made it"),
         ("p1", "We made {film} to tell a true story honestly"),
         ("p2", "Films like {film} help us understand each other"),
         ("p3", "{film} is a deeply humane film"),
         ("p4", "No audience in {city} has reacted like that in years")),
        ("{film} opens in cinemas in {nextmonth}.",
         "The festival in {city} closes on {nextday} with {film}."),
    ),
)  # fmt: skip

# Sentences any report can carry, whatever its beat: so they are anchored on values drawn afresh on
# every use ({x}, a bystander; {fn}, {fcity} and the other {f...}), never on the event's own names,
# which two unrelated events may share.
GENERIC = (
    '"We want answers," {x} said.',
    '"A real shock," {x}, {xrole}, said.',
    '"Everyone worries," said {x}.',
    '"Nobody told us," {x} said.',
    '"Things must change," {x}, {xrole}, said.',
    "{x}, {xrole}, sounded hopeful.",
    "{x} counted {fn} people at a protest.",
    "{x} said {fpct} per cent of {fn} people surveyed were gloomy.",
    "{fcity} saw a similar episode in {fyear}, {x} recalled.",
    "Reaction in {fcity} was muted, {x}, {xrole}, said.",
    "Figures from {institute} put {issue} high among worries in {region}.",
    '"{city} has never seen this," said {x}.',
)
INSTITUTIONAL = (
    "{org} declined to comment, {x} said.",
    "{org} pledged to cooperate, {x} said.",
    "Pressure on {org} is likely to grow, {x} said.",
    "Opposition politicians in {region} demanded an inquiry into {org}.",
    "The mood in {city} was tense, {x} said.",
)
# What each beat's stories are, for background lines ("a similar storm in Calmere in 2014").
BEAT_NOUNS = {
    "courts": "fraud case", "elections": "election", "weather": "storm", "markets": "profit warning",
    "transport": "rail strike", "health": "outbreak", "tech": "data breach", "sport": "cup run",
    "energy": "price rise", "housing": "housing scheme", "diplomacy": "border dispute", "crime": "robbery",
    "science": "discovery", "education": "funding row", "culture": "film festival",
}  # fmt: skip
# Background and comparison lines for long reports. Like the generic lines they are anchored on
# values drawn afresh on every use, so a long report never repeats itself word for word.
BACKGROUND = (
    "In {fyear}, {fcity} had a similar {noun}, said {x}.",
    "{x}, {xrole}, recalled the {noun} in {fcity}.",
    "In {fcity}, a {noun} in {fyear} cost {fmoney}, {x} said.",
    "{x} of {fcity} said the {noun} drew {fn} people.",
    "{fcity} drew {fn} complaints about a {noun}, {x} said.",
    "{x} of {fcity} wrote to neighbours.",
    "{x} has followed the {noun} from {fcity} for {fsmall} years.",
    "Similar cases in {fcity} cost about {fmoney}, {x} estimated.",
    "{x}, {xrole}, said {fcity} was watching closely.",
    "{x} has campaigned since {fyear} in {fcity}.",
    '"{fcity} saw this coming," said {x}.',
    "{x} of {fcity} has seen {fn} such cases since {fyear}.",
    "In {fyear}, {x} covered a similar {noun} in {fcity}.",
    "{x}, {xrole}, moved to {fcity} in {fyear}.",
    "A petition by {x} in {fcity} has {fn} signatures.",
    "{x} lost {fcash} in a {noun} in {fcity}.",
    "{fcity} council spent {fmoney} on a {noun} review, {x} said.",
    "{x}, {xrole}, organised a meeting in {fcity} for {fn} people.",
    "Locals in {fcity} compared it with {fyear}, {x} said.",
    "{x} has followed every {noun} in {fcity} since {fyear}.",
    '"{fcity} has been here before," {x} said.',
    '"Ask anyone in {fcity}," said {x}.',
    "{x}, {xrole}, said {fn} families in {fcity} were affected.",
    "{fcity} paid {fmoney} after a {noun} in {fyear}, {x} noted.",
    "In {fcity}, {fn} people attended a meeting, {x} said.",
    "{x}, {xrole}, blamed years of neglect in {fcity}.",
    "Records from {fcity} list {fn} similar incidents, {x} said.",
    "{x} drove from {fcity} to follow events.",
    "{fcity} has asked for {fmoney} in support, {x} said.",
)
BACKGROUND_HARD = ("Neighbours in {fcity} raised {fcash} for those affected, {x} said.",)
# Cross-headings of long reports; each names the story's place or organisation, like the text.
SUBHEADINGS = ("What next for {city}", "Reaction in {city2}", "Background: {org}", "{org}: the facts",
               "Why {city} matters", "The numbers in {region}", "{org}: key questions",
               "Anger in {city}")  # fmt: skip
ATTRIBUTION_FULL = (
    '"{q}," said {name}, {role}.',
    '"{q}," {name}, {role}, said.',
    '{name}, {role}, said: "{q}."',
    '"{q}," {name}, {role}, told reporters in {city}.',
)
ATTRIBUTION_SHORT = (
    '"{q}," {surname} said.',
    '"{q}," {surname} added.',
    '{surname} told reporters: "{q}."',
    '"{q}," {surname} said on {day}.',
    '"{q}," said {surname}.',
    'In a statement, {surname} said: "{q}."',
)

# ---------------------------------------------------------------------------------------------
# Outlets and their house styles
# ---------------------------------------------------------------------------------------------

# (name, domain, beats it covers ("" = all), flags: wire, rss, atom, summary, wp)
OUTLET_TABLE = (
    ("Meridian Wire", "meridianwire.com", "", "wire rss"),
    ("The Northgate Herald", "northgateherald.com", "", ""),
    ("Daily Ledger", "dailyledger.co.uk", "", ""),
    ("Continental Press Agency", "cpa-news.eu", "", "wire"),
    ("Coastline Times", "coastlinetimes.com", "", ""),
    ("Horizon Newswire", "horizonnewswire.com", "", "wire atom"),
    ("The Civic Post", "civicpost.org", "", ""),
    ("Riverside Chronicle", "riversidechronicle.com", "", ""),
    ("Capital Observer", "capitalobserver.net", "", ""),
    ("Atlas News Network", "atlasnews.tv", "", ""),
    ("Beacon Online", "beacononline.net", "", "rss summary"),
    ("The Morning Dispatch", "morningdispatch.com", "", ""),
    ("Lakeshore Tribune", "lakeshoretribune.com", "", ""),
    ("Harbour Evening News", "harbourevening.co.uk", "", ""),
    ("Pinecrest Gazette", "pinecrestgazette.com", "", ""),
    ("Summit Daily", "summitdaily.news", "", ""),
    ("The Weekly Compass", "weeklycompass.com", "", ""),
    ("Metro Insider", "metroinsider.io", "", ""),
    ("Brightwater Journal", "brightwaterjournal.com", "", ""),
    ("Granite Reporter", "granitereporter.com", "", ""),
    ("Evening Lantern", "eveninglantern.co.uk", "", ""),
    ("Northern Star Media", "northernstar.media", "", ""),
    ("Westbrook Telegraph", "westbrooktelegraph.co.uk", "", ""),
    ("Cedar Valley Times", "cedarvalleytimes.com", "", ""),
    ("City Desk Live", "citydesk.live", "", "rss wp"),
    ("Ironbridge Post", "ironbridgepost.com", "", ""),
    ("Harborview Daily", "harborviewdaily.com", "", ""),
    ("Pacific Rim Report", "pacificrimreport.com", "", ""),
    ("Eastside Voice", "eastsidevoice.org", "", ""),
    ("Global Affairs Today", "globalaffairstoday.com", "diplomacy elections energy markets", ""),
    ("The Market Ledger", "marketledger.com", "markets energy tech", ""),
    ("TechPulse", "techpulse.io", "tech science", "rss wp"),
    ("Sporting Record", "sportingrecord.co.uk", "sport", ""),
    ("Science Frontier News", "sciencefrontier.news", "science health tech", "atom"),
    ("Health Watch Daily", "healthwatchdaily.com", "health science", ""),
    ("Energy Monitor Review", "energymonitorreview.com", "energy markets weather", ""),
    ("Open Road Transport News", "openroadnews.com", "transport", ""),
    ("Campus Chronicle", "campuschronicle.org", "education science", ""),
    ("Arts & Letters Review", "artsandletters.review", "culture", ""),
    ("Greenfield Courier", "greenfieldcourier.com", "", ""),
    ("Redhill Examiner", "redhillexaminer.co.uk", "", ""),
    ("Silverlake Sentinel", "silverlakesentinel.com", "", ""),
    ("The Plainsman", "theplainsman.com", "", ""),
    ("Valley Broadcasting Network", "vbn.tv", "", ""),
    ("Union Street Journal", "unionstreetjournal.com", "", ""),
    ("Continental Business Daily", "cbdaily.com", "markets energy tech transport", ""),
    ("The Quay", "thequay.ie", "", ""),
    ("Norland Radio News", "norlandradio.com", "", ""),
    ("Fairhaven Express", "fairhavenexpress.com", "", ""),
    ("Kingsbridge Mail", "kingsbridgemail.co.uk", "", ""),
    ("Delta Region Today", "deltaregiontoday.com", "", ""),
    ("The Overland Review", "overlandreview.com", "diplomacy culture elections", ""),
    ("Bayside Press", "baysidepress.com.au", "", ""),
    ("Mountain View Record", "mvrecord.com", "", ""),
    ("The Independent Monitor", "independentmonitor.org", "courts crime elections", ""),
    ("Crossroads Magazine", "crossroadsmag.com", "culture science education", ""),
    ("Frontline Dispatch", "frontlinedispatch.net", "", ""),
    ("The Sunday Review", "sundayreview.co.uk", "", ""),
    ("Newsroom Nine", "newsroom9.com", "", ""),
    ("Lowland Times", "lowlandtimes.nl", "", ""),
)

COOKIE_NOTICES = (
    "We use cookies to improve your experience on our site. By continuing to browse, you agree to our use "
    "of cookies.",
    "{outlet} and our partners use cookies and similar technologies to store and access information on "
    "your device for personalised advertising and content, measurement and audience insights.",
    "This website uses cookies. Accept all cookies | Reject | Cookie settings",
    "We value your privacy. We and our 142 partners store and access information on a device, such as "
    "unique identifiers in cookies, to process personal data. You may accept or manage your choices.",
    "By using this site you consent to our Cookie Policy.",
    "Cookies help us deliver our services. Manage cookie preferences",
)
AD_MARKERS = ("Advertisement", "ADVERTISEMENT", "- Advertisement -", "Story continues below advertisement",
              "Ad", "SKIP ADVERTISEMENT", "Sponsored content")  # fmt: skip
RELATED_PREFIXES = ("Related:", "READ MORE:", "Read also:", "RELATED:", "See also:", "More:")
NEWSLETTERS = (
    "Sign up to the {outlet} Morning Briefing, delivered to your inbox every weekday.",
    "Get the latest headlines from {outlet} straight to your inbox. Subscribe now",
    "Enjoying this article? Support independent journalism: subscribe to {outlet} for less than a coffee "
    "a week.",
    "Newsletter sign-up: the week in {section}, every Friday",
    "Already a subscriber? Log in to read more from {outlet}.",
)
PHOTO_FORMATS = (
    "Photo: {name} / {agency}",
    "(Photo by {name}/{agency})",
    "{caption} Photograph: {name}/{agency}",
    "{caption} | {agency}",
    "{caption} (Image: {agency})",
    "{caption} Credit: {name} for {outlet}",
)
CAPTIONS = (
    "{p1} speaks to reporters in {city} on {day}.",
    "{p1} in {city}.",
    "A view of {city}, {region}.",
    "{p2} arrives in {city} on {day}.",
    "File photo of {city2}.",
)
SHARE_LINES = ("Share this article", "Share on Facebook Share on X Share via Email",
               "FacebookTwitterLinkedInEmail", "Share Tweet Email Print", "Copy link",
               "Listen to this article",
               "Share")  # fmt: skip
COPYRIGHTS = (
    "© 2025 {outlet}. All rights reserved.",
    "Copyright © {outlet} Media Group 2025",
    "© {outlet} 2025. This material may not be published, broadcast, rewritten or redistributed.",
    "All content © 2025 {outlet} Ltd. Registered in England and Wales.",
    "(c) 2025 {outlet}",
)
TAIL_HEADINGS = ("Most Read", "More from {outlet}", "Trending now", "Read next", "Top stories",
                 "You might also like")  # fmt: skip
SECTION_FORMATS = ("{section}", "Home › News › {section}", "Home | News | {section} | World",
                   "News{section}LocalOpinion", "{upper}", "Home / {section}")  # fmt: skip
BYLINE_FORMATS = ("By {author}", "By {author} · {outlet}", "by {author} | {outlet}", "{author}, {section} "
                  "correspondent", "Written by {author}", "By {upper}", "Reporter: {author}",
                  "By: {author}")  # fmt: skip
DATE_LINE_FORMATS = (
    "Published {d} {Month} {yyyy}",
    "{Month} {d}, {yyyy}",
    "Updated {Month} {d}, {yyyy} {h12}:{mm} {ampm} ET",
    "{Weekday} {d} {Month} {yyyy} {HH}.{mm} GMT",
    "Posted on {yyyy}-{mm2}-{dd2}",
    "{d} {Mon} {yyyy}, {HH}:{mm}",
    "Last updated: {Month} {d}, {yyyy} at {h12}:{mm} {ampm}",
)
NAV_ITEMS = ("Home", "News", "World", "Business", "Politics", "Sport", "Culture", "Opinion", "Video",
             "Podcasts")  # fmt: skip
SMALL_WORDS = frozenset("a an and as at but by for from in into of on or over the to up with".split())


@dataclass(frozen=True)
class Style:
    """An outlet's house style: how its pages are laid out and what residue they carry."""

    blank_lines: bool
    curly: bool
    percent: str
    title_case: bool
    title_line: float
    time_line: bool
    section: str | None
    byline: str | None
    date_format: int
    date_line: float
    cookie: str | None
    share_top: str | None
    share_bottom: str | None
    ad: str | None
    ad_every: int
    related: str | None
    newsletter: str | None
    photo: str | None
    copyright: str
    tail_heading: str | None
    wrap: int | None
    trailing_space: bool
    crlf: bool
    sidecar_keys: tuple[str, ...]
    sidecar_date: str
    sidecar_comment: bool
    url_format: int
    reporters: tuple[str, ...]


@dataclass(frozen=True)
class Outlet:
    """A publisher: its name, domain, the beats it covers and its house style."""

    name: str
    domain: str
    weight: float
    beats: frozenset[str] | None
    wire: bool
    feed: str | None
    summary_feed: bool
    wordpress: bool
    style: Style


T = TypeVar("T")


def _pick(rng: Random, options: Sequence[T]) -> T:
    """One of `options`: Random.choice, without its rejection sampling, which is a third of the run time."""
    return options[int(rng.random() * len(options))]


def _int(rng: Random, low: int, high: int) -> int:
    """A whole number from low to high inclusive, like Random.randint but cheaper."""
    return low + int(rng.random() * (high - low + 1))


def _maybe(rng: Random, share: float, options: Sequence[str]) -> str | None:
    return _pick(rng, options) if rng.random() < share else None


def _make_style(name: str, wire: bool) -> Style:
    """Derive an outlet's style from its name alone, so it is the same for every seed."""
    rng = Random(f"style:{name}")
    keys = ["date", "source"]
    keys += [key for key, share in (("url", 0.8), ("title", 0.4), ("author", 0.3)) if rng.random() < share]
    reporters = tuple(f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}" for _ in range(_int(rng, 5, 12)))
    return Style(
        blank_lines=rng.random() < 0.55,
        curly=rng.random() < 0.5,
        percent=_pick(rng, (" per cent", " percent", "%")),
        title_case=rng.random() < 0.35,
        title_line=_pick(rng, (0.5, 0.8, 0.95, 1.0)),
        time_line=rng.random() < 0.08,
        section=_maybe(rng, 0.5, SECTION_FORMATS),
        byline=_maybe(rng, 0.85, BYLINE_FORMATS),
        date_format=rng.randrange(len(DATE_LINE_FORMATS)),
        date_line=_pick(rng, (0.0, 0.0, 0.3, 0.9)),
        cookie=_maybe(rng, 0.45, COOKIE_NOTICES),
        share_top=_maybe(rng, 0.3, SHARE_LINES),
        share_bottom=_maybe(rng, 0.4, SHARE_LINES),
        ad=_maybe(rng, 0.6, AD_MARKERS),
        ad_every=_int(rng, 4, 8),
        related=_maybe(rng, 0.6, RELATED_PREFIXES),
        newsletter=_maybe(rng, 0.5, NEWSLETTERS),
        photo=_maybe(rng, 0.6, PHOTO_FORMATS),
        copyright=_pick(rng, COPYRIGHTS),
        tail_heading=_maybe(rng, 0.5, TAIL_HEADINGS),
        wrap=_pick(rng, (72, 80)) if rng.random() < 0.05 else None,
        trailing_space=rng.random() < 0.1,
        crlf=rng.random() < 0.05,
        sidecar_keys=tuple(keys),
        sidecar_date=_pick(rng, ("date", "date", "date", "iso", "rfc")),
        sidecar_comment=rng.random() < 0.3,
        url_format=0 if wire else rng.randrange(4),
        reporters=reporters,
    )


def _make_outlets() -> tuple[Outlet, ...]:
    outlets: list[Outlet] = []
    for rank, (name, domain, beats, flags) in enumerate(OUTLET_TABLE):
        words = flags.split()
        feed = "rss" if "rss" in words else "atom" if "atom" in words else None
        outlets.append(
            Outlet(
                name=name,
                domain=domain,
                # Zipf-like reach: a few big outlets publish most of the reports.
                weight=1 / (rank + 2) ** 0.8,
                beats=frozenset(beats.split()) if beats else None,
                wire="wire" in words,
                feed=feed,
                summary_feed="summary" in words,
                wordpress="wp" in words,
                style=_make_style(name, "wire" in words),
            )
        )
    return tuple(outlets)


OUTLETS = _make_outlets()
OUTLET_NAMES = tuple(outlet.name for outlet in OUTLETS)
BEAT_CUM = tuple(accumulate(beat.weight for beat in BEATS))


def _outlet_table(feeds_only: bool) -> dict[str, tuple[tuple[Outlet, ...], tuple[float, ...]]]:
    """Per beat, the outlets that cover it and their cumulative weights (specialists weigh more)."""
    table: dict[str, tuple[tuple[Outlet, ...], tuple[float, ...]]] = {}
    for beat in BEATS:
        chosen = [
            o for o in OUTLETS if (o.beats is None or beat.name in o.beats) and (o.feed or not feeds_only)
        ]
        weights = [o.weight * (3 if o.beats else 1) for o in chosen]
        table[beat.name] = (tuple(chosen), tuple(accumulate(weights)))
    return table


OUTLETS_BY_BEAT = _outlet_table(feeds_only=False)
FEED_OUTLETS_BY_BEAT = _outlet_table(feeds_only=True)

# ---------------------------------------------------------------------------------------------
# Events and their casts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One real-world happening: its beat, when it happened, its cast and what was said."""

    number: int
    beat: Beat
    date: datetime
    cast: dict[str, str]
    quotes: tuple[tuple[str, str, str, str], ...]  # (name, surname, role, words)
    # The beat's body sentences this story's reports draw on: stories differ in what they cover.
    body: tuple[str, ...]


def _money(rng: Random, currency: str) -> str:
    """An amount such as "£4.7 million": never a round figure, so amounts tell events apart."""
    scale = rng.random()
    if scale < 0.35:
        return f"{currency}{_int(rng, 120, 990) * 1000 + _int(rng, 1, 99) * 10:,}"
    tenths = _int(rng, 11, 989) if scale < 0.85 else _int(rng, 11, 95)
    if tenths % 10 == 0:
        tenths += _int(rng, 1, 9)
    return f"{currency}{tenths / 10:.1f} {'million' if scale < 0.85 else 'billion'}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _proper_name(rng: Random) -> str:
    """An invented two-syllable name (Norvik, Calmere): about 1,400 of them."""
    return _pick(rng, NAME_HEADS) + _pick(rng, NAME_TAILS)


def _place(rng: Random) -> str:
    """A town: a real city or, more often, an invented one, so that few events share a place."""
    return _pick(rng, CITIES) if rng.random() < 0.4 else _proper_name(rng)


def _base_cast(rng: Random, date: datetime) -> dict[str, str]:
    """The beat-independent part of a cast: people, places, organisations, numbers, dates."""
    cast: dict[str, str] = {}
    for slot in ("p1", "p2", "p3", "p4"):
        last = _pick(rng, LAST_NAMES)
        cast[slot] = f"{_pick(rng, FIRST_NAMES)} {last}"
        cast[slot + "s"] = last
    cast["city"] = _place(rng)
    cast["city2"] = _place(rng)
    while cast["city2"] == cast["city"]:
        cast["city2"] = _place(rng)
    cast["rn"] = _proper_name(rng)
    cast["region"] = f"{cast['rn']} {_pick(rng, REGION_SUFFIXES)}"
    cast["c1"], cast["c2"] = (_pick(rng, NAME_HEADS) + _pick(rng, COUNTRY_TAILS) for _ in range(2))
    if cast["c1"] == cast["c2"]:
        cast["c2"] = "North " + cast["c2"]
    stem = _proper_name(rng)
    cast["name"] = _proper_name(rng)
    cast["company"] = f"{stem} {_pick(rng, COMPANY_SUFFIXES)}"
    cast["techco"] = f"{stem} {_pick(rng, TECH_SUFFIXES)}"
    cast["energyco"] = f"{_proper_name(rng)} {_pick(rng, ENERGY_SUFFIXES)}"
    cast["developer"] = f"{stem} {_pick(rng, DEVELOPER_SUFFIXES)}"
    cast["bank"] = f"{_proper_name(rng)} {_pick(rng, BANK_SUFFIXES)}"
    cast["institute"] = _pick(rng, INSTITUTE_FORMATS).format(
        last=_pick(rng, LAST_NAMES), name=_proper_name(rng)
    )
    cast["storm"] = f"Storm {_pick(rng, FIRST_NAMES)}"
    cast["film"] = f"The {_pick(rng, FILM_ADJECTIVES)} {_pick(rng, FILM_NOUNS)}"
    cast["street"] = f"{_pick(rng, LAST_NAMES)} {_pick(rng, STREET_SUFFIXES)}"
    cast["project"] = f"the {_proper_name(rng)} {_pick(rng, PROJECT_SUFFIXES)}"
    currency = _pick(rng, ("$", "£", "€"))
    for key in ("money", "money2", "money3"):
        cast[key] = _money(rng, currency)
    n1 = _int(rng, 2, 9)
    cast["n1"], cast["n5"], cast["n6"] = str(n1), str(_int(rng, 2, 9)), str(n1 + _int(rng, 2, 8))
    cast["a_n1"] = f"{'an' if n1 == 8 else 'a'} {n1}"  # "an 8-day strike"
    cast["n2"] = str(_int(rng, 40, 950))
    # Large figures never end in 000-099: "2,017" would read as two small, common numbers.
    cast["n3"] = f"{_int(rng, 5, 950) * 1000 + _int(rng, 100, 999):,}"
    cast["n4"] = f"{_int(rng, 1, 59) * 1000 + _int(rng, 100, 999):,}"
    cast["pct"], cast["pct2"], cast["pct3"] = (
        str(_int(rng, 4, 35)),
        str(_int(rng, 2, 19)),
        str(_int(rng, 20, 80)),
    )
    cast["share"], cast["turnout"] = str(_int(rng, 41, 63)), str(_int(rng, 38, 78))
    year2 = _int(rng, 2008, 2021)
    cast["year2"], cast["year3"] = str(year2), str(_int(rng, year2 + 1, 2024))
    cast["day"] = WEEKDAYS[date.weekday()]
    cast["nextday"] = WEEKDAYS[(date.weekday() + _int(rng, 2, 6)) % 7]
    cast["prevday"] = WEEKDAYS[(date.weekday() - _int(rng, 1, 3)) % 7]
    cast["month"] = MONTHS[date.month - 1]
    cast["nextmonth"] = MONTHS[date.month % 12]
    cast["ordinal"] = _pick(rng, ORDINALS)
    cast["nth"] = _ordinal(_int(rng, 12, 60))
    cast["wind"], cast["mm"] = str(rng.randrange(90, 185, 5)), str(_int(rng, 60, 260))
    age1 = _int(rng, 17, 29)
    cast["age1"], cast["age2"] = str(age1), str(age1 + _int(rng, 3, 30))
    goals = _int(rng, 1, 4)
    cast["score"] = f"{goals}-{_int(rng, 0, goals - 1)}"
    cast["minute1"], cast["late"] = str(_int(rng, 8, 40)), str(_int(rng, 3, 25))
    seats = _int(rng, 31, 71)
    votes_for = _int(rng, seats // 2 + 1, seats - 3)
    cast["votes_for"], cast["votes_against"], cast["votes_total"] = (
        str(votes_for), str(_int(rng, 3, seats - votes_for)), str(seats))  # fmt: skip
    cast["classsize"] = str(_int(rng, 30, 38))
    return cast


def _cast(rng: Random, beat: Beat, date: datetime) -> dict[str, str]:
    """A full cast for one event of `beat`: the base cast, the beat's extras, roles and issue."""
    cast = _base_cast(rng, date)
    for key, options in beat.extras:
        cast[key] = _pick(rng, options).format_map(cast)
    for slot, options in zip(("p1", "p2", "p3", "p4"), beat.roles, strict=True):
        cast[slot + "role"] = _pick(rng, options).format_map(cast)
    cast["issue"] = _pick(rng, beat.issues)
    cast["noun"] = BEAT_NOUNS[beat.name]
    return cast


def _event(seed: int, number: int) -> Event:
    """Event `number` of a seed's corpus, from its own random stream."""
    rng = Random(f"{seed}:event:{number}")
    beat = rng.choices(BEATS, cum_weights=BEAT_CUM)[0]
    date = YEAR_START + timedelta(days=rng.randrange(365), hours=_int(rng, 6, 20), minutes=rng.randrange(60))
    cast = _cast(rng, beat, date)
    # The people quoted: every report of the event draws on the same words, as real ones do.
    quotes: list[tuple[str, str, str, str]] = []
    for slot, words in rng.sample(beat.quotes, 3):
        quotes.append((cast[slot], cast[slot + "s"], cast[slot + "role"], words.format_map(cast)))
    body = tuple(rng.sample(beat.body, k=len(beat.body) * 3 // 4))
    return Event(number, beat, date, cast, tuple(quotes), body)


def _layout(seed: int) -> Iterator[tuple[int, int, int]]:
    """(event number, first article index, size) of every event, endlessly, independent of N."""
    rng = Random(f"{seed}:layout")
    start = 0
    number = 0
    while True:
        size = rng.choices(EVENT_SIZES, cum_weights=EVENT_SIZE_CUM)[0]
        yield number, start, size
        start += size
        number += 1


# ---------------------------------------------------------------------------------------------
# Reports: one outlet's article about an event
# ---------------------------------------------------------------------------------------------


class Fill(dict[str, str]):
    """An event's cast for template filling; bystanders, other outlets and figures come fresh each use."""

    def __init__(self, cast: dict[str, str], rng: Random, outlet: Outlet) -> None:
        super().__init__(cast)
        self.rng = rng
        self.outlet = outlet

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key == "x":
            return f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}"
        if key == "xrole":
            return _pick(rng, X_ROLES).format_map(self)
        if key == "other":
            name = _pick(rng, OUTLET_NAMES)
            return name if name != self.outlet.name else OUTLET_NAMES[0]
        if key == "fn":
            return str(_int(rng, 110, 990))
        if key == "fpct":
            return str(_int(rng, 12, 78))
        if key == "fsmall":
            return str(_int(rng, 3, 40))
        if key == "fyear":
            return str(_int(rng, 2005, 2023))
        if key == "fcity":
            return _place(rng)
        if key == "fmonth":
            return _pick(rng, MONTHS)
        if key == "fmoney":
            return _money(rng, _pick(rng, ("$", "£", "€")))
        if key == "fcash":
            return f"{_pick(rng, ('$', '£', '€'))}{_int(rng, 1, 49) * 1000 + _int(rng, 1, 99) * 10:,}"
        raise KeyError(key)


@dataclass
class Report:
    """One outlet's article about one event, before it is laid out as a file."""

    seed: int
    index: int
    event: Event
    outlet: Outlet
    kind: str  # "txt", "html" or "feed"
    title: str
    authors: tuple[str, ...]
    published: datetime
    url: str
    paragraphs: list[str]
    dateless: bool
    copied_from: Outlet | None

    @property
    def section(self) -> str:
        """The outlet section the report ran in."""
        return self.event.beat.section

    @property
    def author(self) -> str:
        """The byline's names."""
        return " and ".join(self.authors)


_CURLY = re.compile(r'"([^"\n]+)"')
_SLUG = re.compile(r"[^a-z0-9]+")


def _introduce(template: str, introduced: set[str]) -> str:
    """Name people in full the first time a report mentions them: "Freya Morales", then "Morales"."""
    for slot in ("p1", "p2", "p3", "p4"):
        full, short = "{" + slot + "}", "{" + slot + "s}"
        if full in template:
            introduced.add(slot)
        elif short in template:
            if slot not in introduced:
                template = template.replace(short, full, 1)
            introduced.add(slot)
    return template


def _sentence(template: str, fill: Fill) -> str:
    text = template.format_map(fill)
    # Templates may open with "the ..." or a lower-case region name.
    return text[:1].upper() + text[1:]


def _house(text: str, style: Style) -> str:
    """Apply an outlet's copy style (percent sign, quote marks) to a line of its text."""
    if style.percent != " per cent":
        text = text.replace(" per cent", style.percent)
    if style.curly:
        text = _CURLY.sub("“\\1”", text).replace("'", "’")
    return text


def _headline_case(title: str, style: Style) -> str:
    if not style.title_case:
        return title
    words = title.split(" ")
    return " ".join(
        w if (i and w.lower() in SMALL_WORDS) or not w[:1].isalpha() else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def _quote_paragraph(rng: Random, fill: Fill, quote: tuple[str, str, str, str], first: bool) -> str:
    name, surname, role, words = quote
    formats = ATTRIBUTION_FULL if first else ATTRIBUTION_SHORT
    text = _pick(rng, formats).format(
        q=words, name=name, surname=surname, role=role, city=fill["city"], day=fill["day"]
    )
    return text[:1].upper() + text[1:]


def _decks(rng: Random, event: Event) -> tuple[list[str], list[str], list[str]]:
    """A report's shuffled lines: the story's facts, reactions, background; each used once."""
    soft = event.beat.soft
    decks = (list(event.body), list(GENERIC if soft else GENERIC + INSTITUTIONAL),
             list(BACKGROUND if soft else BACKGROUND + BACKGROUND_HARD))  # fmt: skip
    for deck in decks:
        rng.shuffle(deck)
    return decks


def _compose(rng: Random, event: Event, outlet: Outlet) -> list[str]:
    """The paragraphs of one report: a lead, facts, quotes and context, to a log-normal length."""
    beat = event.beat
    fill = Fill(event.cast, rng, outlet)
    target = min(MAX_WORDS, max(MIN_WORDS, int(rng.lognormvariate(math.log(MEDIAN_WORDS), WORDS_SIGMA))))
    introduced: set[str] = set()
    lead = _sentence(_introduce(_pick(rng, beat.leads), introduced), fill)
    if outlet.wire:
        # Wire copy opens with a dateline naming the agency; syndicated copies keep it.
        lead = f"{event.cast['city'].upper()} ({outlet.name}) - {lead}"
    paragraphs = [lead]
    words = len(lead.split())
    specific, general, background = _decks(rng, event)
    event_quotes = list(event.quotes)
    rng.shuffle(event_quotes)
    # The beat's other quotes, each used at most once: a report that repeats a quote reads as broken.
    said = {words for _, _, _, words in event_quotes}
    more_quotes = [(slot, t.format_map(fill)) for slot, t in beat.quotes if t.format_map(fill) not in said]
    rng.shuffle(more_quotes)
    quoted: set[str] = set()
    headings = list(SUBHEADINGS)
    rng.shuffle(headings)
    since_heading = 0
    while words < target:
        wants_quote = len(paragraphs) == 2 or (len(paragraphs) > 2 and rng.random() < 0.22)
        if wants_quote and (event_quotes or more_quotes):
            if event_quotes:
                quote = event_quotes.pop()
            else:
                slot, words_said = more_quotes.pop()
                quote = (event.cast[slot], event.cast[slot + "s"], event.cast[slot + "role"], words_said)
            paragraph = _quote_paragraph(rng, fill, quote, quote[0] not in quoted)
            quoted.add(quote[0])
        else:
            sentences = []
            draw = rng.random()
            for _ in range(1 if draw < 0.45 else 2 if draw < 0.85 else 3):
                if not (specific or general or background):
                    # Long reports use up every line. The story's facts are never told twice; the
                    # lines anchored on fresh bystanders and places go round again, reading anew.
                    _, general, background = _decks(rng, event)
                    general = [line for line in general if "{x}" in line or "{f" in line]
                # The opening paragraphs keep to the story's facts; reaction and background come later.
                if specific and (len(paragraphs) < 4 or rng.random() < 0.6 or not (general or background)):
                    template = specific.pop()
                elif general and (rng.random() < 0.5 or not background):
                    template = general.pop()
                else:
                    template = background.pop()
                sentences.append(_sentence(_introduce(template, introduced), fill))
            paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
        since_heading += 1
        if target > 700 and since_heading >= 6 and rng.random() < 0.3 and words < target - 100 and headings:
            paragraphs.append(_sentence(headings.pop(), fill))
            since_heading = 0
    closers = (
        beat.closers
        if beat.soft
        else (*beat.closers, "This story from {city} is developing and will be updated.")
    )
    paragraphs.append(_sentence(_introduce(_pick(rng, closers), introduced), fill))
    return [_house(p, outlet.style) for p in paragraphs]


def _is_heading(paragraph: str) -> bool:
    """Whether a paragraph is a cross-heading: a few words, no closing punctuation."""
    return len(paragraph.split()) <= 8 and paragraph[-1:] not in '.!?"”'


def _pick_outlet(rng: Random, beat: Beat, feed: bool, avoid: Outlet | None = None) -> Outlet:
    outlets, cum = (FEED_OUTLETS_BY_BEAT if feed else OUTLETS_BY_BEAT)[beat.name]
    for _ in range(8):
        outlet = rng.choices(outlets, cum_weights=cum)[0]
        if outlet is not avoid:
            return outlet
    return outlet


def _short_hash(*parts: object, size: int = 8) -> str:
    return hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=size).hexdigest()


def _url(outlet: Outlet, section: str, title: str, published: datetime, seed: int, index: int) -> str:
    """A permalink in the outlet's URL scheme, unique per article."""
    slug = "-".join(_SLUG.sub(" ", title.lower()).split()[:10])
    number = int(_short_hash(seed, index, size=4), 16) % 90_000_000 + 10_000_000
    section = "news" if outlet.wire else section.lower()
    ymd = f"{published:%Y/%m/%d}"
    fmt = outlet.style.url_format
    if fmt == 0:
        return f"https://www.{outlet.domain}/{section}/{ymd}/{slug}-{number}"
    if fmt == 1:
        return f"https://{outlet.domain}/news/{slug}-{number}"
    if fmt == 2:
        return f"https://www.{outlet.domain}/{ymd}/{slug}-{number}.html"
    return f"https://{outlet.domain}/article/{number}/{slug}"


def _retitle(rng: Random, title: str, city: str) -> str:
    """A syndicated copy's headline: the original's, lightly edited by the second desk."""
    options = [f"UPDATE 1-{title}", f"{city}: {title}", title.rstrip(".") + " - reports"]
    for word, other in ((" after ", " following "), (" as ", " while "), (" over ", " about ")):
        if word in title:
            options.append(title.replace(word, other, 1))
            options.append(title.split(word, 1)[0])
    return _pick(rng, options)


def _report(seed: int, index: int, event: Event, start: int) -> Report:
    """Article `index` of a seed's corpus, which reports `event` (whose first article is `start`)."""
    rng = Random(f"{seed}:article:{index}")
    draw = rng.random()
    kind = "feed" if draw < FEED_SHARE else "html" if draw < FEED_SHARE + HTML_SHARE else "txt"
    dateless = kind == "txt" and rng.random() < DATELESS_SHARE
    days = rng.choices(range(len(REPORT_DAY_CUM)), cum_weights=REPORT_DAY_CUM)[0]
    published = min(
        YEAR_END, event.date + timedelta(days=days, hours=_int(rng, 1, 10), minutes=rng.randrange(60))
    )
    if index > start and rng.random() < COPY_SHARE_OF_FOLLOWUPS:
        original = _report(seed, rng.randrange(start, index), event, start)
        outlet = _pick_outlet(rng, event.beat, kind == "feed", avoid=original.outlet)
        title = _headline_case(_retitle(rng, original.title, event.cast["city"]), outlet.style)
        paragraphs = list(original.paragraphs)
        if len(paragraphs) > 5 and rng.random() < 0.5:
            paragraphs.pop()  # syndication desks trim the last paragraph to fit
        published = min(YEAR_END, max(published, original.published + timedelta(hours=_int(rng, 1, 6))))
        url = _url(outlet, event.beat.section, title, published, seed, index)
        return Report(seed, index, event, outlet, kind, title, original.authors, published, url, paragraphs,
                      dateless, original.outlet)  # fmt: skip
    outlet = _pick_outlet(rng, event.beat, kind == "feed")
    fill = Fill(event.cast, rng, outlet)
    title = _house(
        _headline_case(_sentence(_pick(rng, event.beat.headlines), fill), outlet.style), outlet.style
    )
    reporters = outlet.style.reporters
    authors = tuple(rng.sample(reporters, 2)) if rng.random() < 0.15 else (_pick(rng, reporters),)
    paragraphs = _compose(rng, event, outlet)
    url = _url(outlet, event.beat.section, title, published, seed, index)
    return Report(
        seed, index, event, outlet, kind, title, authors, published, url, paragraphs, dateless, None
    )


# ---------------------------------------------------------------------------------------------
# Layout: the report as a scraped text file, a saved page or a feed entry
# ---------------------------------------------------------------------------------------------


def _date_line(when: datetime, fmt: int) -> str:
    hour12 = when.hour % 12 or 12
    return DATE_LINE_FORMATS[fmt].format(
        d=when.day, Month=MONTHS[when.month - 1], Mon=MONTHS[when.month - 1][:3], yyyy=when.year,
        Weekday=WEEKDAYS[when.weekday()], HH=f"{when.hour:02d}", mm=f"{when.minute:02d}", h12=hour12,
        ampm="p.m." if when.hour >= 12 else "a.m.", mm2=f"{when.month:02d}", dd2=f"{when.day:02d}",
    )  # fmt: skip


@cache
def _headline_pool() -> tuple[str, ...]:
    """Headlines of other stories, made once: a whole cast per "Related:" line would double the run time."""
    rng = Random("related-headlines")
    pool = []
    for _ in range(RELATED_HEADLINES):
        beat = rng.choices(BEATS, cum_weights=BEAT_CUM)[0]
        cast = _cast(rng, beat, YEAR_START + timedelta(days=rng.randrange(365)))
        headline = _pick(rng, beat.headlines).format_map(cast)
        pool.append(headline[:1].upper() + headline[1:])
    return tuple(pool)


def _related_headline(rng: Random, outlet: Outlet) -> str:
    """A headline of some other story, for "Related:" and "Most read" residue."""
    return _house(_headline_case(_pick(rng, _headline_pool()), outlet.style), outlet.style)


def _caption(rng: Random, report: Report) -> str:
    style = report.outlet.style
    fill = Fill(report.event.cast, rng, report.outlet)
    caption = _sentence(_pick(rng, CAPTIONS), fill)
    name = f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}"
    return (style.photo or PHOTO_FORMATS[0]).format(
        caption=caption, name=name, agency=_pick(rng, AGENCIES), outlet=report.outlet.name
    )


def _byline(report: Report) -> str | None:
    style = report.outlet.style
    if style.byline is None:
        return None
    return style.byline.format(
        author=report.author, upper=report.author.upper(), outlet=report.outlet.name, section=report.section
    )


def _wrap(paragraph: str, width: int | None) -> str:
    """Hard-wrap a paragraph at `width` columns, as some scrapers save text (greedy, like textwrap)."""
    if not width or len(paragraph) <= width:
        return paragraph
    lines: list[str] = []
    line = ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _signoff(rng: Random, report: Report) -> str | None:
    if report.copied_from is not None:
        return f"This article originally appeared on {report.copied_from.name}."
    if report.outlet.wire:
        first, second = (f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}" for _ in range(2))
        return f"(Reporting by {report.author}; Editing by {first} and {second})"
    return None


def render_txt(report: Report) -> str:
    """The report as a scraped page's text: furniture at the top, residue within and below."""
    rng = Random(f"{report.seed}:render:{report.index}")
    outlet, style = report.outlet, report.outlet.style
    lines: list[str] = []
    if style.cookie and rng.random() < 0.8:
        lines.append(style.cookie.format(outlet=outlet.name))
    if style.section:
        lines.append(style.section.format(section=report.section, upper=report.section.upper()))
    if style.share_top:
        lines.append(style.share_top)
    if rng.random() < style.title_line:
        lines.append(report.title)
    if style.time_line:
        lines += [f"{report.published:%H:%M}", report.title]
    if style.photo and rng.random() < 0.55:
        lines.append(_caption(rng, report))
    byline = _byline(report)
    if byline and rng.random() < 0.9:
        lines.append(byline)
    if report.dateless or rng.random() < style.date_line:
        lines.append(_date_line(report.published, style.date_format))
    related_at = rng.randrange(2, 6) if style.related else -1
    newsletter_at = rng.randrange(3, 9) if style.newsletter else -1
    for number, paragraph in enumerate(report.paragraphs):
        lines.append(_wrap(paragraph, style.wrap))
        if style.ad and number % style.ad_every == style.ad_every - 1 and number < len(report.paragraphs) - 1:
            lines.append(style.ad)
        if number == related_at:
            lines.append(f"{style.related} {_related_headline(rng, outlet)}")
        if number == newsletter_at:
            lines.append((style.newsletter or "").format(outlet=outlet.name, section=report.section))
    signoff = _signoff(rng, report)
    if signoff:
        lines.append(signoff)
    if style.tail_heading:
        lines.append(style.tail_heading.format(outlet=outlet.name))
        lines += [_related_headline(rng, outlet) for _ in range(_int(rng, 3, 5))]
    if style.share_bottom:
        lines.append(style.share_bottom)
    lines.append(style.copyright.format(outlet=outlet.name))
    separator = " \n" if style.trailing_space else "\n"
    text = (separator + "\n" if style.blank_lines else separator).join(lines) + "\n"
    return text.replace("\n", "\r\n") if style.crlf else text


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_sidecar(report: Report, name: str, keys: Sequence[str]) -> str:
    """The `<file>.meta.yaml` a scraper wrote next to the text: the keys the outlet's scraper knows."""
    style = report.outlet.style
    lines = [f"# Known metadata for {name}"] if style.sidecar_comment else []
    when = report.published
    for key in keys:
        if key == "date" and not report.dateless:
            if style.sidecar_date == "iso":
                lines.append(f"date: {when:%Y-%m-%dT%H:%M:%S}Z")
            elif style.sidecar_date == "rfc":
                lines.append(f'date: "{when:%a, %d %b %Y %H:%M:%S} +0000"')
            else:
                lines.append(f"date: {when:%Y-%m-%d}")
        elif key == "source":
            lines.append(f"source: {_yaml_text(report.outlet.name)}")
        elif key == "url":
            lines.append(f"url: {report.url}")
        elif key == "title":
            lines.append(f"title: {_yaml_text(report.title)}")
        elif key == "author":
            lines.append(f"author: {_yaml_text(report.author)}")
    return "\n".join(lines) + "\n"


def _file_stem(report: Report) -> str:
    return f"{report.outlet.domain}-{_short_hash(report.url)}"


def txt_files(report: Report) -> tuple[str, str, str]:
    """(file name, text, sidecar YAML) of a report laid out as scraped text."""
    name = _file_stem(report) + ".txt"
    return name, render_txt(report), render_sidecar(report, name, report.outlet.style.sidecar_keys)


def _iso(when: datetime) -> str:
    return f"{when:%Y-%m-%dT%H:%M:%S}+00:00"


def render_html(report: Report) -> str:
    """The report as a saved page: head metadata, navigation, a cookie banner, the <article>, a footer."""
    rng = Random(f"{report.seed}:render:{report.index}")
    outlet, style = report.outlet, report.outlet.style
    esc = html.escape
    title, name = esc(report.title), esc(outlet.name)
    description = esc(report.paragraphs[0][:200])
    nav = "".join(f'<li><a href="/{item.lower()}">{item}</a></li>' for item in NAV_ITEMS)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} | {name}</title>",
        f'<meta name="description" content="{description}">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:site_name" content="{name}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{esc(report.url)}">',
        f'<meta name="author" content="{esc(report.author)}">',
        f'<meta property="article:published_time" content="{_iso(report.published)}">',
        f'<meta property="article:section" content="{report.section}">',
        f'<link rel="canonical" href="{esc(report.url)}">',
        f'<link rel="stylesheet" href="https://static.{outlet.domain}/css/{_short_hash(outlet.domain)}.css">',
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        "gtag('js',new Date());</script>",
        "</head>",
        '<body class="article-page">',
    ]
    cookie = style.cookie or COOKIE_NOTICES[0]
    out += [
        '<div id="cookie-banner" class="consent"><p>' + esc(cookie.format(outlet=outlet.name)) + "</p>"
        "<button>Accept all</button><button>Manage preferences</button></div>",
        f'<header class="site-header"><a class="logo" href="/">{name}</a>'
        f'<nav aria-label="Main"><ul>{nav}</ul></nav><a href="/subscribe" class="cta">Subscribe</a></header>',
        '<main id="content">',
        '<article class="story">',
        f'<p class="kicker"><a href="/{report.section.lower()}">{report.section}</a></p>',
        f"<h1>{title}</h1>",
        f'<p class="byline">By <a rel="author" href="/authors/{_SLUG.sub("-", report.author.lower())}">'
        f"{esc(report.author)}</a></p>",
        f'<time datetime="{_iso(report.published)}">{_date_line(report.published, 1)}</time>',
    ]
    if style.photo or rng.random() < 0.5:
        caption = esc(_caption(rng, report))
        image = f"https://static.{outlet.domain}/img/{_short_hash(report.url, size=6)}.jpg"
        out.append(f'<figure><img src="{image}" alt=""><figcaption>{caption}</figcaption></figure>')
    related_at = rng.randrange(2, 6)
    for number, paragraph in enumerate(report.paragraphs):
        if _is_heading(paragraph):
            out.append(f"<h2>{esc(paragraph)}</h2>")
        else:
            out.append(f"<p>{esc(paragraph)}</p>")
        if style.ad and number % style.ad_every == style.ad_every - 1:
            out.append(f'<div class="ad-slot" aria-hidden="true"><span>{esc(style.ad)}</span></div>')
        if number == related_at:
            out.append(f'<aside class="related"><h3>Related</h3><ul><li><a href="/news/{number}">'
                       f"{esc(_related_headline(rng, outlet))}</a></li></ul></aside>")  # fmt: skip
    signoff = _signoff(rng, report)
    if signoff:
        out.append(f'<p class="signoff">{esc(signoff)}</p>')
    share = esc(style.share_bottom or "Share")
    out += [f'<div class="share-tools">{share}</div>', "</article>"]
    if style.newsletter:
        text = esc(style.newsletter.format(outlet=outlet.name, section=report.section))
        out.append(f'<section class="newsletter"><p>{text}</p><form><input type="email" '
                   'placeholder="Email address"><button>Sign up</button></form></section>')  # fmt: skip
    heading = esc((style.tail_heading or "Most Read").format(outlet=outlet.name))
    items = "".join(
        f'<li><a href="/news/{i}">{esc(_related_headline(rng, outlet))}</a></li>' for i in range(4)
    )
    out += [
        f'<section class="most-read"><h2>{heading}</h2><ol>{items}</ol></section>',
        "</main>",
        f'<footer class="site-footer"><p>{esc(style.copyright.format(outlet=outlet.name))}</p>'
        '<ul><li><a href="/privacy">Privacy Policy</a></li><li><a href="/terms">Terms of Use</a></li>'
        '<li><a href="/contact">Contact us</a></li></ul></footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _entry_html(report: Report) -> str:
    paragraphs = report.paragraphs[:2] if report.outlet.summary_feed else report.paragraphs
    body = "".join(
        f"<h3>{html.escape(p)}</h3>" if _is_heading(p) else f"<p>{html.escape(p)}</p>" for p in paragraphs
    )
    if report.outlet.summary_feed:
        body += f'<p><a href="{html.escape(report.url)}">Continue reading…</a></p>'
    elif report.outlet.wordpress:
        # WordPress appends this to every entry of a feed.
        link = f'<a href="{html.escape(report.url)}">{html.escape(report.title)}</a>'
        home = f'<a href="https://{report.outlet.domain}">{html.escape(report.outlet.name)}</a>'
        body += f"<p>The post {link} appeared first on {home}.</p>"
    return body


def _rfc822(when: datetime) -> str:
    day, month = WEEKDAYS[when.weekday()][:3], MONTHS[when.month - 1][:3]
    return f"{day}, {when.day:02d} {month} {when:%Y %H:%M:%S} +0000"


def render_feed(outlet: Outlet, reports: Sequence[Report]) -> str:
    """An RSS 2.0 or Atom file with the outlet's reports as entries, newest first."""
    esc = html.escape
    entries = sorted(reports, key=lambda r: (r.published, r.index), reverse=True)
    newest = entries[0].published
    site = f"https://www.{outlet.domain}/"
    if outlet.feed == "atom":
        out = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            f"<title>{esc(outlet.name)}</title>",
            f'<link href="{site}"/>',
            f'<link rel="self" href="{site}feed.atom"/>',
            f"<id>{site}</id>",
            f"<updated>{_iso(newest)}</updated>",
        ]
        for report in entries:
            out += [
                "<entry>",
                f"<title>{esc(report.title)}</title>",
                f'<link href="{esc(report.url)}"/>',
                f"<id>tag:{outlet.domain},2025:{_short_hash(report.url)}</id>",
                f"<published>{_iso(report.published)}</published>",
                f"<updated>{_iso(report.published)}</updated>",
                f"<author><name>{esc(report.author)}</name></author>",
                f'<category term="{report.section}"/>',
                f"<summary>{esc(report.paragraphs[0])}</summary>",
                f'<content type="html">{esc(_entry_html(report))}</content>',
                "</entry>",
            ]
        out.append("</feed>")
        return "\n".join(out) + "\n"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{esc(outlet.name)}</title>",
        f"<link>{site}</link>",
        f'<atom:link href="{site}feed/" rel="self" type="application/rss+xml"/>',
        f"<description>The latest news from {esc(outlet.name)}</description>",
        "<language>en</language>",
        f"<lastBuildDate>{_rfc822(newest)}</lastBuildDate>",
    ]
    for report in entries:
        summary = report.paragraphs[0]
        summary = summary if len(summary) < 240 else summary[:237].rsplit(" ", 1)[0] + " […]"
        # Summary-only feeds carry the opening paragraphs and a link, nothing more.
        description = _entry_html(report) if outlet.summary_feed else summary
        out += [
            "<item>",
            f"<title>{esc(report.title)}</title>",
            f"<link>{esc(report.url)}</link>",
            f'<guid isPermaLink="false">{outlet.domain}-{_short_hash(report.url)}</guid>',
            f"<pubDate>{_rfc822(report.published)}</pubDate>",
            f"<dc:creator>{esc(report.author)}</dc:creator>",
            f"<category>{report.section}</category>",
            f"<description>{esc(description)}</description>",
        ]
        if not outlet.summary_feed:
            out.append(f"<content:encoded><![CDATA[{_entry_html(report)}]]></content:encoded>")
        out.append("</item>")
    out += ["</channel>", "</rss>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Writing the corpus
# ---------------------------------------------------------------------------------------------


class Writer:
    """Writes files into the inbox, stamping each with its article's (not the clock's) time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0

    def write(self, name: str, text: str, when: datetime) -> None:
        """Write one file; its modification time is `when`, as if scraped then."""
        stamp = when.timestamp()
        with open(self.root / name, "wb") as file:
            file.write(text.encode("utf-8"))
            file.flush()
            # Set through the open file: one path lookup per file, not two.
            os.utime(file.fileno(), (stamp, stamp))
        self.files += 1


class FeedBuffers:
    """Feed entries waiting, per outlet, until a feed file of 20-50 of them can be written."""

    def __init__(self, seed: int, writer: Writer) -> None:
        self.seed = seed
        self.writer = writer
        self.pending: dict[str, list[Report]] = {}
        self.written: dict[str, int] = {}

    def _target(self, domain: str) -> int:
        return Random(f"{self.seed}:feed:{domain}:{self.written.get(domain, 0)}").randint(*FEED_ENTRIES)

    def add(self, report: Report) -> None:
        """Queue one entry; write the outlet's feed file once it is full."""
        domain = report.outlet.domain
        entries = self.pending.setdefault(domain, [])
        entries.append(report)
        if len(entries) >= self._target(domain):
            self.flush(domain)

    def flush(self, domain: str) -> None:
        """Write the outlet's queued entries as one feed file."""
        entries = self.pending.pop(domain, [])
        if not entries:
            return
        outlet = entries[0].outlet
        number = self.written.get(domain, 0)
        self.written[domain] = number + 1
        name = f"{domain}-{outlet.feed}-{_short_hash(self.seed, domain, number, size=5)}.xml"
        newest = max(r.published for r in entries)
        self.writer.write(name, render_feed(outlet, entries), newest + timedelta(minutes=30))

    def flush_all(self) -> None:
        """Write every outlet's remaining entries (a corpus's last, shorter feeds)."""
        for domain in sorted(self.pending):
            self.flush(domain)


def _scraped_at(report: Report) -> datetime:
    # Scrapers run some hours after publication.
    return report.published + timedelta(hours=1 + report.index % 17)


def generate(out_inbox: Path, articles: int, seed: int) -> int:
    """Write a corpus of `articles` articles into `out_inbox`; return the number of files written."""
    out_inbox.mkdir(parents=True, exist_ok=True)
    writer = Writer(out_inbox)
    feeds = FeedBuffers(seed, writer)
    for number, start, size in _layout(seed):
        if start >= articles:
            break
        event = _event(seed, number)
        for index in range(start, min(start + size, articles)):
            report = _report(seed, index, event, start)
            if report.kind == "feed":
                feeds.add(report)
            elif report.kind == "html":
                name = _file_stem(report) + ".html"
                writer.write(name, render_html(report), _scraped_at(report))
                if Random(f"{seed}:html-sidecar:{index}").random() < HTML_SIDECAR_SHARE:
                    writer.write(name + SIDECAR_SUFFIX, render_sidecar(report, name, ("url", "date")),
                                 _scraped_at(report))  # fmt: skip
            else:
                name, text, sidecar = txt_files(report)
                writer.write(name, text, _scraped_at(report))
                writer.write(name + SIDECAR_SUFFIX, sidecar, _scraped_at(report))
    feeds.flush_all()
    return writer.files


def reports(seed: int, articles: int) -> Iterator[tuple[int, Report]]:
    """(event number, report) for each of a corpus's `articles` articles, in order: the truth a
    grouping of the corpus is scored against (bench/corpus_events.py)."""
    for number, start, size in _layout(seed):
        if start >= articles:
            return
        event = _event(seed, number)
        for index in range(start, min(start + size, articles)):
            yield number, _report(seed, index, event, start)


def event_of(seed: int, index: int) -> tuple[Event, int]:
    """The event article `index` reports, and the index of that event's first article."""
    for number, start, size in _layout(seed):
        if index < start + size:
            return _event(seed, number), start
    raise AssertionError("unreachable: the layout is endless")


def one_article(seed: int, index: int) -> tuple[str, str, str]:
    """Article `index` of a seed's corpus as scraped text: (file name, text, sidecar YAML).

    For `index` >= N this is a new article for a corpus of N: a further report of the last event
    or the first of a new one. Write the sidecar as `<file name>.meta.yaml`.
    """
    event, start = event_of(seed, index)
    return txt_files(_report(seed, index, event, start))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write PROJECT/content/inbox/ and report what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, required=True, help="number of articles to generate")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="project directory; writes content/inbox/")
    args = parser.parse_args(argv)
    if args.articles < 0:
        parser.error("--articles must be 0 or more")
    inbox = args.out / "content" / "inbox"
    began = time.perf_counter()  # only to report speed; nothing written depends on it
    files = generate(inbox, args.articles, args.seed)
    events = sum(1 for _ in _layout_until(args.seed, args.articles))
    print(
        f"wrote {files} files ({args.articles} articles, {events} events) to {inbox} "
        f"in {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    return 0


def _layout_until(seed: int, articles: int) -> Iterator[tuple[int, int, int]]:
    for item in _layout(seed):
        if item[1] >= articles:
            return
        yield item


if __name__ == "__main__":
    sys.exit(main())
