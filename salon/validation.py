"""Pure validators and maskers for contact details (no I/O, table-tested).

The rules are deliberately simple and robust rather than RFC-complete: they accept
what people really type into a chat ("+44 (0)20 7946 0958", "Jane.Doe@Example.co.uk")
and reject what cannot be used to reach anyone.
"""

from __future__ import annotations

import re

_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_TLD = re.compile(r"^[A-Za-z]{2,63}$|^xn--[A-Za-z0-9-]{1,59}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_PHONE_SHAPE = re.compile(r"^\+?[0-9]+$")
# The ITU's E.164 numbers have at most 15 digits; 7 is the shortest useful local number.
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15


def valid_email(value: str) -> bool:
    """Tell whether ``value`` looks like an email address someone can be reached at.

    Args:
        value: What the user typed; surrounding whitespace is ignored.

    Returns:
        True for ``local@domain.tld`` with a sane local part (no spaces, no leading,
        trailing or double dots), a dotted domain of valid labels and an alphabetic
        top-level domain; False otherwise.
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or len(text) > 254 or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    if not local or len(local) > 64 or not _LOCAL_PART.match(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253:
        return False
    if not all(_DOMAIN_LABEL.match(label) for label in labels):
        return False
    return bool(_TLD.match(labels[-1]))


def normalise_email(value: str) -> str | None:
    """Return the address trimmed with a lower-case domain, or None if it is not valid.

    Args:
        value: What the user typed.

    Returns:
        ``Local@example.com`` for `` Local@Example.COM ``; None when :func:`valid_email`
        rejects it. The local part keeps its case (it may matter to the mail server).
    """
    if not valid_email(value):
        return None
    local, domain = value.strip().split("@")
    return f"{local}@{domain.lower()}"


def normalise_phone(value: str) -> str | None:
    """Normalise a phone number to digits with an optional leading ``+``.

    Spaces, dashes, dots, slashes and brackets are dropped; a leading ``00`` becomes
    ``+``; a trunk ``(0)`` after an international prefix is removed
    (``+44 (0)20 ...`` becomes ``+4420...``). Letters, extensions and several ``+``
    are refused.

    Args:
        value: What the user typed.

    Returns:
        The normalised number (7 to 15 digits, e.g. ``+442079460958`` or
        ``02079460958``), or None when it cannot be a phone number.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("+") or text.startswith("00"):
        text = re.sub(r"\(\s*0\s*\)", "", text)
    compact = _PHONE_SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not _PHONE_SHAPE.match(compact):
        return None
    digits = compact.lstrip("+")
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        return None
    if compact.startswith("+") and digits.startswith("0"):
        return None  # no country code starts with 0
    return compact


def mask_email(value: str | None) -> str:
    """Mask an email address for lists and logs: ``jane@example.com`` -> ``j***@example.com``.

    Args:
        value: An address (or None).

    Returns:
        The first character of the local part, ``***`` and the domain; ``-`` for no value;
        ``***`` for something that is not an address.
    """
    if not value:
        return "-"
    if "@" not in value:
        return "***"
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str | None) -> str:
    """Mask a phone number for lists and logs: ``+442079461234`` -> ``***1234``.

    Args:
        value: A phone number (or None).

    Returns:
        ``***`` and the last four digits; ``-`` for no value; ``***`` when there are
        fewer than eight digits (four would reveal too much of a short number).
    """
    if not value:
        return "-"
    digits = re.sub(r"\D", "", value)
    if len(digits) < 8:
        return "***"
    return f"***{digits[-4:]}"


def mask_sender(value: str | None) -> str:
    """Mask a conversation id for lists: ``whatsapp:+447700900123`` -> ``whatsapp:***0123``.

    Args:
        value: A conversation id, ``<channel prefix>:<id>`` (or None).

    Returns:
        The prefix kept; a phone-like id masked as by :func:`mask_phone`; any other (the
        website chat's random ids) cut to its first four characters and ``***``, or only
        ``***`` when it has eight characters or fewer; ``-`` for no value.
    """
    if not value:
        return "-"
    prefix, colon, rest = value.partition(":")
    if not colon:
        prefix, rest = "", value
    if re.fullmatch(r"\+?[\d\s().-]+", rest) and len(re.sub(r"\D", "", rest)) >= PHONE_MIN_DIGITS:
        masked = mask_phone(rest)
    else:
        masked = f"{rest[:4]}***" if len(rest) > 8 else "***"
    return f"{prefix}:{masked}" if colon else masked


def mask_name(value: str | None) -> str:
    """Reduce a name to initials for lists and logs: ``Jane van Dyke`` -> ``J. v. D.``.

    Args:
        value: A name (or None).

    Returns:
        The initial of every word followed by a dot; ``-`` for no value.
    """
    if not value or not value.strip():
        return "-"
    return " ".join(f"{word[0]}." for word in value.split())


# Bounded repeats (an address's local part has at most 64 characters, its domain 255; a
# phone number at most 15 digits and their separators): an unbounded ``+`` makes a long
# run without "@" quadratic.
_EMAIL_IN_TEXT = re.compile(
    r"[^\s@<>()\[\],;:\"']{1,64}@[^\s@<>()\[\],;:\"']{1,255}\.[A-Za-z]{2,24}"
)
_PHONE_IN_TEXT = re.compile(r"\+?\d[\d\s\-.()/]{5,30}\d")
_DATE_IN_TEXT = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


def scrub_text(value: str | None) -> str:
    """Mask email addresses and phone-like numbers inside free text (for lists and logs).

    Args:
        value: Free text a user typed (preferred times, a handoff reason...).

    Returns:
        The text with every address masked as by :func:`mask_email` and every run of
        seven or more digits (dates excepted) masked as by :func:`mask_phone`; ``""``
        for no value.
    """
    if not value:
        return ""
    text = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), value)

    def _phone(match: re.Match[str]) -> str:
        found = match.group(0)
        if _DATE_IN_TEXT.match(found):
            return found
        digits = re.sub(r"\D", "", found)
        return mask_phone(found) if len(digits) >= PHONE_MIN_DIGITS else found

    return _PHONE_IN_TEXT.sub(_phone, text)
