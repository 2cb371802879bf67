"""Reading a typed answer to a yes/no question the assistant asked (pure).

On WhatsApp buttons become text, and people answer "Shall I go ahead?" in their own
words: "yes delete it", "delete it all", the button's own title typed out ("yes, delete
everything"), or "no don't", "keep it". :func:`confirms` reads such an answer as yes,
no, or neither (a question back, something else); a "no" anywhere wins over a "yes",
and a negated action ("don't delete") is a no.
"""

from __future__ import annotations

import re

#: Words that ask for the deletion itself, and the typos of "delete" read as a yes on
#: their own.
_DELETE = r"(?:delete|erase|remove|wipe)d?|forget"
_DELETE_TYPOS = r"delte|dlete|deleet"
#: "changed my mind", "changed my mind again".
_CHANGED = r"changed my mind(?: again)?"

_YES = re.compile(
    r"\b(?:yes|yeah|yea|yep|yup|ya|ok|okay|sure|please|go ahead|do it|confirm(?:ed)?|"
    r"absolutely|definitely|certainly|of course|" + _DELETE + "|" + _DELETE_TYPOS + r"|correct|"
    r"right|pls|plz|"
    r"y|k|kk|aye|go on|go for it|proceed|fine|alright|all right|sounds good|"
    # "yess", "yesss", "yas", "affirmative"
    r"ye+s+|ya+s+|affirmative)\b"
    r"|[\U0001F44D\u2705\u2714]"
)
_NO = re.compile(
    r"\b(?:no|nope|nah|cancel|stop|keep|never ?mind|changed my mind|not now)\b"
    # a yes-word turned round ("absolutely not", "of course not"), a no in other words
    # ("not really", "leave it", "don't bother", "forget it", "i don't want to anymore")
    r"|\b(?:absolutely|definitely|certainly|of course|surely|hell)\s+not\b"
    r"|\bnot\s+(?:really|at all|anymore|any more|any longer|necessary|needed)\b"
    r"|\bleave\s+(?:it|that|them)\b"
    r"|\bforget\s+(?:it|that|about it)\b(?!\s+(?:all|everything))"
    r"|\b(?:don'?t|dont|do not)\s+(?:bother|want\s+(?:to|that)(?:\s+\w+)?\s+"
    r"(?:anymore|any more|now))\b"
    r"|\b(?:don'?t|do not|dont|doesn'?t|not)\b(?:\s+\w+){0,2}?\s*\b(?:"
    + _DELETE
    + r"|do it|go ahead|cancel)\b"
    r"|\bnot\s+(?:fine|ok|okay|alright|all right|yet|happy)\b"
)
#: Hesitation: a no on its own ("wait", "hang on!"), but before a question it only opens
#: the question back ("wait what does that delete exactly, my booking too?").
_HOLD_ON = re.compile(r"\b(?:wait|hold on|hang on)\b")
#: Phrases with "no" in them that are not a no.
_NOT_A_NO = re.compile(r"\bno (?:problem|worries|doubt)\b")
#: Not an answer yet.
_UNSURE = re.compile(r"\b(?:not sure|unsure|don'?t know|dunno|idk|maybe|perhaps)\b")
#: "ok thank you very much": a thank-you with only a weak yes ("ok", "right", "fine") is a
#: polite close, not a yes (it must never erase anything).
_THANKS = re.compile(r"\b(?:thanks|thank you|thank u|thx|ty|cheers|ta)\b")
_STRONG_YES = re.compile(
    r"\b(?:yes|yeah|yea|yep|yup|ya|sure|please|pls|go ahead|do it|confirm\w*|absolutely|"
    r"definitely|certainly|of course|"
    + _DELETE
    + "|"
    + _DELETE_TYPOS
    + r"|proceed|go for it|plz)\b"
)
#: A question back: a question mark, or a question word first, after an "and", "so",
#: "ok"... ("and how long till i'd see results if i do it").
_LEAD = r"^\s*(?:(?:and|so|but|ok|okay|oh|also|um+|hm+|wait|hold on|hang on)\b[\s,.]*)*"
_QUESTION = re.compile(
    r"\?\s*$|" + _LEAD + r"(?:what|which|why|how|when|where|will|would|does|is|can|could|should)\b"
    r"|" + _LEAD + r"do\b(?!\s+(?:it|that)\b)"
)


#: "changed my mind" followed by a clear yes is that yes ("sorry, changed my mind again,
#: yes pls delete it all"); on its own it is a no.
_CHANGED_MIND = re.compile(r"\b(?:i(?:'ve| have)? )?" + _CHANGED + r"\b")
_CHANGED_TO_YES = re.compile(
    r"\b" + _CHANGED + r"\b[\s,.!-]*(?:(?:so|ok|okay|actually|now)[\s,]+)*"
    r"(?:yes|yeah|yep|yup|please|pls|plz|go ahead|do it|" + _DELETE + r")\b"
)

#: "cancel it", "yes cancel": a yes when the question is whether to cancel something.
_CANCEL = re.compile(r"\bcancel(?:led|ling)?\b")
_NEGATED_CANCEL = re.compile(r"\b(?:don'?t|do not|dont|not|never)\b(?:\s+\w+){0,2}?\s*\bcancel")


def confirms(text: str | None, cancelling: bool = False) -> bool | None:
    """True for a yes, False for a no, None when the answer is neither.

    Args:
        text: The client's message, as typed.
        cancelling: The question asks whether to cancel something ("Shall I cancel your
            request?"): "cancel it" is then a yes, and "don't cancel" still a no.

    Returns:
        Whether it confirms; ``None`` for a question back or anything else.
    """
    clean = " ".join(str(text or "").lower().replace("’", "'").split())[:300]
    if not clean:
        return None
    clean = _NOT_A_NO.sub(" ", clean)
    if cancelling:
        if _NEGATED_CANCEL.search(clean):
            return False
        clean = _CANCEL.sub("yes", clean)
    if _CHANGED_TO_YES.search(clean):
        clean = _CHANGED_MIND.sub(" ", clean)  # "changed my mind, yes delete it": a yes
    if _NO.search(clean):
        return False
    if _QUESTION.search(clean) or _UNSURE.search(clean):
        return None
    if _HOLD_ON.search(clean):
        return False
    if _THANKS.search(clean) and not _STRONG_YES.search(clean):
        return None
    if _YES.search(clean):
        return True
    return None


def asks_back(text: str | None) -> bool:
    """Is the message a question back rather than an answer (pure)?

    "wait what does that delete exactly, my booking too??", "will it delete my notes as
    well", "hmm what exactly gets deleted tho": :func:`confirms` reads them as neither
    yes nor no; they ask about the question itself.
    """
    clean = " ".join(str(text or "").lower().replace("’", "'").split())[:300]
    return bool(clean) and confirms(text) is None and bool(_QUESTION.search(clean))
