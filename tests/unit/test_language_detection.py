"""Which messages are in another language (scalpcare/other_languages.py detect_language).

Italian and Portuguese have no red-flag lexicon, only their function words: a message in
them must still be recognised, so that it gets the honest "English only" answer instead
of "outside what I can help with".
"""

from __future__ import annotations

import pytest

from scalpcare.other_languages import detect_language

CASES = [
    (
        "boa tarde, minha cabeça coça demais e o cabelo ta caindo um monte, vcs fazem "
        "tratamento de couro cabeludo ai no salão? quanto custa?",
        "pt",
    ),
    ("oi, meu cabelo ta caindo muito, vcs fazem tratamento?", "pt"),
    ("obrigada pela ajuda", "pt"),
    ("Parla italiano?", "it"),
    ("il mio ragazzo ha la forfora secca, può usare la mia crema viso?", "it"),
    ("buonasera, quanto costa il massaggio? vorrei prenotare", "it"),
    # Asking whether the assistant speaks the language.
    ("hi! hablas español?", "es"),
    ("bonjour, vous parlez français ?", "fr"),
    ("oi, vc fala português?", "pt"),
    # English, with a borrowed word or a place name, stays English.
    ("do you speak spanish? my mum only speaks español", None),
    ("sao paulo salon, do you do scalp facials?", None),
    ("mi scalp is so dry bc of the tea tree stuff", None),
    ("is the crema from the pharmacy ok on my scalp", None),
    ("my scalp is dry and it itches all day", None),
]


@pytest.mark.parametrize(("text", "lang"), CASES)
def test_detect_language(text: str, lang: str | None) -> None:
    """The language of a message that is mostly not English, else None."""
    assert detect_language(text) == lang
