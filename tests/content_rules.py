"""The content rules every test checks replies against (docs/content-rules.md).

One list of brand names for every test: the assistant never names a brand, whether a
reply comes from the domain, the routine builder or the running assistant.
"""

from __future__ import annotations

import re

BRANDS = (
    "evavitae",  # named in seed 003: never repeat it
    "olaplex",
    "kerastase",
    "kérastase",
    "briogeo",
    "the ordinary",
    "head & shoulders",
    "head and shoulders",
    "nizoral",
    "neutrogena",
    "aveda",
    "paul mitchell",
    "philip kingsley",
    "ouai",
    "pantene",
    "l'oreal",
    "l'oréal",
    "redken",
    "moroccanoil",
    "davines",
    "christophe robin",
    "drunk elephant",
    "act+acre",
    "batiste",
    "garnier",
    "st ives",
    "st. ives",
    "cerave",
    "la roche",
    "living proof",
    "kiehl",
    "rogaine",
    "regaine",
    "nutrafol",
    "viviscal",
)
#: The brands as regexes, for lists of banned patterns.
BRAND_PATTERNS = [re.escape(brand) for brand in BRANDS]
