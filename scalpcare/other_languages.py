"""Red flags written in Spanish, French or German, and which of them a message is in (pure).

The assistant speaks English. A client who writes in another language still gets the
safety answer (in plain English, with the salon's phone number) for the signs this small
lexicon covers (docs/content-rules.md, "Special situations"; the levels of
data/screening/GUIDE.md):

* ``_LEXICON`` (every message): fever, pus, bleeding (and bleeding that will not stop),
  swelling (of the face, too), psoriasis-like scaling and a bald patch;
* ``_VOCABULARY`` (only a message in that language), by sign:
  an allergic reaction (a swollen face, eyelids, eyes, lips, tongue, throat or neck in
  either word order and most verb forms, eyes swollen shut, trouble swallowing; hives
  alone are a rash, dermatologist); a chemical burn (a burn, raw skin, blisters or a
  burning scalp together with a dye, bleach, relaxer or perm, in one message; a burn, raw
  skin or blisters alone are dermatologist); a head injury (a fall near the head, a blow
  to the head, a head wound) and its warning signs (vomiting, drowsiness, confusion,
  passing out), which are the English rules' components: with bleeding or a warning sign
  they make ``triage.URGENT_COMBINATIONS``' head-injury combinations, in one message or
  across the conversation; bleeding for ten minutes or more, or in spite of pressure;
  spreading (which is also an inflamed scalp, as in the English rules) and a hot scalp or
  lump (a fever with either is urgent; spreading with a hot swelling or a lump is urgent);
  oozing; a fever given as a number ("38,5 de fiebre", "39 °C", "39 Grad"); severe pain
  ("dolor insoportable", "douleur atroce", "unerträgliche Schmerzen"); a blistering rash
  on one side or shingles named (urgent); more ways to say trouble breathing;
  dermatologist signs: hair in clumps or handfuls, a round bald patch (the beard and
  eyebrows too), yellow greasy scale, boils, a sore or bumps that do not heal or keep
  coming back, scaling no shampoo helps, a red scaly scalp after a dye, a rash; the
  nutrient or medical context of shedding (doctor), as in the English nutrient rules: a
  known low iron or anaemia and rapid weight loss alone, childbirth or breastfeeding, heavy
  periods, a diet (unless planned), an illness or operation and thyroid signs only with
  hair loss in the same message. Such a context is something that happened: "tuve a mi
  bebé hace 8 meses" or a doctor's care does not set it aside, the hair growing back or a
  general question does.

Everything else in another language gets the honest "I only speak English for now".

The lexicon matches accent-folded, lower-case words. A negation just before a word ("no
tengo fiebre", "pas de fièvre", "kein Fieber", "ça ne saigne plus"), between the words
of a finding ("los ojos no están hinchados") or, in French and German, just after it
("die Lider schwellen nicht an") cancels it. A message-level qualifier (a past episode,
a general question such as "¿el tinte puede hacer ampollas?", a doctor's care) sets the
message's findings aside unless it says it got worse, or a later sentence says it is
happening now ("hatte als Kind eine Reaktion. Jetzt schwillt mein Hals an").
"""

from __future__ import annotations

import bisect
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


_U, _D, _C, _N = Referral.URGENT, Referral.DERMATOLOGIST, Referral.DOCTOR, Referral.NONE

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
    ("es", "allergic", _U, r"(?:cara|ojos|parpados|labios|garganta)\s+(?:\S+\s+){0,2}hinchad\w*"),
    ("es", "allergic", _U, r"hinch\w*\s+(?:la\s+|los\s+)?(?:cara|ojos|parpados|labios|garganta)"),
    ("es", "allergic", _U, r"(?:no puedo|dificultad para|me cuesta) respirar"),
    (
        "fr",
        "allergic",
        _U,
        r"(?:visage|yeux|paupieres|levres|gorge)\s+(?:\S+\s+){0,2}(?:gonfle|enfle)\w*",
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
        r"(?:gesicht|augen|augenlider|lippen|hals)\s+(?:ist\s+"
        r"|sind\s+)?(?:stark\s+)?(?:geschwollen|angeschwollen)",
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
    # Not a blood test ("análisis de sangre", "Blutbild", "Blutarmut": anaemia).
    ("es", "bleeding", _D, r"(?<!analisis de )(?<!analitica de )(?<!prueba de )sangr\w+"),
    ("fr", "bleeding", _D, r"saign\w+"),
    (
        "de",
        "bleeding",
        _D,
        r"\bblut(?!bild|wert|test|abnahme|untersuchung|probe|zucker|druck|gruppe|armut)\w*",
    ),
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
# The signs' vocabulary by language (docs/content-rules.md and data/screening/GUIDE.md:
# an allergic reaction, a chemical burn, a head injury with a warning sign, a spreading
# infection, a fever given as a number). Each entry names a *cue*; ``_CUES`` says which
# sign and level a cue reports, and ``_LOCAL`` which cues make an urgent sign together in
# one message. Unlike ``_LEXICON`` these words run only in a message known to be in that
# language (several are English words, or English-like: "confuse", "plaques").
#: A word between two parts of a finding (written ``\S+`` in the patterns): in the same
#: sentence, and not a negation ("los ojos no están hinchados", "Gesicht ist nicht
#: geschwollen").
_WORD_BETWEEN = (
    r"(?!(?:no|ni|sin|nunca|jamas|pas|plus|jamais|nicht|kein\w*|nie|niemals)(?!\w))[^\s.!?;]+"
)


def _gap(n: int) -> str:
    """Up to ``n`` words between two parts of a finding."""
    return rf"\s+(?:\S+\s+){{0,{n}}}"


def _near(first: str, second: str, n: int = 3) -> str:
    """``first`` then ``second`` within ``n`` words, or the other way round."""
    one = rf"(?:{first})(?!\w){_gap(n)}(?:{second})(?!\w)"
    other = rf"(?:{second})(?!\w){_gap(n)}(?:{first})(?!\w)"
    return f"{one}|{other}"


_FEVER_NUMBER = (
    r"(?:3[89]|4[01])(?:[.,]\d)?\s*(?:°\s*c?|o ?c\b|grados?|grad|degres|de fiebre|de fievre|fieber)"
)
_HEAD_ES = r"cabeza|cuero cabelludo|frente|coronilla|nuca"
_HEAD_FR = r"tete|crane|cuir chevelu|front"
_HEAD_DE = r"kopf|kopfhaut|stirn|hinterkopf|schadel"
_PARTS_ES = r"cara|rostro|ojos?|parpados?|labios?|lengua|garganta|cuello|boca"
_SWELL_ES = r"hinch\w+|inflamad\w*|abultad\w*"
_PARTS_FR = r"visage|figure|yeux|oeil|œil|paupieres?|levres?|langue|gorge|cou|bouche"
_SWELL_FR = r"gonfl\w+|enfl\w+|bouffi\w*|tumefie\w*"
_PARTS_DE = r"gesicht|augen?|augenlider?|lider|lidern|lid|lippen?|zunge|hals|nacken|rachen|mund"
_SWELL_DE = (
    r"geschwollen\w*|angeschwollen\w*|zugeschwollen\w*|aufgeschwollen\w*|schwillt|schwellen"
    r"|anschwell\w*|schwellung\w*|aufgedunsen\w*"
)
_VOCABULARY: tuple[tuple[str, str, str], ...] = (
    # ---- Spanish ----
    # An allergic reaction: a swollen face, eyelids, lips, tongue, throat or neck in either
    # word order; eyes swollen shut; trouble swallowing; hives.
    ("es", "allergic", _near(_PARTS_ES, _SWELL_ES)),
    ("es", "allergic", _near(r"ojos?|parpados?", r"cerrad\w*|cerrando|cerran", 2)),
    (
        "es",
        "allergic",
        r"no (?:puedo|puede|podia|pude) abrir (?:bien )?(?:los |el |mis |sus )?ojos?",
    ),
    (
        "es",
        "allergic",
        r"(?:no (?:puedo|puede|podia)|(?:me|le|nos) cuesta|cuesta|dificultad(?:es)? (?:para|al)"
        r"|problemas? (?:para|al)|apenas (?:puedo|puede)) tragar",
    ),
    ("es", "hives", r"ronchas?|habones?|urticaria"),
    (
        "es",
        "allergic",
        r"me ahogo|se ahoga|falta de aire|(?:apenas|casi no) (?:puedo|puede) respirar",
    ),
    # Sudden severe pain; a blistering rash on one side (possible shingles).
    (
        "es",
        "severe_pain",
        r"dolor\w*(?:\s+\S+){0,3}\s+(?:insoportable\w*|atroz|intens\w*|extrem\w*|insufrible\w*)"
        r"|(?:insoportable|atroz|intens\w*|extrem\w*) dolor\w*",
    ),
    (
        "es",
        "shingles",
        r"herpes zoster|culebrilla|(?:ampoll\w*|vesicul\w*|sarpullido|erupcion)(?:\s+\S+){0,4}"
        r"\s+(?:un|un solo) lado",
    ),
    # A chemical burn: a burn named, a burn with a dye, bleach or relaxer; raw skin; blisters.
    (
        "es",
        "chemical_burn",
        r"quemadura\w* quimica\w*|quemadura\w* (?:por|del?|de la) (?:el |la )?(?:tinte"
        r"|decoloracion|alisado|lejia|producto)",
    ),
    (
        "es",
        "burn",
        r"quemadura\w*|(?:me|le|te|nos) (?:ha |han )?quem(?:o|aron|ado)(?! (?:el |los |las |mi "
        r"|mis |su |sus )?(?:pelo|cabello|puntas|mechas))"
        r"|(?:cuero cabelludo|piel)(?:\s+\S+){0,2}\s+quemad\w*|quemad\w* (?:el |la |mi )?(?:cuero"
        r"|piel)",
    ),
    ("es", "burning", r"(?:me|le|te) quema(?!\w)(?! (?:un poco|poco|ligeramente|levemente))"),
    ("es", "raw", r"(?:en )?carne viva|llagas?"),
    ("es", "blisters", r"ampoll\w*|vesicul\w*(?!\w)(?! biliar)"),
    ("es", "oozing", r"rezum\w*|exud\w*"),
    (
        "es",
        "product",
        r"tintes?|tintur\w*|tenir(?:me|se|te|lo|la|le)?|tenid[oa]s? (?:el |mi |su )?pelo|me teni"
        r"|decolora\w*|mechas|lejia|alisado\w*|la permanente|henna|hena|amoniaco|agua oxigenada"
        r"|peroxido|oxigenada|quimic\w*|coloracion",
    ),
    # A head injury, and its warning signs.
    (
        "es",
        "head_injury",
        _near(
            r"(?:me|se|te) (?:he |ha |has )?ca(?:i|yo|ido|iste)(?!(?:\s+\S+){0,2}\s+(?:pelo"
            r"|cabello))"
            r"|(?:una|tuvo|sufrio) caida",
            _HEAD_ES,
            8,
        )
        + r"|golpe\w*(?:\s+\S+){0,3}\s+(?:la |en la )?cabeza"
        r"|(?:se|me|le|te) (?:\S+ ){0,2}(?:dio|di|dado) (?:\S+ ){0,3}(?:contra|en la cabeza)"
        r"|(?:corte|cortado|cortada|herida|brecha)(?:\s+\S+){0,3}\s+(?:la )?cabeza"
        r"|traumatismo craneal",
    ),
    ("es", "head_injury_warning", r"vomit\w*|ha devuelto|adormilad\w*|somnolient\w*|amodorrad\w*"),
    (
        "es",
        "head_injury_warning",
        r"confundid\w*|desorientad\w*|aturdid\w*|desmay\w*|(?:perdio|perdido"
        r"|pierde) el conocimiento",
    ),
    # Bleeding that will not stop: for many minutes, or in spite of pressure.
    (
        "es",
        "bleeding_long",
        r"sangr\w*(?:\s+\S+){0,3}\s+(?:mas de )?(?:[1-9]\d|\d{3}) ?min\w*"
        r"|(?:[1-9]\d) ?min\w* (?:\S+ )?sangrando"
        r"|sangr\w*(?:\s+\S+){0,5}\s+(?:aunque|a pesar)|(?:aunque"
        r"|a pesar)(?:\s+\S+){0,5}\s+sangr\w*",
    ),
    # Spreading, and a hot scalp or lump.
    ("es", "spreading", r"se (?:esta |va |ha )?(?:extend|extiend|propag|expand)\w*"),
    ("es", "hot", r"(?:esta|estan|muy|bastante|super|bien) calient\w*|calient\w* al tact\w*"),
    ("es", "fever", _FEVER_NUMBER + r"|febril|temperatura alta"),
    # Nutrient or medical context of shedding (the English nutrient rules): childbirth or
    # breastfeeding, heavy periods, a diet, an illness or operation, thyroid signs count
    # only with hair loss in the same message; a known low result or anaemia alone.
    (
        "es",
        "hair_loss",
        _near(r"ca(?:e|en|yendo)", r"pelos?|cabellos?", 4)
        + r"|caida (?:del? |de mi )?(?:pelo|cabello)|alopecia"
        r"|(?:pierdo|pierde|perdiendo)(?:\s+\S+){0,2}\s+(?:el )?(?:pelo|cabello)"
        r"|(?:pelo|cabello)(?:\s+\S+){0,3}\s+(?:mas |muy )?(?:fino|debil|ralo|escaso)",
    ),
    (
        "es",
        "postpartum",
        r"(?:di|dio|dado|dar) a luz|posparto|postparto|puerperio|lactancia|amamant\w*"
        r"|(?:doy|dando|da) (?:el )?pecho|embaraz\w*|parto|bebe de \d+ (?:meses|semanas)"
        r"|(?:tuve|he tenido|tuvo|nacio) (?:a )?(?:mi |un |una |el |la )?(?:bebe|hij[oa]|nen[ea])",
    ),
    (
        "es",
        "heavy_periods",
        _near(r"reglas?|menstruaci\w*|periodos?", r"abundant\w*|fuertes?|copios\w*|largas?", 2),
    ),
    (
        "es",
        "diet",
        r"vegan[oa]s?|vegetarian[oa]s?|(?:a|haciendo|hago|hice) dieta|dieta\w*(?:\s+\S+){0,2}"
        r"\s+(?:estricta|restrictiva|extrema|milagro|de choque|keto|cetogenica|muy baja)"
        r"|ayun\w*|anorexi\w*|bulimi\w*|casi no como|(?:como|come|comemos|comiendo|comer)"
        r" (?:muy |muy muy )?(?:poc[oa]s?|poquisim\w*|casi nada)|no como (?:carne|nada|bien"
        r"|suficiente)"
        r"|(?:me salto|saltarme|salto) (?:las |muchas )?comidas",
    ),
    (
        "es",
        "illness",
        r"(?:despues de|desde|tras|tuve|he tenido|pase)(?:\s+\S+){0,3}\s+(?:covid|coronavirus"
        r"|gripe|neumonia|operacion|cirugia|intervencion|hospital\w*|ingreso|infeccion"
        r"|enfermedad|fiebre alta)(?!\w)|covid|coronavirus|(?:me|le) operaron"
        r"|(?:estuve|he estado|estuvo) (?:muy )?(?:enferm[oa]|ingresad[oa]|hospitalizad[oa])",
    ),
    (
        "es",
        "low_result",
        r"anemi\w*|(?:falta|carencia|deficit|deficiencia) de (?:hierro|ferritina|vitamina\w*|b12"
        r"|zinc)|(?:hierro|ferritina|vitamina\w*|b12)(?:\s+\S+){0,3}\s+(?:muy )?baj[oa]s?"
        r"|baj[oa]s? (?:de|en) (?:hierro|ferritina|vitamina\w*)|ferritina (?:de |en )?\d+",
    ),
    (
        "es",
        "weight_loss",
        r"(?:perdi|he perdido|adelgace|baje|he bajado)(?:\s+\S+){0,2}\s+\d+ ?(?:kilos?|kg)",
    ),
    ("es", "plan", r"nutricionista|dietista|suplement\w*|(?:con|sigo) un plan"),
    ("es", "cold", r"(?:siempre|todo el tiempo|constantemente)(?:\s+\S+){0,2}\s+frio|frio siempre"),
    ("es", "weight_gain", r"engord\w*|(?:gano|ganado|subido|subiendo|subo) (?:de )?(?:peso|kilos)"),
    ("es", "tired", r"cansad\w*|cansancio|agotad\w*|sin energia"),
    # Dermatologist: hair in clumps, round bald patches (the beard and eyebrows too),
    # greasy yellow scale, boils, sores or bumps that do not heal or keep coming back,
    # scaling that nothing helps, a red scaly scalp after a dye.
    (
        "es",
        "patch",
        # With its verb when there is one, so that "no se me cae a mechones" is negated.
        r"(?:ca(?:e|en|yendo)|salen?|saliendo|pierdo|perdiendo)(?:\s+\S+){0,4}\s+(?:a (?:mechones"
        r"|punados)|en circulos)|a (?:mechones|punados)|mechones enteros"
        r"|punados de (?:pelo|cabello)"
        r"|(?:mancha|calva|zona|parche|claro|hueco)s?(?:\s+\S+){0,2}\s+(?:sin pelo|redond\w*)"
        r"|calvas?(?:\s+\S+){0,2}\s+en (?:la barba|las cejas)"
        r"|(?:en )?circulos(?:\s+\S+){0,2}\s+sin pelo|ca(?:e|en|yendo)(?:\s+\S+){0,4}"
        r"\s+en circulos|(?:se (?:me|le|te) )?ca(?:e|en|yendo) (?:las |sus |mis )?cejas",
    ),
    ("es", "seborrheic", _near(r"escamas?|costras?|caspa", r"amarill\w*", 2)),
    ("es", "boil", r"forunculos?|foliculitis"),
    ("es", "bump", r"granos?|granitos?|pupas?|heridas?|llagas?|costras?|lesion\w*|ulceras?"),
    (
        "es",
        "persist",
        r"una y otra vez|(?:siempre )?(?:vuelven?|reaparec\w*) (?:a salir|siempre)"
        r"|no (?:se )?(?:curan?|cicatriza\w*|sana\w*)|no se (?:va|van|quita|quitan) con nada"
        r"|ningun champu (?:\S+ )?(?:funciona|sirve|ayuda)|nada (?:me )?(?:funciona|sirve)",
    ),
    ("es", "scale", r"escamas?|escamos\w*|descamacion|descama\w*|caspa|costras?"),
    (
        "es",
        "red_skin",
        _near(r"cuero cabelludo|piel|cabeza", r"roj[oa]s?|enrojecid\w*|irritad\w*", 3)
        + r"|rojez|enrojecimiento",
    ),
    ("es", "rash", r"sarpullido|salpullido|erupcion"),
    # ---- French ----
    ("fr", "allergic", _near(_PARTS_FR, _SWELL_FR)),
    ("fr", "allergic", _near(r"yeux|oeil|œil|paupieres?", r"fermee?s?|clos\w*|collee?s?", 2)),
    (
        "fr",
        "allergic",
        r"n'arrive (?:plus|pas) a ouvrir|(?:du mal a|peux pas|impossible d') ouvrir les yeux",
    ),
    (
        "fr",
        "allergic",
        r"(?:du mal a|difficultes? a|n'arrive (?:pas|plus) a|peine a|impossible d'|gene pour"
        r"|peux pas) avaler",
    ),
    ("fr", "allergic", r"(?:le )?souffle court"),
    (
        "fr",
        "severe_pain",
        r"douleurs?(?:\s+\S+){0,3}\s+(?:insupportable\w*|atroce\w*|intense\w*|extreme\w*)"
        r"|(?:atroce|intense|extreme)s? douleurs?",
    ),
    (
        "fr",
        "shingles",
        r"zona|(?:cloques?|vesicules?|boutons|eruption)(?:\s+\S+){0,4}\s+d'un (?:seul )?cote",
    ),
    (
        "fr",
        "hives",
        r"urticaire|plaques?(?:\s+\S+){0,3}\s+(?:partout|sur tout le corps|sur le corps)",
    ),
    (
        "fr",
        "chemical_burn",
        r"brulure\w* chimique\w*|brulure\w* (?:de|par|due a|dues a) (?:la |le |ma "
        r"|mon )?(?:decoloration|teinture|defrisage|produit|coloration)",
    ),
    (
        "fr",
        "burn",
        r"brulures?|(?:m'a|t'a|l'a|lui a|ont) brule(?:e|es|s)?(?! (?:les |mes |ses )?cheveux)"
        r"|(?:cuir chevelu|peau|crane)(?:\s+\S+){0,2}\s+brulee?s?|brulee?s? (?:le |la |mon "
        r"|ma )?(?:cuir|peau|crane)",
    ),
    (
        "fr",
        "burning",
        r"(?:ca|cela|qui) (?:me )?brule(?! (?:un peu|legerement|a peine))|me brule(?! (?:un peu"
        r"|legerement|a peine))",
    ),
    ("fr", "raw", r"a vif|plaies?\s+ouvertes?"),
    ("fr", "blisters", r"cloques?|vesicules?|ampoules?(?!\w)(?! (?:de|d'|anti|pour|aux?)(?!\w))"),
    ("fr", "oozing", r"suint\w*|coule du liquide"),
    (
        "fr",
        "product",
        r"teinture\w*|coloration\w*|(?:ma|sa|une|la|votre|ta) couleur|decolor\w*|meches|balayage"
        r"|defris\w*|lissage|permanente|henne|oxydant|ammoniaque|produit chimique|colore\w*",
    ),
    (
        "fr",
        "head_injury",
        _near(
            r"(?:je suis|il est|elle est|on est|tu es) tombee?s?"
            r"|est tombee? (?:de|du|des|dans|sur|par|en|a)|(?:une|sa|ma|la) chute(?! de cheveux"
            r"| des cheveux)",
            _HEAD_FR,
            8,
        )
        + r"|coup(?:\s+\S+){0,2}\s+(?:a|sur) la tete"
        r"|cogne\w*(?:\s+\S+){0,2}\s+(?:la )?tete|plaie (?:au|a la|sur le|sur la) (?:cuir|tete"
        r"|crane|front)"
        r"|traumatisme cranien",
    ),
    (
        "fr",
        "head_injury_warning",
        r"vomi\w*|somnolente?s?|confuse?|desoriente\w*|perdu connaissance|evanoui\w*"
        r"|dans les vapes|vaseu\w*|commotion",
    ),
    (
        "fr",
        "bleeding_long",
        r"saign\w*(?!\w)(?! plus| pas)(?:\s+\S+){0,2}\s+depuis (?:plus de )?(?:[1-9]\d|\d{3}"
        r"|une demi-heure) ?(?:min\w*)?"
        r"|saign\w*(?:\s+\S+){0,5}\s+malgre|malgre(?:\s+\S+){0,5}\s+saign\w*",
    ),
    ("fr", "spreading", r"s'etend\w*|s'etale\w*|se propage\w*|gagne du terrain"),
    ("fr", "hot", r"(?:est|sont|tres|c'est) chaude?s?|chaude?s? au toucher|brulante?s?"),
    ("fr", "fever", _FEVER_NUMBER + r"|febrile|de la temperature"),
    (
        "fr",
        "hair_loss",
        _near(r"tomb(?:e|ent|ant)", r"cheveux", 4)
        + r"|pertes? (?:de|des|de mes) cheveux|chute (?:de|des) cheveux|alopecie"
        r"|(?:je )?perds?(?:\s+\S+){0,2}\s+(?:de |mes |des )?cheveux"
        r"|cheveux(?:\s+\S+){0,3}\s+(?:plus )?(?:fins|clairsemes|s'affinent)",
    ),
    (
        "fr",
        "postpartum",
        r"accouch\w*|post-?partum|allait\w*|grossesse|enceinte|(?:depuis|apres) (?:la |ma )?"
        r"naissance|bebe de \d+ (?:mois|semaines)|(?:eu|avoir) (?:un |mon |notre )?bebe",
    ),
    (
        "fr",
        "heavy_periods",
        _near(r"regles|menstruations?|regle", r"abondantes?|hemorragiques?|(?:tres )fortes?", 2),
    ),
    (
        "fr",
        "diet",
        r"vegan\w*|vegetarien\w*|(?:au|un|mon) regime|regime(?:\s+\S+){0,2}\s+(?:strict|draconien"
        r"|restrictif|extreme|hypocalorique|keto)|jeun\w*|anorexi\w*|boulimi\w*|saute des repas"
        r"|(?:je )?mange (?:tres |vraiment )?(?:peu|presque rien)"
        r"|(?:je )?ne mange (?:presque )?(?:pas|plus|rien|jamais)",
    ),
    (
        "fr",
        "illness",
        r"(?:apres|depuis|suite a)(?:\s+\S+){0,3}\s+(?:covid|grippe|operation|chirurgie"
        r"|hospitalisation|maladie|pneumonie|infection|forte fievre)(?!\w)|covid"
        r"|(?:j'ai ete|a ete) (?:tres |gravement )?(?:malade|opere\w*|hospitalise\w*)",
    ),
    (
        "fr",
        "low_result",
        r"anemi\w*|(?:carence|deficit|manque)s? (?:en|de|d') ?(?:fer|ferritine|vitamine\w*|b12"
        r"|zinc)|(?:fer|ferritine)(?:\s+\S+){0,2}\s+(?:tres )?(?:bas|basse|faible)"
        r"|ferritine (?:a )?\d+",
    ),
    ("fr", "weight_loss", r"perdu(?:\s+\S+){0,2}\s+\d+ ?(?:kilos?|kg)(?! de plus)"),
    ("fr", "plan", r"nutritionniste|dieteticien\w*|complements?|supplements?"),
    ("fr", "cold", r"(?:toujours|tout le temps|sans cesse) froid|froid tout le temps"),
    ("fr", "weight_gain", r"(?:pris|prends) du poids|prise de poids|je grossis|grossi"),
    ("fr", "tired", r"fatigue\w*|epuise\w*|creve\w*|sans energie"),
    (
        "fr",
        "patch",
        r"(?:tomb\w*|perds|perd|partent)(?:\s+\S+){0,3}\s+par (?:touffes|poignees|plaques)"
        r"|par (?:touffes|poignees|plaques)|touffes (?:entieres|de cheveux)|poignees de cheveux"
        r"|(?:plaque|zone|trou|coin|rond|endroit)s?(?:\s+\S+){0,5}\s+(?:sans (?:aucun )?"
        r"(?:cheveux?|poils?)|chauves?|ronde?s?)|(?:plaque|trou)s?(?:\s+\S+){0,3}\s+(?:de la )?"
        r"taille d'une piece|(?:perd|perds|tombent)(?:\s+\S+){0,2}\s+(?:les |mes |ses )?sourcils",
    ),
    ("fr", "seborrheic", _near(r"squames?|croutes?|pellicules?", r"jaune\w*", 2)),
    ("fr", "boil", r"furoncles?|folliculite"),
    ("fr", "bump", r"boutons?|plaies?|croutes?|lesions?|ulceres?"),
    (
        "fr",
        "persist",
        r"(?:reviennent|revient) (?:sans cesse|toujours|tout le temps)"
        r"|ne (?:guerit|guerissent|cicatrise\w*|partent|part|s'en va\w*) (?:pas|jamais|plus)"
        r"|ne (?:partent|part|s'en vont|s'en va)(?:\s+\S+){0,2}\s+aucun shampo\w*"
        r"|rien n'y fait|aucun shampo\w* (?:ne )?(?:marche|fonctionne|aide)",
    ),
    ("fr", "scale", r"squames?|desquam\w*|pellicules?|croutes?"),
    (
        "fr",
        "thick",
        r"(?:croutes?|squames?|plaques?)(?:\s+\S+){0,2}\s+(?:epaisses?|argente\w*)"
        r"|(?:rouge|irrite) et epais",
    ),
    (
        "fr",
        "red_skin",
        _near(r"cuir chevelu|peau|crane", r"rouges?|irrite\w*|enflamme\w*", 3) + r"|rougeurs?",
    ),
    ("fr", "rash", r"eruption\w*"),
    # ---- German ----
    ("de", "allergic", _near(_PARTS_DE, _SWELL_DE)),
    ("de", "allergic", r"zugeschwollen\w*|augen(?:\s+\S+){0,2}\s+(?:zu|geschlossen)(?!\w)"),
    (
        "de",
        "allergic",
        r"kann (?:die |meine |seine |ihre )?augen nicht (?:mehr )?(?:richtig )?offnen",
    ),
    (
        "de",
        "allergic",
        r"(?:kann|konnte|kann er|kann sie)(?:\s+\S+){0,2}\s+(?:schlecht|kaum"
        r"|nicht(?: mehr)?(?: richtig)?) schlucken"
        r"|schluckbeschwerden|probleme? (?:beim|mit dem) schlucken|schwer zu schlucken",
    ),
    ("de", "allergic", r"luftnot|(?:bekomme|kriege|krieg|bekommt|kriegt) (?:kaum|keine) luft"),
    (
        "de",
        "severe_pain",
        r"(?:unertraglich|heftigst|extrem|hollisch|starkst|rasend)\w*(?:\s+\S+){0,1}\s+\w*schmerz\w*"
        r"|\w*schmerz\w*(?:\s+\S+){0,2}\s+(?:sind |ist )?(?:unertraglich|hollisch|rasend)\w*",
    ),
    (
        "de",
        "shingles",
        r"gurtelrose|herpes zoster|(?:blaschen|blasen|ausschlag)(?:\s+\S+){0,4}\s+(?:nur )?"
        r"(?:auf )?einer (?:kopf)?seite"
        r"|einseitig\w*(?:\s+\S+){0,2}\s+(?:blaschen|blasen|ausschlag)",
    ),
    ("de", "hives", r"quaddel\w*|nesselsucht|nesselausschlag|urtikaria|nesselfieber"),
    (
        "de",
        "chemical_burn",
        r"veratz\w*|chemische\w* verbrennung\w*|verbrennung\w* (?:durch|von) (?:die |der |das "
        r"|den )?(?:farbe|blondierung|bleiche|chemie|mittel)",
    ),
    ("de", "burn", r"verbrennung\w*|" + _near(r"kopfhaut|haut|stellen?", r"verbrannt\w*", 3)),
    ("de", "burning", r"brennt(?! (?:nur )?(?:ein bisschen|ein wenig|etwas|leicht|kaum))"),
    (
        "de",
        "raw",
        r"(?:ist|sind|ganz|total|richtig|komplett) wund|wunde stelle\w*|offene\w* (?:stelle"
        r"|wunde)\w*|rohes fleisch",
    ),
    ("de", "blisters", r"blase\w*|blaschen"),
    ("de", "oozing", r"nasst|nassend\w*|nassen(?!\s+(?:haar|kopf|zustand))"),
    (
        "de",
        "product",
        r"\w*(?:tonung|getont|blondier|farbung|gefarbt|haarfarbe|farbemittel|nachfarb|aufhell)\w*"
        r"|farben|tonen|gebleicht|bleiche|dauerwelle|glattung|relaxer|henna|chemi\w*|strahnchen"
        r"|wasserstoffperoxid",
    ),
    (
        "de",
        "head_injury",
        _near(
            r"(?:bin|ist|sind)(?:\s+\S+){0,4}\s+(?:hin|um|herunter|runter|ab)?gefallen"
            r"|(?:bin|ist)(?:\s+\S+){0,4}\s+gesturzt|sturz",
            _HEAD_DE,
            8,
        )
        + r"|(?:auf|an|gegen|mit) (?:den|dem|seinen|seinem|ihren|ihrem|meinen"
        r"|meinem) (?:hinter)?kopf"
        r"(?:\s+\S+){0,2}\s+(?:hin|um)?(?:gefallen|gesturzt|geknallt|geschlagen|aufgeschlagen)"
        r"|kopf(?:\s+\S+){0,3}\s+(?:gesto(?:ss|ß)en|angeschlagen|aufgeschlagen)"
        r"|(?:gesto(?:ss|ß)en|aufgeschlagen)(?:\s+\S+){0,3}\s+kopf|platzwunde\w*|kopfverletzung\w*"
        r"|schlag (?:auf|gegen) den kopf|kopfwunde\w*",
    ),
    (
        "de",
        "head_injury_warning",
        r"erbroch\w*|ubergeb\w*|kotz\w*|(?:hat|habe|hab|hatte)(?:\s+\S+){0,3}\s+gebrochen"
        r"|schlafrig\w*"
        r"|benommen\w*|verwirrt\w*|bewusstlos\w*|ohnmacht\w*|desorientiert\w*|nicht ansprechbar"
        r"|gehirnerschutterung",
    ),
    (
        "de",
        "bleeding_long",
        r"(?:blutet|blutung)(?:\s+\S+){0,2}\s+seit (?:uber |mehr als )?(?:[1-9]\d|\d{3}"
        r"|einer halben) ?(?:min\w*|stunde\w*)(?!\w)(?! nicht mehr)"
        r"|blut\w*(?:\s+\S+){0,6}\s+trotz|trotz(?:\s+\S+){0,4}\s+blut\w*",
    ),
    ("de", "spreading", r"breite\w* sich(?:\s+\S+){0,3}\s+aus|ausgebreitet|ausbreit\w*"),
    (
        "de",
        "hot",
        r"(?:ist|sind|fuhlt sich|ganz|sehr)(?:\s+\S+){0,2}\s+hei(?:ss|ß)|hei(?:ss|ß) an|uberwarmt",
    ),
    ("de", "fever", _FEVER_NUMBER + r"|erhohte temperatur"),
    (
        "de",
        "hair_loss",
        r"haarausfall|"
        + _near(r"fallen|fallt|gehen|ausfallen", r"haare?", 4)
        + r"|verlier\w*(?:\s+\S+){0,3}\s+haare?|haare?(?:\s+\S+){0,3}\s+(?:werden |sind )?"
        r"(?:dunn\w*|licht\w*|strohig\w*)",
    ),
    (
        "de",
        "postpartum",
        r"geburt(?!stag)|entbindung|entbunden|schwangerschaft|schwanger|stillen|stille|stillzeit"
        r"|wochenbett|baby (?:bekommen|gekriegt)|(?:nach|seit) dem baby",
    ),
    (
        "de",
        "heavy_periods",
        r"(?:starke|sehr starke|heftige)\w* (?:periode|regel|regelblutung|menstruation|blutung)"
        r"\w*|(?:periode|regel|menstruation)\w*(?:\s+\S+){0,2}\s+(?:sehr )?(?:stark|heftig)",
    ),
    (
        "de",
        "diet",
        r"vegan\w*|vegetari\w*|diat\w*|\w*fasten|magersucht|bulimi\w*|kaum fleisch|kein fleisch"
        r"|(?:esse|essen|ass) (?:sehr |kaum |fast )?(?:wenig|kaum|nichts)"
        r"|(?:sehr |kaum |fast )?(?:wenig|kaum|nichts) (?:esse|essen|ass)",
    ),
    (
        "de",
        "illness",
        r"(?:nach|seit)(?:\s+\S+){0,3}\s+(?:corona|covid|grippe|operation|op|krankheit"
        r"|lungenentzundung|infekt|infektion|krankenhaus\w*|hohem fieber)(?!\w)|covid|corona"
        r"|operiert|(?:war|bin) (?:lange |schwer |sehr )?krank",
    ),
    (
        "de",
        "low_result",
        r"anami\w*|blutarmut|eisenmangel\w*|\w*vitamin\w*mangel|b12-?mangel"
        r"|(?:eisen|ferritin)\w*(?:\s+\S+){0,5}\s+(?:zu |sehr )?niedrig\w*"
        r"|niedrig\w* (?:eisen|ferritin)\w*|ferritin (?:von |bei )?\d+",
    ),
    ("de", "weight_loss", r"\d+ ?(?:kilo|kg)(?:\s+\S+){0,2}\s+abgenommen"),
    ("de", "plan", r"ernahrungsberat\w*|supplement\w*|nahrungserganz\w*|erganzungsmittel"),
    ("de", "cold", r"(?:immer|standig|dauernd) (?:so )?kalt|friere (?:immer|standig|dauernd)"),
    ("de", "weight_gain", r"nehme (?:\S+ )?zu|zugenommen|gewichtszunahme"),
    ("de", "tired", r"mude|erschopf\w*|schlapp|kraftlos|antriebslos"),
    (
        "de",
        "patch",
        r"buschelweise|(?:in|ganze) buscheln?|handvoll haare|kreisrund\w* stelle\w*"
        r"|runde\w* (?:kahle\w* )?stelle\w*|"
        + _near(r"augenbrauen|wimpern", r"fallen|fallt|gehen", 3),
    ),
    ("de", "seborrheic", _near(r"schuppen|krusten|belag", r"gelb\w*", 2)),
    ("de", "boil", r"furunkel\w*|karbunkel\w*|follikulitis"),
    ("de", "bump", r"pickel\w*|pusteln?|wunden?|krusten?|schorf"),
    (
        "de",
        "persist",
        r"immer wieder|(?:heilt|heilen|verheilt|verheilen)(?:\s+\S+){0,3}\s+nicht"
        r"|geht nicht weg|gehen nicht weg|kein shampoo hilft|nichts hilft",
    ),
    ("de", "scale", r"schuppen\w*|schuppig\w*|krusten?"),
    (
        "de",
        "red_skin",
        _near(r"kopfhaut|haut", r"rot|gerotet|entzundet", 3) + r"|rotung\w*",
    ),
    ("de", "rash", r"ausschlag|ekzem\w*"),
)
#: What each cue of ``_VOCABULARY`` reports: (sign, level) pairs; none for a cue that
#: counts only together with another (``_LOCAL``). A head injury and its warning signs
#: are the English rules' components (``triage.URGENT_COMBINATIONS``): with bleeding or
#: a warning sign, in one message or across the conversation, they are urgent.
_CUES: dict[str, tuple[tuple[str, Referral], ...]] = {
    "allergic": (("allergic", _U),),
    "hives": (("allergic", _D),),  # hives alone: a rash; urgent with swelling or swallowing
    "chemical_burn": (("chemical_burn", _U),),
    "severe_pain": (("severe_pain", _U),),
    "shingles": (("blisters", _U),),
    "burn": (("redness", _D),),
    "burning": (),
    "product": (),
    "raw": (("non_healing", _D),),
    "blisters": (("blisters", _D),),
    "oozing": (("infection", _D),),
    "head_injury": (("head_injury", _N),),
    "head_injury_warning": (("head_injury_warning", _N),),
    "bleeding_long": (("bleeding", _U),),
    # Spreading is also an inflamed scalp, as in the English rules: a fever with it is urgent.
    "spreading": (("spreading", _N), ("swelling", _N)),
    "hot": (("swelling", _N),),
    "fever": (("fever", _N),),
    # Nutrient or medical context of shedding (the English nutrient rules): a known low
    # result or anaemia, or rapid weight loss, alone; the others with hair loss (``_LOCAL``).
    "low_result": (("deficiency", _C),),
    "weight_loss": (("deficiency", _C),),
    "hair_loss": (),
    "postpartum": (),
    "heavy_periods": (),
    "diet": (),
    "illness": (),
    "plan": (),
    "cold": (),
    "weight_gain": (),
    "tired": (),
    # Dermatologist signs; a bump, scale or a red scalp only together with another cue.
    "patch": (("patchy_loss", _D),),
    "seborrheic": (("scaling", _D),),
    "thick": (("scaling", _D),),
    "boil": (("infection", _D),),
    "rash": (("redness", _D),),
    "bump": (),
    "persist": (),
    "scale": (),
    "red_skin": (),
}
#: Cues that make an urgent sign together in one message (GUIDE: a chemical burn or
#: blisters from bleach, relaxer or dye; pus or a hot swelling that is spreading).
_LOCAL: tuple[tuple[frozenset[str], str, Referral], ...] = (
    (frozenset({"product", "burn"}), "chemical_burn", _U),
    (frozenset({"product", "burning"}), "chemical_burn", _U),
    (frozenset({"product", "blisters"}), "chemical_burn", _U),
    (frozenset({"product", "raw"}), "chemical_burn", _U),
    (frozenset({"spreading", "hot"}), "spreading", _U),
    (frozenset({"spreading", "swelling"}), "spreading", _U),
    # Context of shedding, with hair loss in the same message (as the English rules'
    # childbirth and illness; here diets and periods too, as the words are fewer).
    (frozenset({"postpartum", "hair_loss"}), "deficiency", _C),
    (frozenset({"heavy_periods", "hair_loss"}), "deficiency", _C),
    (frozenset({"diet", "hair_loss"}), "deficiency", _C),
    (frozenset({"illness", "hair_loss"}), "deficiency", _C),
    # Thyroid signs: two of always cold, weight gain, always tired, with thin hair.
    (frozenset({"cold", "weight_gain", "hair_loss"}), "deficiency", _C),
    (frozenset({"cold", "tired", "hair_loss"}), "deficiency", _C),
    (frozenset({"weight_gain", "tired", "hair_loss"}), "deficiency", _C),
    # Bumps or sores that do not heal or keep coming back; scaling nothing helps; a red,
    # scaly scalp after a dye.
    (frozenset({"bump", "persist"}), "non_healing", _D),
    (frozenset({"scale", "persist"}), "scaling", _D),
    (frozenset({"product", "red_skin", "scale"}), "redness", _D),
)
#: A cue that cancels a combination with another ("vegana, con un plan de un dietista").
_UNLESS: dict[str, str] = {"diet": "plan"}
#: Cues a combination's finding does not quote (the dye, not the burn, is the product).
_UNQUOTED = frozenset({"product", "hair_loss", "persist"})
# Words the languages share with English ("pus", "psoriasis"): they count only in a
# message already known to be in that language (the English rules read English).
_SHARED: tuple[tuple[str, Referral, str], ...] = (
    ("infection", _D, r"\bpus\b"),
    ("scaling", _D, r"psoriasis|dermatitis|eczema"),
    ("patchy_loss", _D, r"alopecia"),
)
_COMPILED = tuple(
    (lang, sign, level, re.compile(rf"(?<!\w)(?:{pattern})".replace(r"\S+", _WORD_BETWEEN)))
    for lang, sign, level, pattern in _LEXICON
)
_SHARED_COMPILED = tuple(
    (sign, level, re.compile(rf"(?<!\w)(?:{pattern})")) for sign, level, pattern in _SHARED
)

_VOCABULARY_COMPILED: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    language: tuple(
        (cue, re.compile(rf"(?<!\w)(?:{pattern})".replace(r"\S+", _WORD_BETWEEN)))
        for lang, cue, pattern in _VOCABULARY
        if lang == language
    )
    for language in ("es", "fr", "de")
}

_NEGATIONS = {
    "es": ("no", "sin", "ni", "nada de", "ningun", "ninguna"),
    "fr": ("pas de", "pas", "sans", "aucun", "aucune", "ni", "plus de", "ne"),
    "de": ("kein", "keine", "keinen", "nicht", "ohne", "weder"),
}


#: A negation just after the words ("die Lider schwellen nicht an", "ça gonfle pas"); not
#: "hört nicht auf" (does not stop).
_NEGATION_AFTER = re.compile(r"\s+(?:nicht|kein\w*|nie|pas|jamais)(?!\w)(?! (?:mehr )?auf\b)")


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
        "sin son su sus tambien tengo tenia tiene tienen todo tuve una unas unos y ya "
        "hablas habla hablan espanol castellano"
    ),
    "fr": _words(
        "ai aide apres avant avec avoir bonjour c'est ce ces cette chevelu cheveux comment "
        "cuir dans depuis des du elle est et etre fait fille fils il ils j'ai j'avais je "
        "jours la le les ma maintenant mais mal me merci mere mes mon nous ou pas pere peux "
        "plus pour que qui quoi rien semaine sont suis sur tete tout tres une veux vous "
        "parlez parles francais anglais"
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
        "appuntamento sabato mattina di nel nella sul sulla uno ogni parla parli parlate "
        "ragazzo ragazza fidanzato crema viso caduta cadono perdo secca secco grassa grasso "
        "peggiora esami lavo qualcosa buonasera salve potete fate costa prenotare mi"
    ),
    "pt": _words(
        "oi ola obrigado obrigada meu minha meus minhas couro cabeludo cabelo cabeca coceira "
        "caspa muito rapido fica ja parece sujo dia fim nao tenho estou voce pode posso quero "
        "tambem depois quando sempre uma dos das para por que isso esse essa boa bom tarde "
        "noite demais caindo cai queda vcs voces fazem faz fazer tratamento salao quanto custa "
        "coca cocando cabelos fios oleoso ressecado seco xampu mais tem estao sao semanas "
        "meses anos dias pela ajuda fala falam portugues"
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
#: When it happened: a past episode ("tuve psoriasis hace años")...
_PAST = {
    "es": r"tuve|tuvo|tenia|hace (?:\w+ )?anos|hace (?:mucho )?tiempo|de (?:joven|nino|nina"
    r"|pequen\w*)",
    "fr": r"j'ai eu|a eu|il y a \w+ ans|il y a longtemps|quand j'etais",
    "de": r"hatte|vor \w+ jahren|vor langer zeit|als kind",
}
#: ... a doctor's care ...
_CARE = {
    "es": r"(?:dermatolog\w*|medic\w*)[^.?!]{0,40}(?:trat\w*|control\w*|diagnostic\w*)",
    "fr": r"(?:dermato\w*|medecin)[^.?!]{0,40}(?:suivi|trait\w*|calme|control\w*)",
    "de": r"(?:hautarzt|arzt|arztin)[^.?!]{0,40}(?:behandelt|kontroll\w*|ruhig)",
}
#: ... and what also sets a context of shedding aside: it is over (the hair grew back),
#: or a general question ("¿la lactancia puede hacer que se caiga el pelo?"). A context
#: is something that happened (a birth, an illness) and stays context under a doctor's
#: care, as in the English rules: the first two do not set it aside.
_OVER_OR_GENERAL = {
    "es": r"volvio a crecer|desaparecio|ya no(?! (?:puedo|puede|podemos|pueden|podia"
    r"|se (?:que|como|si|lo|donde)))|diferencia|contagi\w*|hereditari\w*|es normal que"
    r"|(?:puede|pueden|podria)(?:\s+\S+){0,2}\s+(?:hacer|causar|dar|provocar|producir)"
    r"[^.!?]{0,200}\?|cuanto (?:tiempo )?dura[^.!?]{0,200}\?",
    "fr": r"a repousse|disparu|difference|limite entre|(?:peut|peuvent|pourrait)(?:\s+\S+){0,2}"
    r"\s+(?:faire|causer|provoquer|donner|entrainer)[^.!?]{0,200}\?|contagi\w*|hereditaire"
    r"|combien de temps (?:dure|durent)[^.!?]{0,200}\?",
    "de": r"(?<!was )(?<!wie )(?:kann|konnen|konnte)(?!\s+ich\b)(?:\s+\S+){0,3}\s+(?:machen"
    r"|verursachen|auslosen|hervorrufen|bekommen)\s*\?|nachgewachsen|verschwunden"
    r"|unterschied|ansteckend|erblich|wie lange (?:dauert|halt)[^.!?]{0,200}\?",
}
_QUALIFIERS = {
    lang: re.compile(rf"\b(?:{_PAST[lang]}|{_CARE[lang]}|{_OVER_OR_GENERAL[lang]})")
    for lang in _PAST
}
_CONTEXT_QUALIFIERS = {lang: re.compile(rf"\b(?:{_OVER_OR_GENERAL[lang]})") for lang in _PAST}
#: "Is it normal...?": a sting during a dye that someone asks about is not a burn.
_NORMAL = re.compile(r"\bnormal")
#: A sentence that says the sign is happening now (after a past one in the same message).
_NOW = {
    "es": re.compile(
        r"\b(?:ahora|hoy|ayer|anoche|esta (?:vez|manana|noche|semana)|desde (?:ayer|anoche))"
    ),
    "fr": re.compile(
        r"\b(?:maintenant|aujourd'hui|hier|cette (?:fois|nuit|semaine)|ce (?:matin|soir))"
    ),
    "de": re.compile(r"\b(?:jetzt|heute|gestern|diesmal|diese woche|seit gestern)"),
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


#: Where a negation's reach ends: a comma or "and", "but" ("vegana sin plan y pierdo pelo").
_SCOPE_END = re.compile(r"[,;:]|(?<!\w)(?:y|e|pero|et|mais|und|aber|sondern)(?!\w)")


def _negated(folded: str, start: int, lang: str) -> bool:
    """A negation word among the three words before ``start`` (after a comma or "and")."""
    window = folded[max(0, start - 40) : start]
    cut = [m.end() for m in _SCOPE_END.finditer(window)]
    before = " ".join(window[cut[-1] if cut else 0 :].split()[-3:])
    return any(re.search(rf"(?<!\w){re.escape(neg)}(?!\w)", before) for neg in _NEGATIONS[lang])


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does ``start``-``end`` overlap a span of ``taken`` (sorted, not overlapping)?"""
    i = bisect.bisect_left(taken, (end,))
    return i > 0 and taken[i - 1][1] > start


def _sentences(folded: str) -> list[tuple[int, int]]:
    """Sentence spans: cut at sentence punctuation, semicolons and new lines."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"[.!?;\n|]+", folded):
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(folded)))
    return spans


def _qualified(
    folded: str, found: list[ForeignFlag], qualifier: re.Pattern[str], now: re.Pattern[str] | None
) -> list[ForeignFlag]:
    """The findings a message-level qualifier leaves (past, a question, under care).

    A qualifier anywhere sets the whole message aside ("tuve psoriasis hace años"), unless
    the message says it got worse; a later sentence without a qualifier that says it is
    happening now ("jetzt", "ahora", "cette fois") keeps its own findings ("I reacted as a
    child. Now my throat is swelling").
    """
    if not found or not qualifier.search(folded) or _WORSE.search(folded):
        return found
    kept: list[tuple[int, int]] = []
    seen_qualifier = False
    for start, end in _sentences(folded):
        sentence = folded[start:end]
        if qualifier.search(sentence):
            seen_qualifier = True
        elif seen_qualifier and now is not None and now.search(sentence):
            kept.append((start, end))
    starts = [start for start, _ in kept]
    return [
        flag
        for flag in found
        if (i := bisect.bisect_right(starts, flag.start) - 1) >= 0 and flag.start < kept[i][1]
    ]


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
    cue_taken: dict[str, list[tuple[int, int]]] = {}
    found: list[ForeignFlag] = []
    # Cues found (``_VOCABULARY``'s and the lexicon's signs): (cue, start, end, lang).
    cues: list[tuple[str, int, int, str]] = []

    def matches(
        lang: str, pattern: re.Pattern[str], taken: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        spans = []
        for match in pattern.finditer(folded):
            start, end = match.span()
            if (
                _overlaps(taken, start, end)
                or _negated(folded, start, lang)
                or (lang != "es" and _NEGATION_AFTER.match(folded, end) is not None)
            ):
                continue
            bisect.insort(taken, (start, end))
            spans.append((start, end))
        return spans

    def add(lang: str, sign: str, level: Referral, pattern: re.Pattern[str]) -> None:
        for start, end in matches(lang, pattern, taken):
            cues.append((sign, start, end, lang))
            found.append(ForeignFlag(sign, level, text[start:end], start, end, lang))

    def add_vocabulary(lang: str) -> None:
        # The vocabulary's cues do not hide the lexicon's words, nor each other (a head
        # wound "with pus" is both); a cue is not found twice in the same words.
        for cue, pattern in _VOCABULARY_COMPILED.get(lang, ()):
            for start, end in matches(lang, pattern, cue_taken.setdefault(cue, [])):
                cues.append((cue, start, end, lang))
                for sign, level in _CUES[cue]:
                    found.append(ForeignFlag(sign, level, text[start:end], start, end, lang))

    # The message's language: its function words, else the language of the words found.
    language = detect_language(text)
    if language is not None:
        add_vocabulary(language)
    for lang, sign, level, pattern in _COMPILED:
        add(lang, sign, level, pattern)
    if language is None and found:
        languages = [flag.lang for flag in found]
        language = max(set(languages), key=languages.count)
        add_vocabulary(language)
    if language is not None:
        for sign, level, pattern in _SHARED_COMPILED:
            add(language, sign, level, pattern)
    # Cues that make a sign together in this message (a blister and a dye; a birth and
    # hair loss).
    if _NORMAL.search(folded):  # "the dye burns, is that normal?": an ordinary sting
        cues = [c for c in cues if c[0] != "burning"]
    present = {cue for cue, *_ in cues}
    for needed, sign, level in _LOCAL:
        if needed <= present and not any(_UNLESS.get(cue) in present for cue in needed):
            _, start, end, lang = next(c for c in cues if c[0] in needed - _UNQUOTED)
            found.append(ForeignFlag(sign, level, text[start:end], start, end, lang))
    if language in _QUALIFIERS:
        # A context of shedding with hair loss now ("di a luz hace 9 meses y se me sigue
        # cayendo") is read with the qualifiers that do not speak of the past or of care.
        context = [f for f in found if f.sign == "deficiency" and "hair_loss" in present]
        others = [f for f in found if f not in context]
        found = _qualified(folded, others, _QUALIFIERS[language], _NOW.get(language))
        found += _qualified(folded, context, _CONTEXT_QUALIFIERS[language], _NOW.get(language))
    return sorted(found, key=lambda flag: (flag.start, flag.sign))
