"""Validators tell real personal data from look-alikes (checksums, check characters, shapes)."""

import pytest

from monitoring.scoring.validators import (
    codice_fiscale_valid,
    email_valid,
    iban_valid,
    italian_phone_kind,
    personal_phone_valid,
)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("IT60 X054 2811 1010 0000 0123 456", True),
        ("IT60X0542811101000000123456", True),
        ("it60x0542811101000000123456", True),
        ("GB82 WEST 1234 5698 7654 32", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("IT60X0542811101000000123457", False),  # one digit off: checksum fails
        ("IT61X0542811101000000123456", False),  # wrong check digits
        ("IT60X054281110100000012345", False),  # Italian IBANs have 27 characters
        ("ordine 4837-AB", False),
        ("", False),
    ],
)
def test_iban_mod97(candidate, expected):
    assert iban_valid(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("RSSMRA85T10A562S", True),
        ("rssmra85t10a562s", True),
        ("RSSMRA85T10A562T", False),  # wrong check character
        ("RSSMRA85T10A56", False),
        ("RSSMRA85Z10A562S", False),  # Z is not a month letter
        ("ABCDEF12G34H567I", False),
    ],
)
def test_codice_fiscale_check_character(candidate, expected):
    assert codice_fiscale_valid(candidate) is expected


def test_codice_fiscale_omocodia_is_checked_too():
    # Omocodia replaces the last digits with letters; the check character is recomputed.
    omocode = "RSSMRA85T10A56N"  # the final 2 of RSSMRA85T10A562S replaced by N
    valid = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if codice_fiscale_valid(omocode + c)]
    assert len(valid) == 1


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("mario.rossi@gmail.com", True),
        ("a+b@sub.example.it", True),
        ("@luminacare", False),
        ("mario@localhost", False),
        ("mario@@gmail.com", False),
        ("mario@gmail.c0m", False),
    ],
)
def test_email(candidate, expected):
    assert email_valid(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "kind"),
    [
        ("347 123 4567", "mobile"),
        ("+39 347 1234567", "mobile"),
        ("0039.347.123.4567", "mobile"),
        ("02 1234567", "landline"),
        ("06-12345678", "landline"),
        ("800 123 456", "tollfree"),
        ("0000 0123 456", None),  # digits inside an IBAN, not an area code
        ("4837", None),
        ("0370140", None),  # seven digits: a ticket number, not a landline
        ("12345678901", None),
    ],
)
def test_italian_phone_kind(candidate, kind):
    assert italian_phone_kind(candidate) == kind


def test_numero_verde_is_not_personal():
    assert personal_phone_valid("347 123 4567")
    assert not personal_phone_valid("800 123 456")
