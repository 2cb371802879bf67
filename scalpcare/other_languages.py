"""Red flags written in Spanish, French or German, and which of them a message is in (pure).

The assistant speaks English. A client who writes in another language still gets the
safety answer (in plain English, with the salon's phone number) for the words this small
lexicon covers: fever, pus, bleeding (and bleeding that will not stop), swelling (of the
face, too), psoriasis and a bald patch (docs/content-rules.md, "Special situations").
Everything else in another language gets the honest "I only speak English for now".

The lexicon matches accent-folded, lower-case words; a negation just before a word
("no tengo fiebre", "pas de fièvre", "kein Fieber") cancels it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from scalpcare.contract import Referral

__all__ = ["ForeignFlag", "detect_language", "fold", "foreign_flags"]


@dataclass(frozen=True)
class ForeignFlag:
    """A red-flag word found in another language.

    Attributes:
        sign: The sign (the screening corpus's vocabulary, e.g. ``fever``).
        level: The referral it calls for on its own (``none`` for a component such as
            fever, which is urgent only together with another sign).
        text: The words as written.
        start: Character offset in the message.
        end: Character offset just past the words.
        lang: ``es``, ``fr`` or ``de``.
    """

    sign: str
    level: Referral
    text: str
    start: int
    end: int
    lang: str


_U, _D, _N = Referral.URGENT, Referral.DERMATOLOGIST, Referral.NONE

# (language, sign, level, pattern over folded text). Longer, more specific patterns first:
# a word inside an earlier match is not matched again.
_LEXICON: tuple[tuple[str, str, Referral, str], ...] = (
    # Bleeding that does not stop.
    ("es", "bleeding", _U, r"no (?:para|paro|deja|dejo) de sangrar|sangr\w* sin parar"),
    ("fr", "bleeding", _U, r"(?:saigne|saignement)\w*[^.!?]{0,30}(?:arrete|arreter) pas"),
    ("fr", "bleeding", _U, r"n'arrete pas de saigner|saigne sans arret"),
    ("de", "bleeding", _U, r"(?:blutet|blutung)[^.!?]{0,30}(?:hort|horen) nicht auf"),
    ("de", "bleeding", _U, r"hort nicht auf zu bluten|blutet (?:stark|ununterbrochen)"),
    # A swollen face, eyes, lips or throat; trouble breathing.
    ("es", "allergic", _U, r"(?:cara|ojos|parpados|labios|garganta)\s+(?:\w+\s+){0,2}hinchad\w*"),
    ("es", "allergic", _U, r"hinch\w*\s+(?:la\s+|los\s+)?(?:cara|ojos|parpados|labios|garganta)"),
    ("es", "allergic", _U, r"(?:no puedo|dificultad para|me cuesta) respirar"),
    (
        "fr",
        "allergic",
        _U,
        r"(?:visage|yeux|paupieres|levres|gorge)\s+(?:\w+\s+){0,2}(?:gonfle|enfle)\w*",
    ),
    (
        "fr",
        "allergic",
        _U,
        r"(?:gonfle|enfle)\w*\s+(?:du\s+|des\s+|de la\s+)?(?:visage|yeux|levres)",
    ),
    ("fr", "allergic", _U, r"(?:du mal a|difficulte a|n'arrive pas a) respirer"),
    (
        "de",
        "allergic",
        _U,
        r"(?:gesicht|augen|augenlider|lippen|hals)\s+(?:ist\s+|sind\s+)?(?:stark\s+)?(?:geschwollen|angeschwollen)",
    ),
    ("de", "allergic", _U, r"(?:geschwollen\w*|schwellung)\s+(?:im\s+)?(?:gesicht|augen|lippen)"),
    ("de", "allergic", _U, r"(?:atemnot|kann nicht (?:richtig )?atmen|schwer zu atmen)"),
    # Fever (a component: urgent together with pus or swelling).
    ("es", "fever", _N, r"fiebre|calentura"),
    ("fr", "fever", _N, r"fievre"),
    ("de", "fever", _N, r"fieber"),
    # Pus.
    ("es", "infection", _D, r"supura\w*|absceso"),
    ("fr", "infection", _D, r"suppur\w*|abces"),
    ("de", "infection", _D, r"\beiter\w*|abszess"),
    # Bleeding.
    ("es", "bleeding", _D, r"sangr\w+"),
    ("fr", "bleeding", _D, r"saign\w+"),
    ("de", "bleeding", _D, r"\bblut\w*"),
    # Swelling.
    ("es", "swelling", _D, r"hinchad\w*|hinchazon|inflamad\w*|bulto"),
    ("fr", "swelling", _D, r"gonfle\w*|gonflement|enfle\w*|bosse"),
    ("de", "swelling", _D, r"geschwollen\w*|schwellung|beule"),
    # Psoriasis and similar named conditions.
    ("es", "scaling", _D, r"eccema|escamas? (?:gruesas?|plateadas?)|placas? (?:rojas?|gruesas?)"),
    ("fr", "scaling", _D, r"dermatite|squames?|plaques? (?:rouges?|epaisses?)"),
    ("de", "scaling", _D, r"schuppenflechte|ekzem|schuppige stelle\w*|dicke schuppen|rote flecken"),
    # A bald patch.
    (
        "es",
        "patchy_loss",
        _D,
        r"(?:zona|parche|mancha|calva|claro)\w* (?:sin pelo|calv\w*)|calva redonda",
    ),
    (
        "fr",
        "patchy_loss",
        _D,
        r"(?:plaque|zone|trou)\w* (?:\w+ ){0,3}(?:sans (?:aucun )?cheveux?|chauve|degarni\w*)"
        r"|pelade|alopecie",
    ),
    (
        "de",
        "patchy_loss",
        _D,
        r"kahle stelle\w*|kreisrund\w* haarausfall|alopezie|stelle\w* ohne haare",
    ),
)
# Words the languages share with English ("pus", "psoriasis"): they count only in a
# message already known to be in that language (the English rules read English).
_SHARED: tuple[tuple[str, Referral, str], ...] = (
    ("infection", _D, r"\bpus\b"),
    ("scaling", _D, r"psoriasis|dermatitis|eczema"),
    ("patchy_loss", _D, r"alopecia"),
)
_COMPILED = tuple(
    (lang, sign, level, re.compile(rf"(?<!\w)(?:{pattern})"))
    for lang, sign, level, pattern in _LEXICON
)
_SHARED_COMPILED = tuple(
    (sign, level, re.compile(rf"(?<!\w)(?:{pattern})")) for sign, level, pattern in _SHARED
)

_NEGATIONS = {
    "es": ("no", "sin", "ni", "nada de", "ningun", "ninguna"),
    "fr": ("pas de", "pas", "sans", "aucun", "aucune", "ni", "plus de"),
    "de": ("kein", "keine", "keinen", "nicht", "ohne", "weder"),
}


def _words(text: str) -> frozenset[str]:
    """A set of space-separated words (keeps the word lists readable)."""
    return frozenset(text.split())


# Frequent function words of each language (none of them an English word).
_STOPWORDS = {
    "es": _words(
        "ahora al algo antes ayuda cabello cabelludo cabeza como con creo cuando cuero del "
        "desde despues dias donde duele el en es esta estoy gracias hace hay hija hijo hola "
        "la las le les lo los madre mama mas me mi mis mucho muy nada nina nino padre para "
        "pelo pero poco por porque puede pueden puedo que quiero sale salen se semana semanas "
        "sin son su sus tambien tengo tenia tiene tienen todo tuve una unas unos y ya"
    ),
    "fr": _words(
        "ai aide apres avant avec avoir bonjour c'est ce ces cette chevelu cheveux comment "
        "cuir dans depuis des du elle est et etre fait fille fils il ils j'ai j'avais je "
        "jours la le les ma maintenant mais mal me merci mere mes mon nous ou pas pere peux "
        "plus pour que qui quoi rien semaine sont suis sur tete tout tres une veux vous"
    ),
    "de": _words(
        "aber am auch auf aus bei bin danke das dem den der des die ein eine einen er es fur "
        "haare hab habe hallo hatte hilfe ich ihr im ist jetzt kann konnt kopf kopfhaut mein "
        "meine meinen meiner mit mutter nach nicht noch sehr seit sie sind sohn tagen tochter "
        "tut und vater vom vor weh wie wir wird woche wurde zum zur sprechen deutsch"
    ),
    # Languages without a red-flag lexicon: recognised so that they get the honest
    # "English only" answer, and English rules do not misread their words. No word here
    # is also a common English word ("do", "no", "come", "per" are left out).
    "it": _words(
        "gli della delle dei che non sono mio mia miei mie ho hai abbiamo capelli cuoio "
        "capelluto testa prurito grazie ciao buongiorno posso vorrei scusi anche molto questo "
        "questa quando dopo sempre perche cosa giorni settimana forfora pelle italiano "
        "appuntamento sabato mattina di nel nella sul sulla uno ogni"
    ),
    "pt": _words(
        "oi ola obrigado obrigada meu minha meus minhas couro cabeludo cabelo cabeca coceira "
        "caspa muito rapido fica ja parece sujo dia fim nao tenho estou voce pode posso quero "
        "tambem depois quando sempre uma dos das para por que isso esse essa"
    ),
    "pl": _words(
        "dzien dobry kilku tygodni swedzi mnie skora glowy nie lupiezu moge "
        "zrobic jest sie czy jak moja moje moj wlosy bardzo tak dziekuje prosze przez "
        "ze juz jeszcze tylko byc"
    ),
    "nl": _words(
        "ik mijn het een hoofdhuid haar heb hebben niet voor maar ook wat hoe kan "
        "jeuk roos veel dank bedankt hallo goedemorgen graag afspraak zaterdag ochtend"
    ),
}
# Message-level qualifiers: a past condition, a general question, one a doctor looks
# after (unless it got worse). Any of them and the lexicon's findings do not count.
_QUALIFIERS = {
    "es": re.compile(
        r"\b(?:tuve|tenia|hace (?:\w+ )?anos|de (?:joven|nino|nina|pequen\w*)|volvio a crecer"
        r"|desaparecio|ya no|diferencia|contagi\w*|hereditari\w*|es normal que"
        r"|(?:dermatolog\w*|medic\w*)[^.?!]{0,40}(?:trat\w*|control\w*|diagnostic\w*))",
    ),
    "fr": re.compile(
        r"\b(?:j'ai eu|il y a \w+ ans|quand j'etais|a repousse|disparu|difference|limite entre"
        r"|contagi\w*|hereditaire|(?:dermato\w*|medecin)[^.?!]{0,40}(?:suivi|trait\w*"
        r"|calme|control\w*))",
    ),
    "de": re.compile(
        r"\b(?:hatte|vor \w+ jahren|als kind|nachgewachsen|verschwunden|unterschied|ansteckend"
        r"|erblich|(?:hautarzt|arzt|arztin)[^.?!]{0,40}(?:behandelt|kontroll\w*|ruhig))",
    ),
}
_WORSE = re.compile(r"\b(?:peor|empeora\w*|se extiende|pire|s'etend|schlimmer|breitet sich)")
_WORD = re.compile(r"[a-z']+")


def fold(text: str) -> str:
    """Lower case without accents (``"Fièvre"`` -> ``"fievre"``), same length per letter."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def detect_language(text: str) -> str | None:
    """The message's language when it is mostly not English, else None.

    ``es``, ``fr`` and ``de`` (which have red-flag lexicons), ``it``, ``pt``, ``pl``, ``nl``.

    Counts each language's frequent function words; English messages with one
    borrowed word ("my cuero cabelludo itches") stay English.
    """
    words = _WORD.findall(fold(text))
    if len(words) < 2:
        return None
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    lang, best = max(counts.items(), key=lambda item: item[1])
    if best >= 2 and best >= 0.25 * len(words):
        return lang
    return None


def _negated(folded: str, start: int, lang: str) -> bool:
    """A negation word among the three words before ``start``."""
    before = " ".join(folded[max(0, start - 40) : start].split()[-3:])
    return any(re.search(rf"(?<!\w){re.escape(neg)}(?!\w)", before) for neg in _NEGATIONS[lang])


def foreign_flags(text: str) -> list[ForeignFlag]:
    """Red-flag words in Spanish, French or German, negated ones left out.

    Args:
        text: The raw user message.

    Returns:
        The findings in text order, without overlaps.
    """
    if not text:
        return []
    folded = fold(text)
    if len(folded) != len(text):  # offsets must point into the original text
        folded = "".join(fold(c)[:1] or " " for c in text)
    taken: list[tuple[int, int]] = []
    found: list[ForeignFlag] = []

    def add(lang: str, sign: str, level: Referral, pattern: re.Pattern[str]) -> None:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken) or _negated(folded, start, lang):
                continue
            taken.append((start, end))
            found.append(ForeignFlag(sign, level, text[start:end], start, end, lang))

    for lang, sign, level, pattern in _COMPILED:
        add(lang, sign, level, pattern)
    # The message's language: its function words, else the language of the words found.
    language = detect_language(text)
    if language is None and found:
        languages = [flag.lang for flag in found]
        language = max(set(languages), key=languages.count)
    if language is not None:
        for sign, level, pattern in _SHARED_COMPILED:
            add(language, sign, level, pattern)
        qualifier = _QUALIFIERS.get(language)
        if qualifier is not None and qualifier.search(folded) and not _WORSE.search(folded):
            return []  # past, a general question, or under a doctor's care
    return sorted(found, key=lambda flag: flag.start)
