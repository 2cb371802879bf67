"""Is a message that speaks of stopping or skipping a command to the assistant?

(And :func:`asks_why`: a question about the question just asked, "why do you need that?",
is neither an answer nor a new topic.)

"stop", "cancel", "skip this one" are commands: end the consultation, or skip the
question asked. "I feel anxious if I skip it", "so should I stop the diet?" and "can I
stop washing every day?" only use the words: they are about something else and must
never end a conversation. :func:`read_command` tells them apart (pure, table-tested); the
intent classifier's ``stop`` is its input, not its answer.
"""

from __future__ import annotations

import re
from enum import Enum

from scalpcare.consultation_text import normalise


class Command(str, Enum):
    """What a message asks of the conversation."""

    STOP = "stop"
    SKIP = "skip"
    #: "ok carry on", "let's continue", "where were we": go on with the question asked.
    CONTINUE = "continue"


_POLITE = r"(?:please|pls|plz|thanks|thank you|thx|ok|okay|sorry|actually|just|um+|erm+|hmm+)"
#: What is skipped: "that", "this one", "that question", "the question", "it", or the
#: question in the client's words ("how often i wash", "what products i use").
_SKIPPED = (
    r"(?:it|(?:this|that)(?:\s+(?:one|question|bit))?|the\s+question|"
    r"(?:how|what|which|when|whether|if)(?:\s+[\w']+){1,4})"
)
#: Said after a skip without changing it: "tbh", "if that's ok", "lol, skip".
_SKIP_TAIL = (
    rf"(?:\s+(?:{_POLITE}|tbh|honestly|lol|haha\w*|for now|skip(?:\s+it)?|pass|next|"
    r"if\s+(?:that'?s|thats|it'?s|its)\s+(?:ok|okay|alright|fine)|if\s+you\s+don'?t\s+mind))*$"
)
_SKIP = re.compile(
    rf"^(?:{_POLITE}\s+)*(?:"
    rf"skip(?:\s+{_SKIPPED})?|"
    rf"(?:i'?ll\s+|ill\s+)?pass(?:\s+on\s+{_SKIPPED})?|next|next (?:question|one)|move on|"
    r"(?:i'?d\s+|id\s+)?(?:rather|prefer)\s+not\s+(?:to\s+)?(?:say|answer|tell)"
    rf"(?:\s+{_SKIPPED})?|"
    r"(?:i\s+)?(?:do\s*n'?t|dont)\s+(?:really\s+)?want\s+to\s+(?:say|answer)"
    rf"(?:\s+{_SKIPPED})?|"
    rf"no\s+comment|can\s+(?:we|i)\s+skip\s+{_SKIPPED}(?:\s+too)?"
    r")" + _SKIP_TAIL
)
_CONTINUE = re.compile(
    rf"^(?:{_POLITE}\s+|yes\s+|yeah\s+|yep\s+|right\s+|cool\s+|great\s+|good\s+|lets\s+|let's\s+|"
    r"we\s+can\s+|you\s+can\s+|please\s+|can\s+we\s+|could\s+we\s+)*(?:"
    r"carry\s+on|continue|go\s+on|keep\s+going|resume|proceed|pick\s+(?:it\s+)?up|"
    # "ok im back", "i'm back, lets continue": back after leaving it
    r"(?:i'?m|im|i\s+am)\s+back(?:\s+(?:now|again))?(?:\s+(?:lets\s+|let's\s+)?"
    r"(?:carry\s+on|continue|go\s+on|keep\s+going|resume|pick\s+(?:it\s+)?up))?|"
    r"(?:go\s+)?back\s+to\s+(?:the|your|my)\s+(?:questions?|consultation|routine)|"
    r"where\s+were\s+we|on\s+with\s+the\s+(?:questions?|consultation)"
    r")(?:\s+(?:then|now|with\s+(?:it|the\s+questions?|the\s+consultation)|from\s+there|"
    r"where\s+we\s+(?:left\s+(?:it|off)|stopped|were)))?"
    rf"(?:\s+{_POLITE})*$"
)
# The words used about something else: a condition ("if I skip it"), a question about
# stopping a habit or a product ("should I stop the diet?"), a report ("I stopped using
# dry shampoo").
_CONDITIONAL = re.compile(
    r"\b(?:if|when|whenever|unless|after|before|until)\s+(?:i|we|you|she|he|they)\s+"
    r"(?:\w+\s+)?(?:stop|skip|quit|miss)"
)
_CONVERSATION = (
    r"(?:asking|this|that|here|now|it|please|talking|chatting|the\s+(?:questions?|"
    r"consultation|chat|conversation|form)|(?:these|your|all\s+these|so\s+many)\s+questions|"
    r"for\s+now|for\s+today|the\s+routine\s+questions)"
)
_OBJECT = re.compile(
    r"\b(?:stop(?:ped|ping)?|skip(?:ped|ping)?|quit(?:ting)?|cancel(?:led|ling)?)\s+"
    rf"(?!{_CONVERSATION}\b)(?:the|my|a|an|taking|using|eating|doing|wash\w*|massag\w*|"
    r"brush\w*|colou?r\w*|dye\w*|[a-z]+ing)\b"
)
_QUESTION_START = re.compile(
    r"^(?:so\s+|but\s+|and\s+|ok\s+|okay\s+)?(?:should|shall|do|does|did|is|are|will|would|"
    r"how|what|why|when|which|could)\b"
)
#: Another way to reach the salon instead of going on here: "I'll just phone instead",
#: "I'd rather call".
_OTHER_CONTACT = (
    r"\b(?:(?:tele)?phone|call|ring|e-?mail|text|pop\s+in|drop\s+in|come\s+in|walk\s+in)\b"
    r"(?:\s+\w+){0,3}\s+instead\b"
    r"|\b(?:rather|prefer\s+to)\s+(?:just\s+)?(?:(?:tele)?phone|call|ring|e-?mail|pop\s+in|"
    r"come\s+in)\b"
)
_STOP_WORD = re.compile(
    r"\b(?:stop|cancel|quit|exit|abort|end|enough|never\s*mind|nvm|forget\s+(?:it|about\s+it)|"
    r"later|done|leave\s+it|no\s+more|don'?t\s+want\s+to\s+(?:do\s+this|continue|go\s+on|carry\s+on))\b"
    rf"|{_OTHER_CONTACT}"
)
_OTHER_CONTACT_RE = re.compile(_OTHER_CONTACT)
#: "enough" in an agreement is no stop: "fair enough", "ok good enough", "enough said".
_AGREEING = re.compile(r"\b(?:fair|good|sure|true|right|close|well)\s+enough\b|\benough\s+said\b")


def _clean(text: str | None) -> str:
    norm = normalise(text)
    norm = re.sub(r"[^\w\s']+", " ", norm)
    return re.sub(r"\s+", " ", norm).strip()


def read_command(text: str | None) -> Command | None:
    """What a message the intent classifier read as ``stop`` really asks (pure).

    Args:
        text: The user's message.

    Returns:
        ``SKIP`` for "skip", "pass", "rather not say"; ``STOP`` for a request to stop
        the conversation; ``CONTINUE`` for "ok carry on", "let's continue"; ``None`` when
        the words are about something else.
    """
    if not text:
        return None
    if text.startswith("/"):
        return Command.STOP if text.startswith("/stop") else None
    raw = normalise(text)
    clean = _clean(text)
    if not clean:
        return None
    if _SKIP.match(clean):
        return Command.SKIP
    if _CONTINUE.match(clean):
        return Command.CONTINUE
    if _CONDITIONAL.search(clean) or _OBJECT.search(clean):
        return None
    if (
        raw.rstrip().endswith("?")
        and _QUESTION_START.match(clean)
        and not re.search(r"\b(?:can|could)\s+we\s+(?:stop|end|finish|skip)\b", clean)
    ):
        return None
    if not _STOP_WORD.search(_AGREEING.sub(" ", clean)):
        return None
    return Command.STOP


#: "can I call you to book?": a question about another way, not a choice of it.
_ASKS = re.compile(r"^(?:so\s+|but\s+|and\s+|ok\s+|okay\s+)?(?:can|could|may|might)\s+(?:i|we)\b")


def prefers_other_contact(text: str | None) -> bool:
    """Does the client say they will reach the salon another way instead (pure)?

    "ok I'll just phone instead", "I'd rather call": inside a booking request this ends
    it, whatever the intent classifier makes of the message. A question about calling
    ("should I call my doctor?") or a report ("I called yesterday") is not this.
    """
    clean = _clean(text)
    if not clean or _QUESTION_START.match(clean) or _ASKS.match(clean):
        return False
    return bool(_OTHER_CONTACT_RE.search(clean))


_WHY_LEAD = r"^(?:but |and |ok |okay |um+ |erm+ |hmm+ |sorry |wait |lol |haha\w* |so |just )*"
#: Words said after the question that change nothing: "why so many questions lol".
_WHY_TAIL = (
    r"(?: (?:lol|lmao|haha\w*|tho|though|then|exactly|anyway|btw|honestly|just curious|"
    r"out of curiosity|if you don'?t mind me asking))*$"
)
#: The questions themselves, as a group: "all these questions", "so many questions".
_QUESTIONS = r"(?:(?:all|so many|all of|all the|these|those|this many|the)\s+)+(?:questions|qs)"
_WHY = re.compile(
    _WHY_LEAD + r"(?:"
    r"why|what for|how come|"
    r"(?:why|how come) (?:do|would|did|does|should) (?:you|u) (?:need|want|ask|wanna)\b.*|"
    r"(?:why|how come) (?:does|is|would|do) (?:that|this|it|they) (?:matter|important|relevant|"
    r"needed|count)\b.*|"
    r"(?:what'?s|whats|what is|what does|what do) (?:that|this|it|they) (?:for|matter|"
    r"(?:got|have|has) to do with)\b.*|"
    r"what (?:do|would|will) (?:you|u) need (?:that|this|it|to know that) for|"
    # the questions as a whole: "why so many questions", "what's with all the questions"
    r"(?:why|how come) (?:(?:are|r) (?:you|u) asking |do (?:you|u) ask |(?:is|are) there )?"
    + _QUESTIONS
    + r"|(?:what'?s|whats|what is) (?:with|up with) "
    + _QUESTIONS
    + r"|(?:why|how come) (?:(?:are|r) (?:you|u)|you'?re|ur) asking"
    r"(?: (?:me|that|this|all this|me that|me this))?|"
    r"why (?:does|would|should) (?:that|it|this) matter|"
    r"what difference does (?:that|it|this) make|"
    r"(?:is|are) (?:that|this|these|those|it) (?:really |even |so )?(?:necessary|needed|relevant|"
    r"important)|"
    r"(?:does|would|do) (?:that|this|it) (?:really |even )?matter|"
    r"do (?:you|u) (?:really |even )?need (?:to know )?(?:that|this|all this)|"
    # "whats the point of this question", "how is that relevant?"
    r"(?:what'?s|whats|what is) the point(?: of (?:this|that|it|asking|these|those|the)"
    r"(?: (?:question|questions|one))?)?|"
    r"how(?:'s| is| does| would) (?:that|this|it) (?:relevant|matter|important|help)"
    r")" + _WHY_TAIL
)


def asks_why(text: str | None) -> bool:
    """Is the message a question about why the question was asked (pure)?

    "why do you need that?", "what's that got to do with anything", "why?", "what for?".
    """
    clean = _clean(text)
    return bool(clean) and len(clean) <= 80 and bool(_WHY.match(clean))


# A short question about amount or frequency with no topic of its own ("is that too
# much?", "how often should I do this?", "how hard should I press") follows up the answer
# just given.
_AMOUNT_QUESTION = re.compile(
    r"\b(?:how (?:often|long|many|much|hard|frequently|firm)|too (?:much|long|often|hard|many)|"
    r"over ?do\w*|longer|shorter|harder|gentler|per (?:day|week)|(?<!\bin )a (?:day|week)|times a|"
    r"is (?:that|this|it) (?:ok|okay|alright|all right|fine|enough|normal|safe|bad|good)|"
    r"max(?:imum)?|minutes?|mins?|morning|night|pressure|press|"
    # a device's setting, and the amount pushed back on: "which setting should i use",
    # "but each one is short, isn't it the total that counts"
    r"settings?|levels?|intensity|speed|total|altogether|in all|short|each (?:one|time|session)|"
    # less or more of it, or none: "should i do it less", "so less is more?", "is that a lot",
    # "should i do it every day", "how gentle is gentle", "should i stop then"
    r"(?:do it|do this|massage|go|use it) less|less (?:often|time|is more)|more often|"
    r"is (?:that|this|it) a lot|cut (?:it )?(?:down|back)|gentle|"
    r"(?:should|can|could|do|would|is) [^.!?]{0,30}(?:every ?day|daily)|(?:every ?day|daily) ?\?|"
    r"(?:should|do|must|can) i (?:just |maybe |totally |completely )?(?:need to |have to )?stop"
    r"(?= (?:it|doing it|massag\w*|then|completely|altogether|for)\b| ?\?|$)|"
    r"stop (?:completely|altogether|for a (?:bit|while|few days)))\b"
)
_OWN_TOPIC = re.compile(
    r"\b(?:facial|routine|exfoliat\w*|scrub\w*|shampoo\w*|wash\w*|serum|salicylic|peel\w*|"
    r"enzyme\w*|book\w*|appointment|salon|rinse|conditioner|dry shampoo|results?|work|"
    r"notice|difference|until|grow\w*|"
    # the routine as a whole: "how often should i do the whole thing?"
    r"whole thing|all of it|the lot|everything|all (?:the |of the |those |these )?steps|"
    r"full thing)\b"
)
MAX_FOLLOW_UP_CHARS = 120


def follows_up_amount(text: str | None) -> bool:
    """Is the message a short amount/frequency question without a topic of its own (pure)?

    Right after the massage limits, "is that too much?", "how often should I do this?" or
    "and how hard should I press" ask about the massage; "how often should I do the
    routine?" names its own topic and is not a follow-up.
    """
    clean = _clean(text)
    if not clean or len(clean) > MAX_FOLLOW_UP_CHARS:
        return False
    return bool(_AMOUNT_QUESTION.search(clean)) and not _OWN_TOPIC.search(clean)


# A request to say the latest answer again: "can you send it again pls, my phone died",
# "say that again?", "repeat that", "resend the steps". It is read clause by clause (an
# aside such as "my phone died" or "lost it" may come with it), and a clause must be the
# request and nothing else: "can you tell me again how long to massage" asks its own
# question.
_REPEAT_LEAD = (
    r"^(?:(?:sorry|soz|ok|okay|oh|um+|erm+|hey|hi|so|and|but|wait|please|pls|plz|just|kindly|"
    r"can|could|would|will|you|u|ya|pretty|mind)\s+)*"
)
_REPEAT_OBJECT = (
    r"(?:\s+(?:me|us|her|him))?"
    r"(?:\s+(?:it|that|this|them|those|"
    r"(?:the|that|your|this)(?:\s+[\w']+){0,2}?\s+(?:routine|steps?|list|message|answer|reply|"
    r"bit|part|thing|limits?|text|info|advice)|"
    r"what\s+(?:you|u)\s+(?:just\s+)?(?:said|wrote|sent|told\s+me)))?"
    r"(?:\s+to\s+(?:me|us))?"
)
_REPEAT_TAIL = (
    r"(?:\s+(?:again|one\s+more\s+time|once\s+more|over|back|pls|plz|please|for\s+me|thanks|"
    r"thank\s+you|thx|ty|lol|x+))*$"
)
_REPEAT_CLAUSE = re.compile(
    _REPEAT_LEAD
    + r"(?P<verb>re-?send|re-?post|repeat|send|show|say|give|type|write|post|paste|come)"
    + _REPEAT_OBJECT
    + _REPEAT_TAIL
)
#: Verbs that ask for it again by themselves; the others need "again" ("show me that again").
_REPEAT_VERBS = frozenset(("resend", "re-send", "repost", "re-post", "repeat"))
_AGAIN = re.compile(r"\b(?:again|one\s+more\s+time|once\s+more)\b")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,.;:!?()]|\b(?:because|cos|cuz|coz|since|as)\b)\s*")


def asks_to_repeat(text: str | None) -> bool:
    """Is the message a request to say the latest answer again (pure)?

    "can you send it again pls, my phone died", "say that again?", "repeat that please",
    "could u resend the steps". A clause of the message is the request and nothing else:
    "resend"/"repeat", or another verb of sending or saying with "again" ("show me that
    again"); "can you tell me again how long to massage" asks a question of its own.
    """
    raw = normalise(text or "")
    if not raw.strip() or raw.lstrip().startswith("/") or len(raw) > MAX_FOLLOW_UP_CHARS:
        return False
    for clause in _CLAUSE_BREAK.split(raw):
        clean = re.sub(r"\s+", " ", re.sub(r"[^\w\s'-]+", " ", clause)).strip()
        match = _REPEAT_CLAUSE.match(clean)
        if not match:
            continue
        if match.group("verb") in _REPEAT_VERBS or _AGAIN.search(clean):
            return True
    return False


# A request to erase what the assistant holds on the client, in other words than the
# intent classifier knows: "how do i get rid of my conversations with you", "clear our
# chat history pls", "wipe what my daughter wrote". An erasing verb with, within a few
# words, the client's own data with the salon as its object; "get rid of my flakes",
# "remove the buildup" and "delete my booking" (a cancellation) are not this.
_ERASE_VERB = (
    r"(?:delete|erase|remove|wipe|clear|purge|scrub|destroy|get\s+rid\s+of|"
    r"forget|bin|trash)"
)
_ERASE_OBJECT = (
    r"(?:conversations?|convos?|chats?|chat\s+history|history|messages?|msgs?|"
    r"(?:personal\s+)?(?:data|details|info|information|records?)|account|profile|"
    r"everything\s+(?:you|u)\s+(?:have|got|know|saved|stored|kept)|"
    r"(?:all\s+)?what\s+(?:[\w']+\s+){1,2}?(?:told|said|wrote|typed|sent))"
)
_ERASE = re.compile(r"\b" + _ERASE_VERB + r"\b(?:\s+[\w']+){0,3}?\s+" + _ERASE_OBJECT + r"\b")


def asks_to_erase(text: str | None) -> bool:
    """Does the message ask to erase what the salon holds on the client (pure)?

    Asked as a request or a how-question ("how do i get rid of my conversations with
    you"): either way the answer is the erasure's own question, which erases nothing
    until it is answered yes.
    """
    clean = _clean(text)
    return bool(clean) and len(clean) <= 200 and bool(_ERASE.search(clean))


_AGREEMENT = re.compile(
    r"^(?:(?:ok|okay|yeah|yep|yup|right|hmm+|ah+|oh|well|alright)\s+)*"
    r"(?:(?:fair|good|sure|true|right|close|well)\s+enough|enough\s+said)"
    r"(?:\s+(?:then|thanks|thank you|thx|ty|lol|haha\w*|i guess|tbh))*$"
)


def agrees(text: str | None) -> bool:
    """Is the whole message an agreement with "enough" in it (pure)?

    "fair enough", "ok good enough", "enough said": an acknowledgement, never a stop.
    """
    return bool(_AGREEMENT.match(_clean(text)))
