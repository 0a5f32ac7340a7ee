"""Validators that tell real personal data from look-alikes: IBAN, codice fiscale, e-mail, phones.

A regular expression finds candidates; these checks keep only the ones that are what they seem
(an IBAN whose mod-97 checksum holds, a codice fiscale whose check character matches), so an
order number or a product code is not reported as a customer's data.
"""

from __future__ import annotations

import re
import string

# Length of the IBAN per country (ISO 13616) for the countries an Italian company meets most;
# other countries are accepted between 15 and 34 characters.
_IBAN_LENGTHS = {
    "IT": 27, "SM": 27, "VA": 22, "DE": 22, "FR": 27, "ES": 24, "GB": 22, "CH": 21,
    "AT": 20, "BE": 16, "NL": 18, "PT": 25, "IE": 22, "LU": 20, "MT": 31, "SI": 19,
}  # fmt: skip


def iban_valid(candidate: str) -> bool:
    """True when ``candidate`` (spaces allowed) is an IBAN whose mod-97 checksum is 1."""
    iban = re.sub(r"[\s-]", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)  # A=10 ... Z=35
    return int(digits) % 97 == 1


# Codice fiscale check character tables (DM 23/12/1976): odd positions (1st, 3rd, ...) and even.
_CF_ODD = dict(
    zip(
        string.digits + string.ascii_uppercase,
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21] + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20,
         11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
        strict=True,
    )
)  # fmt: skip
_CF_EVEN = {ch: (int(ch) if ch.isdigit() else ord(ch) - ord("A")) for ch in _CF_ODD}
# Omocodia replaces digits with these letters when two people would share a code.
_CF_PATTERN = re.compile(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"
)


def codice_fiscale_valid(candidate: str) -> bool:
    """True when ``candidate`` is a 16-character codice fiscale with the right check character."""
    code = candidate.strip().upper()
    if not _CF_PATTERN.fullmatch(code):
        return False
    total = sum((_CF_ODD if i % 2 == 0 else _CF_EVEN)[ch] for i, ch in enumerate(code[:15]))
    return chr(ord("A") + total % 26) == code[15]


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
)


def email_valid(candidate: str) -> bool:
    """True for a syntactically valid address with a dotted domain and an alphabetic TLD."""
    address = candidate.strip()
    return len(address) <= 254 and _EMAIL.fullmatch(address) is not None


def italian_phone_kind(candidate: str) -> str | None:
    """``"mobile"``, ``"landline"``, ``"tollfree"`` (numero verde, 800/803) or None.

    Accepts an optional +39 / 0039 prefix and spaces, dots, dashes or slashes as separators.
    Mobile numbers start with 3 and have 9-10 digits; landlines start with 0[1-9] and have
    8-11 (shorter 0-numbers are far more often ticket or customer codes).
    """
    digits = re.sub(r"[\s./()-]", "", candidate)
    if digits.startswith("+39"):
        digits = digits[3:]
    elif digits.startswith("0039"):
        digits = digits[4:]
    if not digits.isdigit():
        return None
    if digits.startswith("3") and len(digits) in (9, 10):
        return "mobile"
    if digits.startswith(("800", "803")) and len(digits) in (6, 9):
        return "tollfree"
    if digits.startswith("0") and digits[1:2] != "0" and 8 <= len(digits) <= 11:
        return "landline"
    return None


def personal_phone_valid(candidate: str) -> bool:
    """A mobile or landline number: a person's. The brand's own numero verde is not personal data."""
    return italian_phone_kind(candidate) in ("mobile", "landline")


# Names usable from policy.yaml (`validator: iban`) -> check function.
VALIDATORS = {
    "iban": iban_valid,
    "codice_fiscale": codice_fiscale_valid,
    "email": email_valid,
    "phone": personal_phone_valid,
}
