"""The demo newsroom's invented content: logins, sections, authors, pictures and articles."""

from dataclasses import dataclass
from typing import NamedTuple

from django.utils.text import slugify

# How each demo state is reached from a new draft. "published" with a publish time in the
# future is what editors see as scheduled.
WORKFLOW_PATHS = {
    "draft": (),
    "review": ("submit",),
    "published": ("submit", "publish"),
    "breaking": ("publish_directly",),
    "withdrawn": ("submit", "publish", "withdraw"),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    group: str | None  # None: a superuser, who needs no group
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    code: str
    job_title: str
    bio: str
    colour: str
    user: str = ""  # username of the demo login this author profile belongs to

    @property
    def slug(self):
        return slugify(self.name)

    @property
    def initials(self):
        return "".join(part[0] for part in self.name.split()).upper()


class Palette(NamedTuple):
    sky_top: str
    sky_bottom: str
    sun: str
    ground: str


@dataclass(frozen=True)
class DemoImage:
    alt: str
    caption: str
    palette: str
    scene: str  # "hills", "city" or "sea"


@dataclass(frozen=True, kw_only=True)
class DemoArticle:
    slug: str
    headline: str
    teaser: str
    body: str
    section: str
    authors: tuple[str, ...]
    image: DemoImage
    state: str  # a key of WORKFLOW_PATHS
    hours: float = 0  # publish time relative to now; negative is in the past
    note: str = ""  # the reason that breaking news and withdrawals need
    kicker: str = ""
    language: str = "en"
    tags: tuple[str, ...] = ()
    desk: str = ""
    translated_from: str = ""  # slug of the original demo article
    top_story_rank: int | None = None  # place among the home page's top stories
    updates: tuple[tuple[str, float, str], ...] = ()  # kind, hours after publishing, text


PALETTES = {
    "night": Palette("#0b132b", "#3a506b", "#f1faee", "#1c2541"),
    "noon": Palette("#0096c7", "#caf0f8", "#fff3b0", "#2d6a4f"),
    "morning": Palette("#a2d2ff", "#fefae0", "#ffd166", "#588157"),
    "dusk": Palette("#3d405b", "#f2a65a", "#ffd166", "#2f3e46"),
    "storm": Palette("#495057", "#adb5bd", "#e9ecef", "#343a40"),
}

USERS = [
    DemoUser("reporter", "Reporter", "Reporters", "Mina", "Kessler"),
    DemoUser("editor", "Editor", "Editors", "Lena", "Hartmann"),
    DemoUser("chief", "Chief editor", "Chief editors", "Ruth", "Albrecht"),
    DemoUser("admin", "Superuser", None),
]

SECTIONS = [
    {"slug": "politics", "name": "Politics", "order": 1,
     "description": "Councils, parliaments and the decisions that shape the region."},
    {"slug": "local", "name": "Local", "order": 2,
     "description": "Harwick and its districts: streets, schools, buses and neighbours."},
    {"slug": "science", "name": "Science", "order": 3,
     "description": "Research from the region's institutes, explained."},
    {"slug": "culture", "name": "Culture", "order": 4,
     "description": "Museums, music, books and the people who make them happen."},
]

AUTHORS = [
    DemoAuthor("Mina Kessler", "mk", "Local reporter",
               "Covers Harwick's districts, schools and transport.", "#2a9d8f",
               user="reporter"),
    DemoAuthor("Lena Hartmann", "lh", "Desk editor",
               "Runs the news desk and edits most of what we publish.", "#e76f51",
               user="editor"),
    DemoAuthor("Amara Okafor", "ao", "Political correspondent",
               "Reports on the city council and the regional parliament.", "#6d597a"),
    DemoAuthor("Jonas Brenner", "jbr", "Redakteur, deutsche Ausgabe",
               "Schreibt über Talbrunn, Energie und Landespolitik.", "#457b9d"),
    DemoAuthor("Tomás Reyes", "tre", "Culture writer",
               "Writes about museums, music and the people behind them.", "#bc6c25"),
    DemoAuthor("Priya Natarajan", "pn", "Science correspondent",
               "Follows the region's research institutes, from the coast to the labs.",
               "#386641"),
]

NIGHT_BUSES = DemoArticle(
    slug="harwick-approves-night-bus-network",
    top_story_rank=2,
    kicker="Transport",
    headline="Harwick approves a night bus network after a two-year trial",
    teaser="Seven lines will run every night from May, linking the central station with the "
    "outer districts. Shift workers pushed for it; evening parking fees will pay for it.",
    section="local",
    authors=("mk", "ao"),
    desk="lh",
    tags=("Harwick", "transport", "city council"),
    state="published",
    hours=-26,
    image=DemoImage(
        "Illustration: dark tower-block silhouettes under a night sky with a pale moon",
        "From May, night buses will connect the central station with the outer districts.",
        "night",
        "city",
    ),
    updates=(
        ("correction", 5, "<p>An earlier version of this article said the network would "
         "have nine lines. It will have seven.</p>"),
    ),
    body="""
<p>Harwick's city council voted 31 to 12 on Tuesday evening to make the night bus trial
permanent. From the first of May, seven lines will leave the central station every 30 minutes
between midnight and five in the morning, seven days a week.</p>
<p>The trial began with two lines in the eastern districts, where the hospital, the bakery
plant and the parcel centre employ more than 4,000 people on night shifts. Ridership grew from
about 300 journeys a night in the first month to almost 1,900 in the last, according to the
city's transport office.</p>
<h2>Who pushed for it</h2>
<p>The loudest voices were not commuters' groups but employers. The hospital's nursing
director told the transport committee in February that she had lost "at least a dozen" staff
who could no longer afford a taxi home after the last tram.</p>
<blockquote><p>We were asking people to save lives at three in the morning and then walk forty
minutes home in the dark. The bus changed that.</p></blockquote>
<p>Opposition councillors did not object to the service itself. Their concern was the price:
about 2.4 million a year, which the city will cover by raising evening parking fees in the old
town from next year.</p>
<h2>What changes for passengers</h2>
<ul>
<li>Day tickets and monthly passes are valid on all night lines.</li>
<li>After 1 a.m., drivers stop between official stops on request on the outer sections.</li>
<li>Every bus has a direct line to the control room, which passengers can reach through the
driver.</li>
</ul>
<p>The timetable and a map of the seven lines are on the
<a href="https://example.org/harwick/night-buses">city's transport pages</a>. The transport
office says it will count passengers again after a year and report to the council before the
next budget is drawn up.</p>
<p>Residents along the new routes in the western districts have asked for quieter electric
buses on the narrow streets near the river. The office says the first twelve electric vehicles
arrive in the autumn and will be used on the night lines first.</p>
""",
)

SEAGRASS = DemoArticle(
    slug="varne-estuary-seagrass-returns",
    kicker="Marine biology",
    headline="Seagrass is returning to the Varne estuary faster than researchers expected",
    teaser="Five years after dredging stopped, divers counted meadows three times the size of "
    "those in the first survey. Calmer, clearer water seems to be the reason.",
    section="science",
    authors=("pn",),
    desk="lh",
    tags=("research", "oceans", "climate"),
    state="published",
    hours=-50,
    image=DemoImage(
        "Illustration: a calm blue sea with small waves under a bright midday sun",
        "The meadows grow in the shallow water of the outer estuary.",
        "noon",
        "sea",
    ),
    updates=(
        ("update", 20, "<p>The institute has published the full data set behind the survey; "
         "the survey summary linked in this article now includes it.</p>"),
    ),
    body="""
<p>When marine biologists from the Varne Coastal Institute first mapped the estuary floor five
years ago, they found seagrass on about 40 hectares, most of it in thin, patchy strips. This
spring the same team counted close to 130 hectares of dense meadow.</p>
<p>"We planned a twenty-year project and budgeted for slow, disappointing numbers," said Dr.
Helen Marsh, who leads the monitoring programme. "Instead we keep running out of measuring
tape."</p>
<h2>Why the meadows came back</h2>
<p>The researchers point to two changes. Dredging for the old ferry channel stopped when the
ferry moved to the deeper harbour in the north, and the water above the meadows has been
clearer ever since. At the same time, farms upstream were paid to plant buffer strips along
their drainage ditches, which cut the amount of fertiliser washing into the river.</p>
<p>Seagrass needs light. Sediment stirred up by ships and algae fed by fertiliser both block
it, so the plants respond quickly when either falls. The team measured water clarity every
month and found that the light reaching the seabed at two metres' depth roughly doubled.</p>
<blockquote><p>Seagrass is a very honest plant. Give it light and a bit of peace, and it tells
you within two seasons.</p></blockquote>
<h2>What the meadows do</h2>
<ul>
<li>They store carbon in the sediment, in some studies faster per hectare than forests on
land.</li>
<li>They shelter young fish, including the flatfish the estuary's small fishing fleet
depends on.</li>
<li>Their roots hold the sediment together and soften waves before they reach the shore.</li>
</ul>
<p>Not everything is good news. The survey also found a wasting disease in two plots near the
harbour mouth, and the researchers warn that a single hot summer could undo several years of
growth. The institute's
<a href="https://example.org/varne-institute/seagrass-survey">survey summary</a> lists the
plots and the methods used.</p>
<p>The next full count is planned for June. Volunteers with a diving certificate can apply to
join the team.</p>
""",
)

HEAT_PUMP_DE = DemoArticle(
    slug="talbrunn-heizt-mit-dem-fluss",
    language="de",
    kicker="Energie",
    headline="Talbrunn heizt mit dem Fluss: Stadtwerke bauen eine Großwärmepumpe",
    teaser="Ab dem übernächsten Winter soll die Talach ein Viertel der Fernwärme liefern. Die "
    "Stadtwerke versprechen stabile Preise, der Angelverein sorgt sich um die Fische.",
    section="science",
    authors=("jbr",),
    desk="lh",
    tags=("Talbrunn", "Energie"),
    state="published",
    hours=-72,
    image=DemoImage(
        "Illustration: grüne Hügel unter einem hellen Morgenhimmel mit gelber Sonne",
        "Die Anlage soll am alten Wehr der Talach entstehen.",
        "morning",
        "hills",
    ),
    body="""
<p>Die Stadtwerke Talbrunn wollen künftig Wärme aus der Talach gewinnen. Am Montag hat der
Aufsichtsrat den Bau einer Großwärmepumpe am alten Wehr beschlossen. Sie soll dem Fluss auch
im Winter Wärme entziehen und damit rund ein Viertel der Fernwärme für die Innenstadt
liefern.</p>
<p>Das Prinzip ist dasselbe wie bei einem Kühlschrank, nur umgekehrt und sehr viel größer:
Das Flusswasser fließt durch einen Wärmetauscher und kühlt dabei um zwei bis drei Grad ab.
Eine Pumpe hebt die gewonnene Wärme dann auf die Temperatur, die das Fernwärmenetz
braucht.</p>
<h2>Warum gerade jetzt</h2>
<p>Bisher heizt Talbrunn vor allem mit einem Gaskraftwerk aus den Neunzigerjahren. Dessen
Kessel müssten in den nächsten Jahren ohnehin erneuert werden, sagt Geschäftsführerin Sabine
Roth. „Wir hatten die Wahl, noch einmal zwanzig Jahre auf Gas zu setzen oder jetzt
umzusteigen.“</p>
<blockquote><p>Der Fluss ist da, er ist zuverlässig, und niemand muss ihn
importieren.</p></blockquote>
<p>Den Strom für die Pumpe wollen die Stadtwerke zum großen Teil aus dem eigenen Solarpark am
Südhang beziehen. An kalten, dunklen Tagen springt weiterhin das Gaskraftwerk ein.</p>
<h2>Was die Anlage leisten soll</h2>
<ul>
<li>rund 18 Megawatt Wärmeleistung, genug für etwa 6000 Wohnungen</li>
<li>Inbetriebnahme im Herbst des übernächsten Jahres</li>
<li>Kosten von etwa 34 Millionen Euro, zur Hälfte aus Fördermitteln</li>
</ul>
<p>Der Angelverein Talbrunn fordert, dass die Folgen für Forellen und Äschen unabhängig
untersucht werden. Die Stadtwerke verweisen auf ein Gutachten, wonach die Abkühlung schon
wenige hundert Meter unterhalb des Wehrs nicht mehr messbar ist. Das Gutachten soll im Frühjahr
<a href="https://example.org/talbrunn/stadtwerke/waermepumpe">auf der Seite der Stadtwerke</a>
erscheinen.</p>
<p>Für die Kundinnen und Kunden ändert sich zunächst nichts. Die Stadtwerke haben zugesagt,
den Fernwärmepreis bis zur Inbetriebnahme nicht wegen des Projekts zu erhöhen.</p>
""",
)

HEAT_PUMP_EN = DemoArticle(
    slug="talbrunn-to-heat-homes-with-river-water",
    kicker="Energy",
    headline="Talbrunn will heat its homes with river water",
    teaser="From the winter after next, the river Talach is to supply a quarter of the town's "
    "district heating. The utility promises stable prices; anglers worry about the fish.",
    section="science",
    authors=("jbr",),
    desk="lh",
    tags=("Talbrunn", "energy"),
    state="published",
    hours=-30,
    translated_from=HEAT_PUMP_DE.slug,
    image=DemoImage(
        "Illustration: pale blue water with small waves under a morning sky and a yellow sun",
        "The heat pump is to be built at the old weir on the river Talach.",
        "morning",
        "sea",
    ),
    body="""
<p>Talbrunn's municipal utility wants to draw heat from the river Talach. On Monday its
supervisory board approved a large heat pump at the old weir. It is to take heat from the river
even in winter and supply about a quarter of the district heating for the town centre.</p>
<p>The principle is the same as in a refrigerator, only reversed and much larger: river water
flows through a heat exchanger and cools by two to three degrees. A pump then raises the heat
it has gained to the temperature the district heating network needs.</p>
<h2>Why now</h2>
<p>Talbrunn is heated mainly by a gas-fired plant built in the nineties. Its boilers would
have to be replaced in the next few years anyway, says managing director Sabine Roth. "We had
the choice of betting on gas for another twenty years or switching now."</p>
<blockquote><p>The river is there, it is reliable, and nobody has to import
it.</p></blockquote>
<p>The utility wants to power the pump largely from its own solar park on the southern slope.
On cold, dark days the gas plant will still step in.</p>
<h2>What the plant is to deliver</h2>
<ul>
<li>about 18 megawatts of heat, enough for some 6,000 homes</li>
<li>operation from the autumn of the year after next</li>
<li>costs of about 34 million euros, half of it from subsidies</li>
</ul>
<p>Talbrunn's angling club wants an independent study of the effects on trout and grayling.
The utility points to an expert report according to which the cooling can no longer be
measured a few hundred metres below the weir. The report is to appear in the spring
<a href="https://example.org/talbrunn/stadtwerke/waermepumpe">on the utility's website</a>
(in German).</p>
<p>Nothing changes for customers for now. The utility has promised not to raise the price of
district heating because of the project before the plant goes into operation.</p>
""",
)

LIBRARY_DE = DemoArticle(
    slug="stadtbibliothek-talbrunn-oeffnet-bis-mitternacht",
    language="de",
    kicker="Lesesommer",
    headline="Die Stadtbibliothek Talbrunn öffnet im Sommer bis Mitternacht",
    teaser="Von Juli bis September bleibt die Bibliothek am Marktplatz freitags und samstags "
    "bis 24 Uhr offen. Ehrenamtliche übernehmen die späten Stunden.",
    section="culture",
    authors=("jbr", "tre"),
    desk="lh",
    tags=("Talbrunn", "Bibliotheken"),
    state="published",
    hours=-8,
    image=DemoImage(
        "Illustration: dunkle Häusersilhouetten unter einem Nachthimmel mit hellem Mond",
        "Der Lesesaal am Marktplatz soll an Sommerabenden zum Treffpunkt werden.",
        "night",
        "city",
    ),
    body="""
<p>Wer im Sommer nach Feierabend noch in Ruhe lesen, lernen oder einfach im Kühlen sitzen
will, kann das in Talbrunn bald bis Mitternacht tun. Die Stadtbibliothek am Marktplatz öffnet
von Juli bis September freitags und samstags bis 24 Uhr. Der Kulturausschuss hat dem Versuch
am Donnerstag einstimmig zugestimmt.</p>
<p>Die Idee kam aus der Bibliothek selbst. Leiterin Katrin Vogt hatte im vergangenen Sommer
beobachtet, dass sich an heißen Abenden Jugendliche vor dem geschlossenen Eingang trafen, weil
das Gebäude mit seinen dicken Mauern der kühlste Ort in der Altstadt ist.</p>
<h2>Wer die späten Stunden übernimmt</h2>
<p>Für die Abende nach 20 Uhr hat die Bibliothek rund vierzig Ehrenamtliche gewonnen, die
meisten aus dem Förderverein, einige aus der Oberstufe des Gymnasiums. Ausleihen und Rückgaben
laufen über die Selbstbedienungsautomaten, eine hauptamtliche Kraft ist immer im Haus.</p>
<blockquote><p>Eine Bibliothek, die um acht zumacht, erreicht genau die Menschen nicht, die
tagsüber arbeiten.</p></blockquote>
<p>Die zusätzlichen Kosten, vor allem für Reinigung und Strom, schätzt die Stadt auf rund
12.000 Euro für den ganzen Sommer. Ein Teil davon kommt aus einer Spende der örtlichen
Sparkassenstiftung.</p>
<h2>Was an den langen Abenden geplant ist</h2>
<ul>
<li>freitags Lesungen von Autorinnen und Autoren aus der Region</li>
<li>samstags ein offener Spieleabend im Kinderbereich, bis 22 Uhr auch für Familien</li>
<li>jeden ersten Freitag eine Sprechstunde zu E-Books und Onlineausleihe</li>
</ul>
<p>Ob aus dem Versuch eine feste Einrichtung wird, will der Ausschuss im Herbst entscheiden.
Die Bibliothek zählt dafür die Besucherinnen und Besucher nach 20 Uhr und bittet um
Rückmeldungen, auch <a href="https://example.org/talbrunn/bibliothek/lesesommer">über ihre
Internetseite</a>.</p>
<p>Vogt ist zuversichtlich: In Nachbarstädten, die Ähnliches ausprobiert haben, seien die
späten Stunden schnell die beliebtesten der Woche geworden.</p>
""",
)

BRIDGE = DemoArticle(
    slug="elm-street-bridge-closed-after-inspection",
    top_story_rank=1,
    kicker="Breaking",
    headline="Elm Street bridge closed after inspectors find corroded cables",
    teaser="The city shut the bridge to all traffic at dawn. Buses are diverted, and engineers "
    "say it will stay closed for at least three weeks.",
    section="local",
    authors=("ao", "mk"),
    desk="lh",
    tags=("Harwick", "transport", "infrastructure"),
    state="breaking",
    hours=-5,
    note="Breaking news: the city confirmed the closure at 06:40; facts checked by lh by phone.",
    image=DemoImage(
        "Illustration: grey water with small waves under an overcast sky with a pale sun",
        "The bridge crosses the Elm at its widest point.",
        "storm",
        "sea",
    ),
    body="""
<p>Harwick closed the Elm Street bridge to all traffic early on Friday after a routine
inspection found corrosion on several of the steel cables that hold up its central span. The
city's building department said the bridge was not in danger of collapse but that it could no
longer guarantee its load capacity.</p>
<p>Police closed both ends of the bridge shortly before seven. Pedestrians and cyclists are
also barred, because the engineers want to test the cables without any load on the deck.</p>
<h2>What the inspectors found</h2>
<p>According to the department, the inspectors opened the protective sleeves of four cables
on Thursday afternoon and found broken wires in two of them. Water had got in through a
damaged seal, most likely years ago.</p>
<blockquote><p>We would rather close a bridge for three weeks too long than one day too
late.</p></blockquote>
<p>That was how the head of the building department put it at a short press briefing at the
town hall. She said specialists from the manufacturer would arrive on Monday to measure every
cable.</p>
<h2>How to get across</h2>
<ul>
<li>Bus lines 4 and 11 are diverted over the Harbour bridge; expect ten minutes more.</li>
<li>A free shuttle boat runs between the two river stops every fifteen minutes from 6 a.m.
to 10 p.m.</li>
<li>Drivers are asked to avoid the old town, where the diversion meets the market
traffic.</li>
</ul>
<p>The bridge carries about 18,000 vehicles a day and is the main link between the northern
districts and the hospital. The hospital said ambulances would use the Harbour bridge and that
emergency times were not affected.</p>
<p>The city publishes <a href="https://example.org/harwick/elm-street-bridge">updates on the
closure</a> as they come in. We will update this article.</p>
""",
)

MUSEUM = DemoArticle(
    slug="museum-of-tides-reopens",
    kicker="Reopening",
    headline="The Museum of Tides reopens with a gallery its visitors built",
    teaser="After two years of renovation, Harwick's harbour museum opens on Saturday. Its "
    "most talked-about room was filled with objects lent by the people of the port.",
    section="culture",
    authors=("tre",),
    desk="lh",
    tags=("Harwick", "museums"),
    state="published",
    hours=36,  # scheduled: the museum lifts its press embargo at the opening
    image=DemoImage(
        "Illustration: an orange evening sky over a dark sea with a low sun",
        "The museum stands on the old quay, facing the harbour mouth.",
        "dusk",
        "sea",
    ),
    body="""
<p>For two years, the only sign of life at the Museum of Tides was the scaffolding. On
Saturday the harbour museum on the old quay opens its doors again, with a new roof, a lift to
every floor and a room that its curators did not fill themselves.</p>
<p>The gallery on the first floor, called simply "Ours", holds more than 300 objects lent by
people from the port: a pilot's logbook, a child's swimming certificate from the harbour baths,
a brass bell from a dredger that sank in a storm, dozens of photographs.</p>
<h2>A museum that asked first</h2>
<p>The idea came from a series of evenings the museum held in pubs and community centres while
the building was closed. Director Ines Calloway says the team arrived with plans and left
with a list of stories nobody had told them before.</p>
<blockquote><p>We thought we knew the harbour's history. It turned out we knew the history of
its ships, not of its people.</p></blockquote>
<p>Each object comes with a short text written by its owner, not by a curator. Some are a
single line; one is four pages long, and the museum printed all four.</p>
<h2>Visiting</h2>
<ul>
<li>Open Tuesday to Sunday, 10 a.m. to 6 p.m., and until 9 p.m. on Thursdays.</li>
<li>Entry is free on the opening weekend and on the first Sunday of every month.</li>
<li>The lent objects go back to their owners after a year and new ones take their place.</li>
</ul>
<p>The renovation cost 11 million, shared between the city, the region and a harbour
foundation. Details of the opening programme are on the
<a href="https://example.org/harwick/museum-of-tides">museum's website</a>.</p>
<p>Calloway hopes the first floor will never be finished. "If people keep bringing things,"
she said, "we will keep making room."</p>
""",
)

RESEARCH_BUDGET = DemoArticle(
    slug="research-budget-hearing-what-is-at-stake",
    kicker="Regional parliament",
    headline="What is at stake in next week's research budget hearing",
    teaser="The region wants to cut its research fund by a fifth. Institutes warn of lost "
    "jobs; the finance minister says the money is needed for schools.",
    section="politics",
    authors=("ao", "pn"),
    tags=("budget", "research"),
    state="review",
    image=DemoImage(
        "Illustration: office-block silhouettes against a pale morning sky with a yellow sun",
        "The budget committee meets in the regional parliament's east wing.",
        "morning",
        "city",
    ),
    body="""
<p>Next Wednesday the regional parliament's budget committee will hold its only public hearing
on the research fund. The government's draft cuts the fund from 85 to 68 million a year, the
largest reduction since it was set up.</p>
<p>The fund pays for projects at the region's six public institutes, from the coastal station
on the Varne to the materials lab in Harwick. Most of the money goes to salaries for
researchers on fixed-term contracts.</p>
<h2>The government's case</h2>
<p>The finance minister argues that the region cannot keep its promise of smaller primary
school classes without finding money elsewhere. Research, he says, can draw on national and
European funding in a way that schools cannot.</p>
<blockquote><p>Every euro I move is a euro someone will miss. I would rather a lab applies for
a grant than a school turns children away.</p></blockquote>
<h2>The institutes' case</h2>
<p>The directors of the six institutes answered with a joint letter. National grants, they
write, almost always require the region to pay part of the cost. Cutting the regional fund
would therefore cost them more than its own share.</p>
<ul>
<li>About 140 fixed-term posts end within two years and would not be renewed.</li>
<li>Long-running measurements, such as the seagrass survey, could be interrupted.</li>
<li>Two projects with industry partners have already asked for guarantees.</li>
</ul>
<p>Both sides have published their figures: the government in its
<a href="https://example.org/region/budget/research-fund">draft budget</a>, the institutes
in an appendix to their letter. They differ mainly in how much national money they expect to
be lost along with the regional share.</p>
<h2>What happens next</h2>
<p>After the hearing, the committee will vote on amendments in two weeks, and parliament
will vote on the whole budget before the summer break. Two members of the governing
coalition have said they want the cut halved.</p>
""",
)

JAZZ = DemoArticle(
    slug="harbour-jazz-weekend-volunteers",
    kicker="Music",
    headline="The volunteers who keep the Harbour Jazz Weekend free",
    teaser="No tickets, no fences, no sponsor's logo on the stage: for twenty years, the "
    "festival has run on goodwill. This year, the organisers are worried.",
    section="culture",
    authors=("tre",),
    tags=("Harwick", "music"),
    state="review",
    image=DemoImage(
        "Illustration: rooftops against an orange evening sky with a low yellow sun",
        "The main stage stands on the fish market, with the harbour behind it.",
        "dusk",
        "city",
    ),
    body="""
<p>At eight on a Saturday morning, the fish market is still wet from the hoses. By noon it
will hold a stage, two hundred chairs and a sound desk, all carried in by people who will not
be paid for a minute of it.</p>
<p>The Harbour Jazz Weekend has been free since its first edition twenty years ago. It has no
fences and no tickets, and the only logos on the stage belong to the city and the music
school. About 250 volunteers run it, from the stage crew to the people who sell coffee to pay
for the musicians' travel.</p>
<h2>The people behind it</h2>
<p>Marguerite Osei has coordinated the volunteers for eleven years. Her list runs to
twelve pages, and she knows most of the names on it: retired dock workers, music students,
a dentist who has mixed the sound on the side stage since the second year.</p>
<blockquote><p>People ask what we pay the volunteers. We pay them in the Sunday evening, when
the whole market sings along with the last band.</p></blockquote>
<h2>Why this year is different</h2>
<p>Stricter safety rules for public events mean the festival now needs trained stewards at
every entrance to the market, and the training costs money. Rents for the equipment the
festival cannot borrow have also risen sharply.</p>
<ul>
<li>The organisers need about 40 more volunteers, especially for Sunday evening.</li>
<li>A steward course is offered free of charge to anyone who signs up by the end of May.</li>
<li>Donations can now be made at the coffee stands as well as online.</li>
</ul>
<p>The organisers have ruled out selling tickets. "The day we put up a fence, it is a
different festival," Osei said. Volunteers can sign up on the
<a href="https://example.org/harwick/jazz-weekend/volunteers">festival's website</a>.</p>
<p>The programme will be announced in June. As every year, the opening concert belongs to the
music school's big band.</p>
""",
)

SCHOOL_GARDENS = DemoArticle(
    slug="harwick-primary-schools-grow-vegetables",
    kicker="Schools",
    headline="Half of Harwick's primary schools now grow their own vegetables",
    teaser="What started as one teacher's raised bed has spread to eleven schools. Now the "
    "gardens need someone to water them in August.",
    section="local",
    authors=("mk",),
    tags=("Harwick", "schools"),
    state="draft",
    image=DemoImage(
        "Illustration: green hills under a bright blue midday sky with a pale yellow sun",
        "Several school gardens are on the edge of the city, where there is room to grow.",
        "noon",
        "hills",
    ),
    body="""
<p>Six years ago, a teacher at Riverside Primary built a single raised bed behind the gym and
planted radishes with her class. Today eleven of Harwick's 22 primary schools have a garden,
and three of them cook what they grow in the school kitchen once a week.</p>
<p>The gardens are not part of any official programme. Most were started by teachers or
parents, and they are kept going by a small network that swaps seeds, tools and advice in a
group chat with more than a hundred members.</p>
<h2>What the children learn</h2>
<p>Teachers say the gardens have found their way into almost every subject. Classes measure
how fast beans grow, write diaries about the weather, and work out how much a salad would cost
in the supermarket.</p>
<blockquote><p>The children who find it hardest to sit still in class are often the ones who
know exactly which plant needs water.</p></blockquote>
<h2>The summer problem</h2>
<p>The harvest season and the school holidays begin at almost the same time. Without regular
watering, a garden can be lost in a dry fortnight, and every school has a story of coming back
in September to find nothing but weeds.</p>
<ul>
<li>Four schools have rotas of families who take one week each over the summer.</li>
<li>Two have agreements with the allotment association next door.</li>
<li>One has installed a drip irrigation system paid for by its parents' association.</li>
</ul>
<p>The city's education office says it supports the gardens but has no budget for them. The
network has asked the council for a small fund for seeds and water butts, and has published
a short <a href="https://example.org/harwick/school-gardens/guide">guide for schools that
want to start</a>.</p>
<p>Riverside's first raised bed is still there. This year, the class grew potatoes in it.</p>
""",
)

VOTING_AGE_DE = DemoArticle(
    slug="landtag-streitet-ueber-wahlrecht-ab-16",
    language="de",
    kicker="Landespolitik",
    headline="Landtag streitet über das Wahlrecht ab 16",
    teaser="Die Regierungsfraktionen wollen Sechzehnjährige bei der nächsten Landtagswahl "
    "abstimmen lassen. Für die nötige Verfassungsänderung fehlen ihnen noch Stimmen.",
    section="politics",
    authors=("jbr", "lh"),
    tags=("Landtag", "Wahlrecht"),
    state="draft",
    image=DemoImage(
        "Illustration: Hochhaus-Silhouetten vor einem grauen Wolkenhimmel mit blasser Sonne",
        "Über die Verfassungsänderung entscheidet der Landtag im Herbst.",
        "storm",
        "city",
    ),
    body="""
<p>Sollen Sechzehnjährige den Landtag mitwählen dürfen? Über diese Frage hat das
Landesparlament am Mittwoch mehr als zwei Stunden lang gestritten. Die Regierungsfraktionen
haben einen Gesetzentwurf vorgelegt, der das Wahlalter für Landtagswahlen von 18 auf 16 Jahre
senken würde.</p>
<p>Weil dafür die Landesverfassung geändert werden muss, reicht die einfache Mehrheit nicht.
Nötig sind zwei Drittel der Abgeordneten, und dafür braucht die Koalition Stimmen aus der
Opposition.</p>
<h2>Die Argumente</h2>
<p>Die Befürworterinnen und Befürworter verweisen auf die Kommunalwahlen, bei denen
Sechzehnjährige im Land schon seit Jahren wählen dürfen. Die Beteiligung der Jüngsten liege
dort nicht niedriger als bei den Anfang Zwanzigjährigen.</p>
<blockquote><p>Wer mit sechzehn eine Ausbildung beginnt und Steuern zahlt, soll auch
mitentscheiden, wofür sie ausgegeben werden.</p></blockquote>
<p>Die größte Oppositionsfraktion hält dagegen, Volljährigkeit und Wahlrecht sollten
zusammenfallen. Sie schlägt vor, zunächst den Politikunterricht an den Schulen auszubauen und
die Erfahrungen aus den Kommunalwahlen gründlicher auszuwerten.</p>
<h2>Wie es weitergeht</h2>
<ul>
<li>Der Entwurf geht nun in den Innenausschuss, der im Sommer Sachverständige anhört.</li>
<li>Auch der Landesschülerrat und der Jugendring sollen angehört werden.</li>
<li>Die entscheidende Abstimmung ist für den Herbst geplant.</li>
</ul>
<p>Der Wortlaut des Entwurfs steht in der
<a href="https://example.org/landtag/drucksachen/wahlalter">Parlamentsdokumentation</a>.
Ob die Änderung schon bei der nächsten Wahl gilt, hängt davon ab, wie schnell der Ausschuss
arbeitet: Die Wahlordnung muss spätestens ein Jahr vor dem Wahltag feststehen.</p>
<p>Eine kleinere Oppositionsfraktion hat angedeutet, sie könne zustimmen, wenn zugleich das
Wahlrecht für Menschen ohne deutschen Pass auf Landesebene geprüft werde.</p>
""",
)

STADIUM = DemoArticle(
    slug="council-agrees-sale-of-harwick-stadium",
    kicker="City council",
    headline="Council agrees to sell Harwick stadium to a developer",
    teaser="The city would sell the ground and its car park for housing, according to a "
    "document seen by this newsroom. The football club would move to the edge of town.",
    section="politics",
    authors=("ao",),
    desk="lh",
    tags=("Harwick", "city council"),
    state="withdrawn",
    hours=-144,
    note="The sale has not been agreed: the document this report relied on was an unapproved "
    "draft. Withdrawn on the chief editor's decision while we check the story again.",
    image=DemoImage(
        "Illustration: dark hills under an orange evening sky with a low sun",
        "The stadium has stood on the eastern edge of the old town since 1927.",
        "dusk",
        "hills",
    ),
    body="""
<p>Harwick's city council has agreed to sell the municipal stadium and its car park to a
housing developer, according to a document seen by this newsroom. The football club, which
has played there for almost a century, would move to a new ground on the edge of town.</p>
<p>The document, marked as a resolution of the council's property committee, describes about
400 flats on the site, a quarter of them at regulated rents, and a new public square where the
main stand is today.</p>
<h2>What the document says</h2>
<p>According to the paper, the developer would pay for the club's new ground in exchange for
a lower purchase price. The club would have to leave the stadium by the end of the season after
next.</p>
<ul>
<li>about 400 flats, 100 of them at regulated rents</li>
<li>a public square and a primary school annex on the former car park</li>
<li>a new ground with 6,000 seats near the northern ring road</li>
</ul>
<blockquote><p>A stadium is not just a building. Whoever sells it had better have asked the
people who stand in it every other Saturday.</p></blockquote>
<p>That was the reaction of the supporters' association, which has called a meeting for next
week. The club itself declined to comment.</p>
<h2>Questions remain</h2>
<p>The council's press office would neither confirm nor deny the sale. Councillors from two
groups said they had not seen the final text. Minutes of committee meetings are published on
the <a href="https://example.org/harwick/council/minutes">council's website</a>, usually with
a delay of two weeks.</p>
<p>Housing is among the most pressing issues in Harwick. The city's own forecast says it
needs 5,000 new homes within ten years, and the stadium site is one of the few large plots in
the centre that the city owns outright.</p>
""",
)

# In creation order: an original comes before its translation.
ARTICLES = [
    NIGHT_BUSES,
    SEAGRASS,
    HEAT_PUMP_DE,
    HEAT_PUMP_EN,
    LIBRARY_DE,
    BRIDGE,
    MUSEUM,
    RESEARCH_BUDGET,
    JAZZ,
    SCHOOL_GARDENS,
    VOTING_AGE_DE,
    STADIUM,
]
