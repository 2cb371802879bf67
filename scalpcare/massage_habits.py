"""Reading a self-massage habit from free text ("3x a day for 20 mins until it burns").

Pure Python, table-tested (tests/unit/test_massage.py). :mod:`scalpcare.massage` sets
the limits and checks a habit against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "WAKING_HOURS",
    "MassageHabit",
    "asks_massage_amount",
    "names_massage_setting",
    "parse_habit",
    "proposes_only",
    "tells_habit",
]

#: Hours a day someone is awake; "every hour" means this many sessions.
WAKING_HOURS = 16


@dataclass(frozen=True)
class MassageHabit:
    """What the user says they do (fields are None/False when not said).

    Attributes:
        sessions_per_day: Sessions a day (weekly habits as a fraction, e.g. 1/7).
        minutes: Minutes per session (the upper end of a range).
        hard_pressure: Pressing or rubbing hard / aggressively.
        chases_sensation: Massaging until it burns, stings, feels hot, sore or hurts.
        escalates: Harder or more often when shedding or anxiety rises.
        gentle: The user describes gentle / light pressure.
        tool: The riskiest tool mentioned (``derma_roller``, ``nails``,
            ``electric_massager``, ``silicone_massager``, ``fingertips``).
        tools: Every tool mentioned.
        professional: The text describes a salon/therapist session.
        drift_signs: ``mandatory_task`` / ``uneasy_skipping`` if said.
        sore_after: The scalp is sore, tender or hurts after massaging (seed 003: more
            sensitive afterwards; the limit goes shorter and lighter).
    """

    sessions_per_day: float | None = None
    minutes: float | None = None
    hard_pressure: bool = False
    chases_sensation: bool = False
    escalates: bool = False
    gentle: bool = False
    tool: str | None = None
    tools: tuple[str, ...] = ()
    professional: bool = False
    drift_signs: tuple[str, ...] = ()
    sore_after: bool = False

    @property
    def mentioned(self) -> bool:
        """True when anything about a massage habit was found."""
        return any(
            (
                self.sessions_per_day is not None,
                self.minutes is not None,
                self.hard_pressure,
                self.chases_sensation,
                self.escalates,
                self.gentle,
                self.tools,
                self.drift_signs,
            )
        )

    @property
    def tools_only(self) -> bool:
        """Only tools were named ("how about with a silicone brush?").

        A question about the tool, not a habit to check: no time, sessions, pressure or
        warning sign was told.
        """
        return bool(self.tools) and not any(
            (
                self.sessions_per_day is not None,
                self.minutes is not None,
                self.hard_pressure,
                self.chases_sensation,
                self.escalates,
                self.professional,
                self.drift_signs,
            )
        )


_NUM_WORDS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "couple": 2,
    "a couple": 2,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 3,
    "multiple": 3,
    "many": 4,
    "so many": 5,
    "lots of": 5,
    "loads of": 5,
    "tons of": 5,
    "a dozen": 12,
    "dozens of": 24,
    "once": 1,
    "twice": 2,
    "thrice": 3,
}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|ninety"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
#: "twenty five", "twenty-five", "forty five": a ten and a unit said as one number.
_COMPOUND = re.compile(rf"^({_TENS})[\s-]+({_UNITS})$")
_NUM = (
    rf"(\d+(?:\.\d+)?|(?:{_TENS})(?:[\s-]+(?:{_UNITS})\b)?|{_TEENS}|{_UNITS}"
    r"|a couple of|couple of|a couple|couple|a few|few|several|multiple|so many|many"
    r"|lots of|loads of|tons of"
    r"|a dozen|dozens of)"
)
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to|or)\s*{_NUM})?"
_MIN_UNIT = r"(?:minutes?|mins?|m)\b"
_HOUR_UNIT = r"(?:hours?|hrs?|h)\b"

_EVERY_N_HOURS = re.compile(rf"\bevery\s+(?:{_NUM}\s*)?{_HOUR_UNIT}|\bhourly\b")
_PER = r"\s*,?\s*(?:a|per|each|/|every)?\s*"
_PER_DAY = (
    re.compile(rf"\b{_RANGE}\s*(?:x|times?){_PER}(?:day|daily)\b"),
    re.compile(rf"\b(once|twice|thrice)(){_PER}(?:day|daily)\b"),
    # "10 mins x2 a day"
    re.compile(rf"\bx\s*{_RANGE}{_PER}(?:day|daily)\b"),
    # "daily, sometimes twice", "every day or even three times"
    re.compile(
        r"\b(?:daily|a day|every ?day)\b,?\s+(?:and\s+)?(?:sometimes|often|or|even|or even"
        r"|occasionally)\s+(twice|thrice|two times|three times)()"
    ),
    # "2 sessions of 8 minutes a day", "an hour a day split into three 20 minute sessions"
    re.compile(
        rf"\b{_RANGE}\s+(?:(?:\d+|{_NUM})\s*-?\s*(?:minutes?|mins?)\s+)?(?:sessions?|goes|rounds)"
        rf"\b[^.!?]{{0,30}}?{_PER}(?:day|daily)\b"
    ),
    re.compile(
        rf"\b(?:day|daily)\b[^.!?]{{0,30}}?\b(?:split|divided|broken)\s+(?:up\s+)?into\s+{_RANGE}\b"
    ),
)
#: "2 sessions of 8 minutes", "three 20 minute sessions": the length of each session, which
#: wins over a daily total said with it ("an hour a day split into three 20 minute sessions").
_SESSION_LENGTH = (
    re.compile(rf"\bsessions?\s+of\s+{_RANGE}\s*-?\s*{_MIN_UNIT}"),
    re.compile(rf"\b{_RANGE}\s*-?\s*(?:minutes?|mins?)\s+(?:sessions?|goes|rounds)\b"),
)
#: "when I wash and again at night": a second session named.
_AGAIN = re.compile(
    r"\b(?:and|then)\s+(?:once\s+)?again\s+(?:at|in|before|after|when|later|on)\b"
    r"|\b(?:another|a second)\s+(?:session|go|round|one)\b"
    # "in the shower and then before bed", "when i wash and also at night"
    r"|\b(?:when i (?:wash|shower)|in the shower|while (?:washing|showering)|after (?:my |the |a )?"
    r"(?:shower|wash))\b[^.!?]{0,40}?\b(?:and|then|plus)\s+(?:then\s+|also\s+)?(?:again\s+)?"
    r"(?:at night|before bed|in bed|at bedtime|in the (?:evening|morning)|after work|later)\b"
)
_PER_WEEK = (
    re.compile(rf"\b{_RANGE}\s*(?:x|times?){_PER}week\b"),
    re.compile(rf"\b(once|twice|thrice)(){_PER}week\b"),
)
_MORNING_NIGHT = re.compile(
    r"\b(?:morning|am)\s+(?:and|&|\+|n)\s+(?:night|evening|pm|bedtime)\b|\bday and night\b"
)
#: Times of day a session is given at: two or more named are that many sessions a day
#: ("10 min in the morning and 10 at night").
_TIMES_OF_DAY = (
    re.compile(
        r"\b(?:morning|mornings|when i wake(?: up)?|after waking|first thing|breakfast"
        r"|before (?:work|school|college|uni))\b"
        r"|\bin the am\b|\ba\.m\.?"
    ),
    re.compile(r"\b(?:lunch|lunchtime|midday|noon|afternoon|afternoons)\b"),
    re.compile(r"\b(?:evening|evenings|after work|after dinner|dinner ?time)\b"),
    re.compile(
        r"\b(?:night|nights|bedtime|before bed|before sleep|in bed)\b|\bin the pm\b|\bp\.m\.?"
    ),
)
#: "morning or night?": a choice between times of day, one session.
_TIME_CHOICE = re.compile(
    r"\b(?:mornings?|afternoons?|evenings?|nights?|lunch\w*|bedtime)\s+or\s+(?:at\s+|in\s+the\s+)?"
    r"(?:mornings?|afternoons?|evenings?|nights?|bedtime|before bed)\b"
)
_DAILY = re.compile(
    r"\b(?:every|each)\s+(?:day|night|morning|evening)\b|\bdaily\b|\bnightly\b|\bbefore bed\b"
    r"|\ba day\b|\bevery single (?:day|night|morning|evening)\b"
)
_EVERY_OTHER = re.compile(r"\bevery (?:other|second) (?:day|night|evening|morning)\b")
#: "every sunday", "on mondays and thursdays": that many days of the week.
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b")
_ON_WEEKDAYS = re.compile(
    r"\b(?:every|each|on)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days\b"
)
#: "every 3 days", "once every few days": one session in that many days.
_EVERY_N_DAYS = re.compile(rf"\bevery\s+{_RANGE}\s+days\b")
#: "5 days a week", "7 days a week": days a week, one session on each.
_DAYS_A_WEEK = re.compile(rf"\b{_RANGE}\s+days?{_PER}week\b")
#: No count, but all day long: "all day", "constantly", "on and off all day", "all the time".
_ALL_DAY = re.compile(
    r"\ball day(?: long)?\b|\b(?:pretty much|basically) all day\b|\bthroughout the day\b"
    r"|\bconstantly\b|\bnon-?stop\b|\ball the time\b|\bevery (?:chance|spare moment)\b"
    r"|\bany (?:chance|time) i (?:get|can)\b|\bwhenever i can\b|\bon and off all day\b"
)
#: "whenever i get a break, thats 3 or 4 breaks": the occasions of a "whenever" counted,
#: with no "a week" after them, are that many a day.
_WHENEVER_COUNT = re.compile(
    rf"\b(?:whenever|every time|each time|any time)\b[^.!?]{{0,80}}?\b{_RANGE}\s+"
    r"(?:times|breaks|goes|rounds|sessions)\b(?!\s*(?:a|per|each|every|/)?\s*(?:week|month))"
)
#: A greeting is not a time of day a massage is given at ("good morning, i massage at night").
_GREETING = re.compile(r"\bgood (?:morning|afternoon|evening|night)\b")
_RANGE_MIN = re.compile(rf"\b{_RANGE}\s*-?\s*{_MIN_UNIT}")
_RANGE_HOUR = re.compile(rf"(?<!every )\b{_RANGE}\s*-?\s*{_HOUR_UNIT}")
_GLUED = re.compile(r"\b(\d+(?:\.\d+)?)(mins?|minutes?|m|h|hrs?|hours?)\b")
_PHRASE_MIN = (
    (re.compile(r"\ban hour and a half\b|\bhour and a half\b"), 90.0),
    (re.compile(r"\bhalf (?:an )?h(?:ou)?r\b"), 30.0),
    (re.compile(r"\b(?:a )?quarter (?:of an )?h(?:ou)?r\b"), 15.0),
    (re.compile(r"\b(?:an|one|a full) h(?:ou)?r\b"), 60.0),
    # an evening, a film or hours in front of the TV: longer than any session
    (
        re.compile(
            r"\b(?:most|all|the whole|the rest) of (?:the|my) (?:evening|night|afternoon|day)\b"
            r"|\ball (?:evening|night|afternoon)(?: long)?\b"
            r"|\b(?:a|the) (?:whole|full|entire) (?:evening|night|film|movie)\b"
            r"|\bfor hours\b|\bhours (?:on end|at a time)\b"
        ),
        120.0,
    ),
    (re.compile(r"\b(?:a|the) (?:whole|full|entire) (?:\w+ )?(?:episode|show)\b"), 30.0),
    (re.compile(r"\ba minute or two\b"), 2.0),
    (re.compile(r"\b(?:a few|a couple of|couple of|few) minutes?\b"), 3.0),
)

_CHASE = re.compile(
    r"\b(?:until|till|til|untill|to the point)\b[^.!?]{0,25}?\b(?:burn\w*|sore\w*|hurt\w*|sting\w*"
    r"|tingl\w*|hot|warm|red|raw|throb\w*|pain\w*|ache\w*|numb)\b"
    r"|\bfeel the burn\b|\bno pain,? no gain\b|\bhow i know it'?s working\b"
    r"|\bthe more it hurts\b"
)
_HARD = re.compile(
    r"\b(?:really|very|super|so|too|pretty|quite|extra|real)\s+hard\b|\bas hard as\b"
    r"|\baggressive\w*|\bvigorous\w*|\bharsh(?:ly)?\b|\bdig(?:ging)? (?:my )?(?:nails|fingers) in"
    r"|\b(?:massag\w*|rub\w*|press\w*|scrub\w*|push\w*|scratch\w*|knead\w*)\b[^.!?]{0,20}?"
    r"\b(?:hard|firm)(?:er|ly)?\b"
    r"|\b(?:deep|hard|strong|heavy|firm)(?:er)? pressure\b"
    # "a lot of pressure", "as much pressure as i can", "i press as much as i can"
    r"|\b(?:a lot of|lots of|loads of|tons of|so much|too much|max(?:imum)?|as much) pressure\b"
    r"|\bpress\w* as (?:much|hard) as\b|\bthe (?:heck|hell|crap) out of\b"
    # "i massage roughly", "i rub it quite rough", "scrub with force", "massage intensely"
    r"|\b(?:massag\w*|rub(?:bed|bing)?|scrub(?:bed|bing)?|scratch(?:ed|ing)?|knead\w*)\s+"
    r"(?:\w+\s+){0,3}?(?:rough(?:ly)?|forcefully|with (?:all my |a lot of )?force|intensely)\b"
    r"|\b(?:really|very|super|so|too|pretty|quite|fairly|nice and) firm(?:ly)?\b"
    r"|\b(?:highest|max(?:imum)?|strongest|top|hardest) (?:setting|level|speed|intensity)\b"
    r"|\bon (?:the )?(?:highest|max|maximum|strongest)\b"
    r"|\bfull (?:power|blast)\b|\bas (?:strong|firm) as\b"
)
#: Someone else pressing hard (a therapist at the salon) is not the client's own habit.
_OTHER_PERSON = re.compile(r"\b(?:therapist|masseu[rs]e?|stylist|hairdresser|barber)\b")
#: Someone named by a pronoun: the salon's therapist when the message is about the salon,
#: otherwise the one doing the habit at home ("my bf does it every night and he presses
#: really hard", "my daughter... she scrubs so hard"): a partner's or the described
#: person's habit is the one the limit is for.
_PRONOUN_PERSON = re.compile(r"\b(?:she|he|they|the (?:lady|guy|girl|man|woman))\b")
_CLAUSE = re.compile(r"[.,;!?]|\b(?:and|but|so|then|while)\b")
#: Hard pressure denied: "not too hard", "i don't press hard", "never firm".
_NOT_HARD = re.compile(
    r"\b(?:not|never|don'?t|dont|do not|doesn'?t|didn'?t|no|without|avoid\w*|nothing)\b"
)
_ESCALATE_TRIGGER = re.compile(
    r"\b(?:shed\w*|hair ?loss|falling out|fall(?:s)? out|thinning|anxious|anxiety|stress\w*"
    r"|panic\w*|worried|worse)\b"
)
_ESCALATE_ACTION = re.compile(
    r"\bharder\b|\blonger\b|\bmore often\b|\b(?:massag\w*|rub\w*|do it|press\w*)\s+(?:even\s+)?"
    r"more\b|\bincreas\w*|\bextra\b|\bstronger\b|\bwhenever\b|\bevery time\b|\bbecause\b"
    r"|\bto (?:stop|fight|counteract|prevent|make up)\b"
)
_GENTLE = re.compile(
    r"\bgentl\w*|\blight(?:ly)?\b|\bsoft(?:ly)?\b|\bslow circles\b|\bbarely any pressure\b"
)
_TOOLS = (
    ("derma_roller", re.compile(r"\bderma ?(?:roller|stamp|pen)\b|\bmicro ?needl\w*")),
    ("nails", re.compile(r"\b(?:finger)?nails?\b")),
    ("electric_massager", re.compile(r"\b(?:electric|vibrating|battery)\b[^.!?]{0,15}massager")),
    (
        "silicone_massager",
        re.compile(
            r"\bsilicone\b|\bscalp (?:scrubber|brush|massager)\b|\bmassag(?:e|ing) brush\b"
            r"|\bshampoo brush\b|\bmassager\b"
        ),
    ),
    ("fingertips", re.compile(r"\bfinger ?tips?\b|\bfinger pads?\b|\bfingers\b")),
)
_TOOL_RISK = ("derma_roller", "nails", "electric_massager", "silicone_massager", "fingertips")
_PROFESSIONAL = re.compile(
    r"\bsalon\b|\bspa\b|\btherapist\b|\bmasseu[rs]e?\b|\bbarber\b|\bhairdresser\b"
    r"|\bprofessional\b|\bappointment\b|\bget (?:a|my) [^.!?]{0,25}massage\b"
    # the salon's own service, asked of the salon: "would your 45 min one be gentler?"
    r"|\byour (?:[\w-]+ ){0,3}?(?:one|session|massage|service|treatment|head massage)s?\b"
)
_SELF = re.compile(
    r"\b(?:i|i'm|im|i've|ive)\s+(?:\w+\s+){0,2}?(?:massag|rub|scrub|press)\w*"
    r"|\bon myself\b|\bmy own (?:head|scalp)\b|\bat home\b|\bself[- ]?massag\w*"
    # "i've been doing 45 min a day because the salon does 45": the person's own habit
    r"|\b(?:i|i've|ive)\s+(?:been\s+)?(?:doing|do|did)\s+(?:it\s+)?(?:for\s+)?(?:\d|an?\b|half)"
)
#: Sore, tender or hurting after the massage: "my scalp is sore after", "tender the next day",
#: "afterwards it aches".
_SORE = r"(?:sore\w*|tender\w*|hurt\w*|ach\w*|achy|painful|red|irritated|sensitive|raw)"
_SORE_AFTER = re.compile(
    rf"\b{_SORE}\b[^.!?]{{0,30}}?\b(?:after(?:wards?)?|the (?:next|day) (?:day|after)|next day"
    r"|for (?:a day|a couple of days|\w+ days))\b"
    rf"|\b(?:after(?:wards?)?|the next day)\b[^.!?]{{0,30}}?\b{_SORE}\b"
)
_MANDATORY = re.compile(
    r"\b(?:have to|must|need to|can'?t skip|never skip|obsess\w*|compulsi\w*|religiously)\b"
)
_UNEASY = re.compile(
    r"\b(?:uneasy|anxious|guilty|panic\w*|nervous|stressed|worried|bad)\b[^.!?]{0,25}?"
    r"\b(?:skip\w*|miss\w*|don'?t)\b|\b(?:skip\w*|miss\w*)\b[^.!?]{0,25}?"
    r"\b(?:uneasy|anxious|guilty|panic\w*|nervous|worried)\b"
)


def _num(token: str | None) -> float | None:
    """A number from digits or an English number word."""
    if token is None:
        return None
    token = token.strip().lower()
    if token in _NUM_WORDS:
        return float(_NUM_WORDS[token])
    compound = _COMPOUND.match(token)
    if compound:
        return float(_NUM_WORDS[compound.group(1)] + _NUM_WORDS[compound.group(2)])
    try:
        return float(token)
    except ValueError:
        return None


def _range_upper(match: re.Match[str]) -> float | None:
    """The upper end of ``N``, ``N-M`` or ``N to M`` (first two groups)."""
    values = [v for v in (_num(g) for g in match.groups()[:2] if g) if v is not None]
    return max(values) if values else None


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> float | None:
    """The largest count any of the patterns gives ("6 or 7 times" gives 7)."""
    best: float | None = None
    for pattern in patterns:
        for m in pattern.finditer(text):
            value = _range_upper(m)
            if value is not None:
                best = value if best is None else max(best, value)
    return best


#: The clause "all day" belongs to, and a massage done in it ("i do it pretty much all day").
_ALL_DAY_CLAUSE = re.compile(
    r"[.,;!?]|\b(?:but|because|cause|cuz|when|since|and my)\b|\b(?:so|and|then) (?=i\b)"
)
_DOES_MASSAGE = re.compile(
    r"\b(?:massag\w*|rub\w*|scrub\w*|brush\w*|press\w*)"
    r"|\b(?:do|does|doing|did|use|uses|using|on)\s+(?:it|this|that|them|the \w+|my \w+)\b"
)


def _all_day_massage(text: str) -> bool:
    """Is the massage done all day ("i use my massager constantly"), not a symptom felt so?

    "my scalp itches constantly, i massage 5 min a day" is one session.
    """
    for m in _ALL_DAY.finditer(text):
        starts = [b.end() for b in _ALL_DAY_CLAUSE.finditer(text, 0, m.start())]
        end = _ALL_DAY_CLAUSE.search(text, m.end())
        clause = text[starts[-1] if starts else 0 : end.start() if end else len(text)]
        if _DOES_MASSAGE.search(clause):
            return True
    return False


def _sessions(text: str) -> float | None:
    """Sessions per day, from the most explicit phrase present."""
    best = _count(_PER_DAY, text)
    if best is not None:
        return best
    if _all_day_massage(text):
        return float(WAKING_HOURS)
    best = _count((_WHENEVER_COUNT,), text)
    if best is not None:
        return best
    m = _EVERY_N_HOURS.search(text)
    if m:
        hours = _num(m.group(1)) if m.groups() and m.group(1) else 1.0
        return float(WAKING_HOURS) / max(hours or 1.0, 1.0)
    if _MORNING_NIGHT.search(text):
        return 2.0
    times = sum(1 for pattern in _TIMES_OF_DAY if pattern.search(text))
    if times >= 2 and not _TIME_CHOICE.search(text):
        return float(times)
    if _AGAIN.search(text):
        return 2.0
    weekly = _count(_PER_WEEK, text)
    if weekly is None:
        weekly = _count((_DAYS_A_WEEK,), text)
    if weekly is not None:
        return min(weekly, 7.0) / 7.0
    if _EVERY_OTHER.search(text):
        return 0.5
    days = _count((_EVERY_N_DAYS,), text)
    if days:
        return 1.0 / days
    if _ON_WEEKDAYS.search(text):
        return len(set(_WEEKDAY.findall(text))) / 7.0
    if _DAILY.search(text):
        return 1.0
    return None


#: The salon's session lengths said bare ("is 45 fine?"), not a price, a count or an age.
_SALON_LENGTH = re.compile(
    r"(?<![\d£$€.,])(?<!\bam )(?<!i'm )(?<!aged )(?<!\bage )\b(20|45)\b(?![.,]\d)"
    r"(?!\s*(?:%|x\b|times|days?|weeks?|months?|years?|yrs?|euros?|pounds?|dollars?|quid|"
    r"bucks|[£$€]))"
)


#: Keeping a session to a length: "keep it to", "cut it down to", "stick to", "make it".
_KEEP_TO = (
    r"(?:(?:keep|cut|bring|get|limit|reduce|drop|stick|stay|lower|change|switch|shorten|trim)"
    r"(?:s|ing|ped|ed|ten)?\s+(?:(?:it|that|this|them|things|her|him|(?:the|my|her|his|each) "
    r"(?:\w+ )?(?:time|session|massage|go|one)s?)\s+)?(?:down\s+|back\s+)?(?:to|at)"
    r"|make (?:it|that|them|each one|each session)|no more than|at most|down to|max(?:imum)? of)"
    r"\s+(?:just |only |about |around |like |roughly |max |a max of |maybe )?"
)
#: A length said without its unit where a session's length goes: "i do 20 every night", "a
#: quick 5 before bed", "every night for 15-20"; not a count, a day of a challenge or a span.
_BARE_LENGTH = re.compile(
    rf"\b(?:do|doing|did|a (?:quick|good|solid|short|long)|for (?:like |about |around |maybe "
    rf"|roughly |a good )?"
    # the length kept to, after the limits: "keep it to 10", "cut it down to 5", "ill stick
    # to 10 then", "make it 8", "bring the sessions back to 10", "no more than 10 from now on"
    rf"|{_KEEP_TO})\s*{_RANGE}\b"
    # where a length goes: before when or how often, or at the end of what is said
    r"(?=\s*(?:$|[.,;!?)]|(?:every|each|before|after|in|on|then|and|or|when|while|with|daily|once"
    r"|nightly|most|max|tops|ish|lol|at (?:night|bed\w*)|from now|going forward|instead)\b))"
)
#: Below this a bare number is more likely a count than a length, and within any limit.
_BARE_LENGTH_MIN = 3.0


#: Leaving a product on is not massaging: "leave the oil on for an hour", "let the mask sit
#: 20 minutes", "keep it on overnight".
_LEAVE_OBJECT = r"(?:it|them|this|that|the|my|some|\w+ oil|oil|mask|serum)\s+"
_PRODUCT = r"(?:\w+ )?(?:oil|mask|serum|treatment|conditioner|product|mixture|paste)s?"
_LEAVE_ON = re.compile(
    rf"\b(?:leave|leaves|leaving|left|keep|keeps|keeping)\s+(?:{_LEAVE_OBJECT}){{0,2}}"
    r"(?:on|in|overnight)\b"
    # "leave it 1-2 hours", "keep the oil for an hour": a length right after what is left
    # ("keep the 15 mins", "keep it 10 min" keep a massage's length, not a product on)
    rf"|\b(?:leave|leaves|leaving|left)\s+(?:{_LEAVE_OBJECT}){{1,2}}"
    r"(?:for\b|(?=\d|an? h|half|a few h|a couple of h))"
    rf"|\b(?:keep|keeps|keeping)\s+(?:the |my |some )?{_PRODUCT}\s+"
    r"(?:for\b|(?=\d|an? h|half|a few h|a couple of h))"
    r"|\blet(?:s|ting)?\s+(?:it|them|the \w+|my \w+)\s+(?:sit|soak|rest|absorb)\b"
    r"|\b(?:sit|sits|sitting|soak|soaks|soaking)\s+(?:for|on|in|overnight)\b"
)


def _leave_on_removed(text: str) -> str:
    """``text`` without its clauses about leaving a product on (up to the clause's end)."""
    while m := _LEAVE_ON.search(text):
        end = _CLAUSE.search(text, m.end())
        stop = end.start() if end else len(text)
        text = text[: m.start()] + " " + text[stop:]
    return text


def _minutes(text: str) -> float | None:
    """Minutes per session (upper end of a range; the largest duration named)."""
    text = _EVERY_N_HOURS.sub(" ", text)  # "every 2 hours" is a frequency
    text = _leave_on_removed(text)  # "then leave the oil on for an hour" is not massaging
    found: list[float] = []
    for m in _RANGE_MIN.finditer(text):
        value = _range_upper(m)
        if value is not None:
            found.append(value)
    for m in _RANGE_HOUR.finditer(text):
        value = _range_upper(m)
        if value is not None:
            found.append(value * 60)
    for m in _GLUED.finditer(text):
        unit = m.group(2)
        value = float(m.group(1))
        found.append(value * 60 if unit.startswith("h") else value)
    for pattern, value in _PHRASE_MIN:
        if pattern.search(text):
            found.append(value)
            text = pattern.sub(" ", text)  # "half an hour" must not also read as "an hour"
    each = [v for p in _SESSION_LENGTH for m in p.finditer(text) if (v := _range_upper(m))]
    if each:
        return max(each)
    if not found:
        bare = [
            v
            for m in _BARE_LENGTH.finditer(text)
            if (v := _range_upper(m)) and _BARE_LENGTH_MIN <= v <= 120
        ]
        found = bare
    return max(found) if found else None


def _presses_hard(text: str) -> bool:
    """Does the user press or rub hard themselves?

    "the therapist pressed really hard" is the salon's pressure, not the client's habit:
    a clause with someone else as the one pressing does not count (a "he" or "she" only
    in a message about the salon: "my bf... he presses really hard" is the habit at home),
    nor one that denies it ("gently, not too hard").
    """
    bounds = [0, *(m.start() for m in _CLAUSE.finditer(text)), len(text)]
    salon = bool(_PROFESSIONAL.search(text))
    for m in _HARD.finditer(text):
        start = max(b for b in bounds if b <= m.start())
        if _OTHER_PERSON.search(text, start, m.start()):
            continue
        if salon and _PRONOUN_PERSON.search(text, start, m.start()):
            continue
        if _NOT_HARD.search(text, start, m.end()):
            continue  # "gently, not too hard", "i don't press hard"
        return True
    return False


#: A habit denied or given up: "i used to do 20 min but now only 5", "not twice a day, just
#: once", "i never massage until it hurts". Its scope ends at a clause's end or a turn to
#: what holds now ("but", "now", "just", "only", "instead").
_DENIED = re.compile(
    r"\b(?:used to|stopped|no longer|quit|gave up|instead of|rather than|never|not|don'?t|dont"
    r"|didn'?t|doesn'?t|won'?t)\b(?!\s+(?:\w+\s+)?(?:less|fewer|shorter|sure)\b)"
)
_DENIED_END = re.compile(
    r"[.,;:!?]|\s[-–—]\s|\b(?:but|now|nowadays|these days|just|only|instead|anymore|any more"
    r"|because|so)\b"
)


def _denied_removed(text: str) -> str:
    """``text`` without what it denies or gave up (up to the end of the denial's scope)."""
    out, pos = [], 0
    for cue in _DENIED.finditer(text):
        if cue.start() < pos:
            continue
        end = _DENIED_END.search(text, cue.end())
        stop = end.start() if end else len(text)
        out.append(text[pos : cue.start()])
        pos = stop
    out.append(text[pos:])
    return " ".join(out)


#: Text-speak for the words a habit's times are told with ("b4 bed", "every nite", "evry day").
_TEXT_SPEAK_WORDS = {
    "b4": "before",
    "nite": "night",
    "nites": "nights",
    "evry": "every",
    "everyday": "every day",
    "everynight": "every night",
    "2day": "today",
    "2nite": "tonight",
}
_TEXT_SPEAK = re.compile(r"\b(?:" + "|".join(_TEXT_SPEAK_WORDS) + r")\b")


#: A number said roughly before its unit: "20ish mins", "five-ish minutes", "20+ mins",
#: "20 odd minutes", "20 or so minutes": the number.
_ROUGHLY = re.compile(
    r"\b(\d+|[a-z]+teen|twenty|thirty|forty|fifty|sixty|five|ten)\s*(?:-?\s*ish|\+|\s+odd|\s+or so)"
    r"(?=\s*(?:minutes?|mins?|hours?|hrs?)\b)"
)
#: "1/2 hr", "1/2 an hour": half an hour (not 2 hours).
_HALF = re.compile(r"\b1/2\s*(?:an?\s+)?h(?:ou)?rs?\b")


def parse_habit(text: str) -> MassageHabit:
    """Read a self-massage habit from free text.

    Args:
        text: What the user wrote ("3x a day for 20 mins until it burns").

    Returns:
        The habit; fields the user did not mention stay ``None``/``False``.
    """
    if not isinstance(text, str) or not text.strip():
        return MassageHabit()
    low = " ".join(text.lower().replace("’", "'").split())
    low = _TEXT_SPEAK.sub(lambda m: _TEXT_SPEAK_WORDS[m.group(0)], low)
    low = _ROUGHLY.sub(r"\1", low)
    low = _HALF.sub("half an hour", low)
    low = _GREETING.sub(" ", low)
    tools = tuple(name for name, rx in _TOOLS if rx.search(low))
    tool = next((name for name in _TOOL_RISK if name in tools), None)
    # What is done now: not what is denied or was given up ("used to do 20, now 5").
    kept = _denied_removed(low)
    escalates = any(
        _ESCALATE_TRIGGER.search(s) and _ESCALATE_ACTION.search(s)
        for s in re.split(r"[.!?;]", kept)
    )
    professional = bool(_PROFESSIONAL.search(low)) and not _SELF.search(low)
    minutes = _minutes(kept)
    if minutes is None and professional:
        # "at the salon is 45 fine?": a salon session's own length, without its unit.
        bare = _SALON_LENGTH.search(low)
        minutes = float(bare.group(1)) if bare else None
    drift = []
    if _MANDATORY.search(low):
        drift.append("mandatory_task")
    if _UNEASY.search(low):
        drift.append("uneasy_skipping")
    return MassageHabit(
        sessions_per_day=_sessions(kept),
        minutes=minutes,
        hard_pressure=_presses_hard(low),
        chases_sensation=bool(_CHASE.search(kept)),
        escalates=bool(escalates),
        gentle=bool(_GENTLE.search(low)),
        tool=tool,
        tools=tools,
        professional=professional,
        drift_signs=tuple(drift),
        # after a salon or spa session the soreness is that session's, not the habit's
        sore_after=bool(_SORE_AFTER.search(kept)) and not _PROFESSIONAL.search(low),
    )


#: A habit proposed in a question, not told: "can i make it 15 min?", "what about twice a
#: day?", "would it be better every day?", "should i go harder".
_PROPOSES = re.compile(
    r"\b(?:can|could|should|shall|may|would|will|might)\s+(?:i|it|that|this|we|you|your)\b"
    r"|^(?:and |so |but |ok |okay )*is\b[^.!?]{0,40}?"
    r"\b(?:ok|okay|fine|alright|enough|safe|too \w+)\b"
    r"|\b(?:what|how) about\b|\bwhat if\b|\bif i\b|\bam i allowed\b|\bis it (?:ok|okay|fine"
    r"|alright|all right|safe|better|bad|too much)\b|\bwould it be\b|\binstead\b"
)
#: A habit told in the first person: "i do 20 min", "i've been massaging", "every night i rub".
_TELLS = re.compile(
    r"(?<!\bif )(?<!\bcan )(?<!\bcould )(?<!\bshould )(?<!\bwould )(?<!\bmay )"
    r"\b(?:i|i'm|im|i've|ive|i have|i been)\s+(?:(?:just|already|always|usually|normally|now"
    r"|currently|still|also|often|been|have|am|really|only|kind of|basically)\s+){0,3}"
    r"(?:do|does|did|doing|done|massag\w*|rub\w*|us(?:e|es|ed|ing)|brush\w*|press\w*"
    r"|scrub\w*|spen[dt]\w*|go|went|put|let|started|tried|trying|get|got|give|work\w*"
    r"|stick\w*|run|ran)\b"
    r"|\b(?:my|our) (?:routine|habit)\b"
    # the subject left out: "started at 5 mins and worked my way up", "been doing it daily"
    r"|(?:^|[.,;!?]\s*|\b(?:and|so|then|lol)\s+)(?:been\s+|just\s+|now\s+)?(?:started|doing"
    r"|massaging|rubbing|using|worked|working|tried|trying|brushing)\b"
)


def proposes_only(text: str | None) -> bool:
    """Is the message a habit proposed in a question, with no habit of the user's told (pure)?

    "can i make it 15 min?" or "would your 45 min one be gentler?" ask about an amount;
    "i do 20 min every night, is that ok?" tells one. Only a told habit can go past the
    limit in the contract's ``massage_overuse``; a proposal past it is answered, not kept.
    """
    if not text:
        return False
    low = " ".join(text.lower().replace("’", "'").split())
    return bool(_PROPOSES.search(low)) and not _TELLS.search(low)


def tells_habit(text: str | None) -> bool:
    """Does the message tell the user's own habit: minutes or sessions, not a proposal (pure)?

    "i do 5 min every day before shampoo" does; "how long should i massage each day?",
    "can i make it 15 min?" and "every 2-3 days" (no massage named) do not.
    """
    if not text or proposes_only(text):
        return False
    habit = parse_habit(text)
    if habit.minutes is not None:
        return True
    # sessions alone ("every 2-3 days") are a wash answer as often: the massage must be named
    named = MASSAGE_WORDS.search(text) or names_massage_setting(text)
    return habit.sessions_per_day is not None and bool(named)


def names_massage_setting(text: str | None) -> bool:
    """Does the message name a massage tool or the salon's session (pure)?

    "i do 45 minutes every day because the salon does 45" and "i use the silicone one 20
    min a day" tell a massage habit without the word massage.
    """
    if not text:
        return False
    low = text.lower()
    return bool(_PROFESSIONAL.search(low)) or any(rx.search(low) for _, rx in _TOOLS)


#: The words that name a massage in a message ("massaging", "rub", "scalp brush").
MASSAGE_WORDS = re.compile(r"\b(?:massag\w*|rub(?:s|bing|bed)?|scalp brush\w*)\b", re.IGNORECASE)


def reports_habit(text: str | None) -> bool:
    """Does the message report a massage habit: a massage named, with minutes or sessions?

    "I've started massaging my scalp 20 mins twice a day" does; "is massage good for
    shedding?" and "20 minutes twice a day" (no massage named) do not (pure).
    """
    if not text or not MASSAGE_WORDS.search(text):
        return False
    habit = parse_habit(text)
    return habit.minutes is not None or habit.sessions_per_day is not None


#: An amount asked of the asker's own doing: "how long should i do it", "how often can i",
#: "how many minutes do i", "how hard should i press".
_AMOUNT_ASKED = re.compile(
    r"\bhow (?:long|often|frequently|much|hard|firm(?:ly)?|many (?:minutes|mins|times|sessions"
    r"|rounds))\b[^.!?]{0,25}?\b(?:should|shall|can|could|do|must|would|to)\b"
)
#: A question about another step or about results: "how long should i leave it on", "how
#: often should i wash", "how long until i see results".
_OTHER_STEP = re.compile(
    r"\b(?:facial|routine|scrub\w*|exfoliat\w*|shampoo\w*|wash\w*|mask|serum|condition\w*"
    r"|leave|leaving|sit|soak|keep it on|results?|until|till|see|notice|wait|take|book\w*"
    r"|appointment|appt|session at|salon)\b"
)


def asks_massage_amount(text: str | None) -> bool:
    """Does the message ask how long, how often or how hard to massage (pure)?

    The massage (or its tool) is named somewhere in the message and a question asks the
    amount of the asker's own doing: "side note, does massaging help with flakes? how long
    should i do it", "got a scalp brush, how often can i use it?". The question is about
    the massage, not results or another step ("how long until massage works", "i massage
    daily, how often should i wash?").
    """
    if not text:
        return False
    low = " ".join(text.lower().replace("\u2019", "'").split())
    if not (MASSAGE_WORDS.search(low) or any(rx.search(low) for _, rx in _TOOLS)):
        return False
    for sentence in re.split(r"[.!?;]|\b(?:but|and also)\b", low):
        if _AMOUNT_ASKED.search(sentence) and not _OTHER_STEP.search(sentence):
            return True
    return False
