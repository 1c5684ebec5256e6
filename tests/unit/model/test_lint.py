"""Tests for the personal-data lint: it must catch identifiers and leave case talk alone.

A missed BSN leaks into an export; a false alarm blocks an export until someone writes
an override reason. Both directions are tested with the sentences handlers write.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.model.lint import (
    KIND_LABELS,
    FieldFinding,
    Finding,
    is_valid_bsn,
    is_valid_iban,
    lint_fields,
    lint_text,
    mask_bsn,
)


def kinds(text: str) -> list[str]:
    return [f.kind for f in lint_text(text)]


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in lint_text(text)]


# --- validators -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["111222333", "123456782", "1234.56.782", "123 456 782", "123.456.782", "10000008"],
)
def test_valid_bsn(value: str) -> None:
    assert is_valid_bsn(value)


@pytest.mark.parametrize(
    "value",
    [
        "123456789",
        "000000000",
        "00000000",
        "12345678",
        "1234567",
        "1234567890",
        "12345678a",
        "",
        "１２３４５６７８２",  # full-width digits are not a BSN anyone types
    ],
)
def test_invalid_bsn(value: str) -> None:
    assert not is_valid_bsn(value)


def test_eight_digit_bsn_gets_its_leading_zero_back() -> None:
    assert is_valid_bsn("10000008") == is_valid_bsn("010000008")


@pytest.mark.parametrize(
    "value",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "DE89370400440532013000",
        "BE68539007547034",
    ],
)
def test_valid_iban(value: str) -> None:
    assert is_valid_iban(value)


@pytest.mark.parametrize(
    "value",
    [
        "NL91ABNA0417164301",  # wrong check
        "NL91ABNA041716430",  # too short for NL
        "NL91-ABNA-0417-1643-00",  # dashes are not an IBAN notation
        "GB82WEST1234569876543",  # too short for GB
        "XX00",
        "",
        "ABNA0417164300",
    ],
)
def test_invalid_iban(value: str) -> None:
    assert not is_valid_iban(value)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("123456782", "*****6782"),
        ("1234.56.782", "*****6782"),
        ("10000008", "*****0008"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_bsn(value: str, masked: str) -> None:
    assert mask_bsn(value) == masked


def test_kind_labels_cover_every_kind_in_dutch() -> None:
    assert KIND_LABELS == {
        "bsn": "BSN",
        "iban": "IBAN",
        "email": "e-mailadres",
        "phone": "telefoonnummer",
        "postcode": "postcode met huisnummer",
        "birth_date": "geboortedatum",
        "name": "naam",
    }


# --- detectors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BSN 123456782.", "123456782"),
        ("bsn: 111222333", "111222333"),
        ("nummer 1234.56.782 gevonden", "1234.56.782"),
        ("nummer 123 456 782 gevonden", "123 456 782"),
        ("nummer 123.456.782 gevonden", "123.456.782"),
        ("burgerservicenummer 10000008", "10000008"),
    ],
)
def test_bsn_detected(text: str, expected: str) -> None:
    assert found(text) == [("bsn", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "dossier 123456789",  # fails the 11-proef
        "factuur 10000008",  # 8 digits without the word BSN
        "€ 111.222.333 teruggevorderd",  # an amount, not a BSN
        "111222333 euro",
        "S-123456782",
        "1.123.456.782",
    ],
)
def test_bsn_not_detected(text: str) -> None:
    assert "bsn" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rekening NL91 ABNA 0417 1643 00 is de juiste", "NL91 ABNA 0417 1643 00"),
        ("rekening NL91ABNA0417164300.", "NL91ABNA0417164300"),
        ("rekening nl91abna0417164300", "nl91abna0417164300"),
        ("rekening NL91ABNA 0417164300 gebruikt", "NL91ABNA 0417164300"),
        ("Britse rekening GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("Duitse rekening DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ],
)
def test_iban_detected(text: str, expected: str) -> None:
    assert found(text) == [("iban", expected)]


def test_iban_failing_mod97_is_not_reported() -> None:
    assert lint_text("rekening NL91ABNA0417164301") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail naar jan.jansen@example.nl.", "jan.jansen@example.nl"),
        ("of J_A+x@sub.voorbeeld.com graag", "J_A+x@sub.voorbeeld.com"),
        ("(m.devries@gemeente-zwolle.nl)", "m.devries@gemeente-zwolle.nl"),
        ("adres: 123456782@example.nl", "123456782@example.nl"),
    ],
)
def test_email_detected(text: str, expected: str) -> None:
    assert found(text) == [("email", expected)]


@pytest.mark.parametrize("text", ["a@b.c", "x@@y.nl", "@handle", "op @ 12"])
def test_email_not_detected(text: str) -> None:
    assert "email" not in kinds(text)


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 12345678",
        "06 1234 5678",
        "0612345678",
        "06 - 12 34 56 78",
        "+31 6 12345678",
        "+31(0)6-12345678",
        "+31 (0)6 12345678",
        "+31612345678",
        "0031 6 12345678",
        "020-1234567",
        "010 123 4567",
        "0591-123456",
        "085 123 4567",
        "(020) 123 45 67",
        "+32 470 12 34 56",
    ],
)
def test_phone_detected(number: str) -> None:
    assert found(f"Belde vanaf {number} vanochtend.") == [("phone", number)]


def test_phone_detected_after_tel_prefix() -> None:
    assert found("tel:0612345678, tel.06-12345678") == [
        ("phone", "0612345678"),
        ("phone", "06-12345678"),
    ]


def test_phone_does_not_swallow_the_next_number() -> None:
    assert found("020 1234567 020 1234567 en 06 12345678 12 keer") == [
        ("phone", "020 1234567"),
        ("phone", "020 1234567"),
        ("phone", "06 12345678"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Belastingtelefoon 0800-0543",  # not ten digits, and not a person
        "06-1234567",  # too short
        "06-123456789",  # too long
        "01-03-2025 10:00",
        "0031 12",
    ],
)
def test_phone_not_detected(text: str) -> None:
    assert "phone" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("woont op 1234 AB 12 in Zwolle", "1234 AB 12"),
        ("woont op 1234AB 12a in Zwolle", "1234AB 12a"),
        ("woont op 1234ab 12 in Zwolle", "1234ab 12"),
        ("woont op 1234 AB, 12-2 in Zwolle", "1234 AB, 12-2"),
        ("woont op Dorpsstraat 12, 1234 AB Zwolle", "Dorpsstraat 12, 1234 AB"),
        ("woont op Dorpsstraat 12 1234AB Zwolle", "Dorpsstraat 12 1234AB"),
        ("woont op de Kerkweg 3a in Urk", "Kerkweg 3a"),
        ("zijn postcode is 8261 AB", "8261 AB"),
    ],
)
def test_postcode_detected(text: str, expected: str) -> None:
    assert found(text) == [("postcode", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "woont in 1234 AB Zwolle",  # bare postcode: deliberately not flagged
        "in 2023 en 2024",
        "IN 2023 EN 2024",
        "een bestand van 1000 MB",
        "bezwaar naar Postbus 8242, 6710 HD Ede",
        "artikel 12, lid 3",
    ],
)
def test_postcode_not_detected(text: str) -> None:
    assert "postcode" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("geboren op 3 maart 1980 in Zwolle", "3 maart 1980"),
        ("geb. 03-03-1980", "03-03-1980"),
        ("geb.03-03-1980", "03-03-1980"),
        ("geboortedatum: 1980-03-03", "1980-03-03"),
        ("geb.datum 3/3/1980", "3/3/1980"),
        ("geb. datum 3-3-1980", "3-3-1980"),
        ("Geboren te Urk, op 4 mrt. 1981", "4 mrt. 1981"),
        ("Zij is op 4-5-1981 geboren.", "4-5-1981"),
        ("geboren 03.03.80", "03.03.80"),
    ],
)
def test_birth_date_detected(text: str, expected: str) -> None:
    assert found(text) == [("birth_date", expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mevrouw (43 jaar) belde", "(43 jaar)"),
        ("zoon (7 jr.) en", "(7 jr.)"),
        ("de aanvrager ( 43 jaar oud ) kwam", "( 43 jaar oud )"),
        ("Meneer is 43 jaar oud.", "43 jaar oud"),
        ("Een 43-jarige vrouw uit Urk.", "43-jarige"),
        ("Een 43-jarige alleenstaande moeder.", "43-jarige"),
        ("op 43-jarige leeftijd", "43-jarige"),
        ("Mevrouw (43) belde", "(43)"),
        ("Leeftijd: 43 jaar.", "43 jaar"),
    ],
)
def test_age_detected_as_birth_date(text: str, expected: str) -> None:
    findings = lint_text(text)
    assert [(f.kind, f.text) for f in findings] == [("birth_date", expected)]
    assert "leeftijd" in findings[0].reason


def test_name_and_age_both_flagged() -> None:
    assert found("Mevrouw Jansen (43) belde") == [("name", "Mevrouw Jansen"),
                                                  ("birth_date", "(43)")]


@pytest.mark.parametrize(
    "text",
    [
        "geboortedatum onbekend; op 12-03-2025 is de zienswijze verstuurd",
        "Het kind is geboren in 2019; op 12-03-2025 kwam de brief",
        "geboren 31-31-1980",  # not a date
        "de schuld is 7 jaar oud",  # an age of a thing, no person in sight
        "een 5-jarige looptijd",
        "de AOW-leeftijd van 67 jaar",
        "zie bijlage (3)",
    ],
)
def test_birth_date_not_detected(text: str) -> None:
    assert "birth_date" not in kinds(text)


# --- no false alarms --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Casus 2025-ABC-0001 is overgedragen.",
        "Zie 2025-AB-12345.",
        "Signaal S-2025-ABC-001 is doorgezet.",
        "Terugvordering van € 1.234,56.",
        "EUR 12.345 nagevorderd",
        "Een schuld van 1.234.567.",
        "Bedrag 12345,00 betaald.",
        "Er staat € 250.000 open.",
        "€ 111.222.333 in totaal",
        "op 12-03-2025 is de zienswijze verstuurd",
        "Besluit van 2025-03-12.",
        "reactie voor 1 april 2025",
        "in 2023 en 2024",
        "moeder van 7 kinderen",
        "3 brieven verstuurd",
        "beroep op art. 6:7 Awb",
        "zie artikel 3:4",
        "dossier 123456789",
        "factuur 2024-0012345",
        "factuurnummer INV-2024-00123",
        "factuur F2024.00123 van 20250312",
        "afspraak om 14:30",
        "21% btw en 12,5 % korting",
        "Stap 2 van 5, fase 3.",
    ],
)
def test_no_false_alarm(text: str) -> None:
    assert lint_text(text) == []


# --- realistic sentences ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mevrouw (43 jaar) uit Zwolle belde 06-12345678 over de terugvordering van "
            "€ 4.320,00; BSN 123456782.",
            ["birth_date", "phone", "bsn"],
        ),
        (
            "Op 12-03-2025 heeft meneer de zienswijze gemaild vanaf jan.jansen@example.nl; "
            "de terugbetaling moet naar NL91 ABNA 0417 1643 00.",
            ["email", "iban"],
        ),
        (
            "Casus 2025-ABC-0001: mevrouw woont op Dorpsstraat 12, 1234 AB Urk, geboren op "
            "3 maart 1980, en heeft 7 kinderen. Reactie voor 1 april 2025 (art. 6:7 Awb).",
            ["postcode", "birth_date"],
        ),
        (
            "Gesprek om 14:30 met de Belastingdienst over 3 brieven uit 2023 en 2024; "
            "schuld € 250.000, dossier 123456789. Zie S-2025-ABC-001.",
            [],
        ),
        (
            "Een alleenstaande moeder van 7 kinderen met een schuld van € 12.345,00.",
            [],
        ),
    ],
)
def test_realistic_sentences(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


# --- shape of the result ----------------------------------------------------------


def test_spans_match_text_and_are_sorted() -> None:
    text = (
        "BSN 123456782, tel. +31 6 12345678, mail a.b@example.nl, IBAN NL91ABNA0417164300, "
        "1234 AB 12, geb. 3-3-1980, (43 jaar)."
    )
    findings = lint_text(text)
    assert [f.kind for f in findings] == [
        "bsn",
        "phone",
        "email",
        "iban",
        "postcode",
        "birth_date",
        "birth_date",
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.kind in KIND_LABELS
        assert finding.reason.endswith("Haal persoonsgegevens uit vrije tekst.")
    starts = [f.start for f in findings]
    assert starts == sorted(starts)


def test_bsn_reason_names_the_11_proef() -> None:
    (finding,) = lint_text("BSN 123456782")
    assert finding.reason == (
        "Dit lijkt een BSN (klopt met de 11-proef). Haal persoonsgegevens uit vrije tekst."
    )


def test_overlapping_claims_are_reported_once() -> None:
    findings = lint_text("adres 123456782@example.nl en +31 612345678")
    assert [(f.kind, f.text) for f in findings] == [
        ("email", "123456782@example.nl"),
        ("phone", "+31 612345678"),
    ]


def test_no_break_spaces_from_pasted_text_still_match_with_original_text() -> None:
    text = "belde 06\u00a012345678 en BSN 123\u00a0456\u00a0782"
    assert found(text) == [("phone", "06\u00a012345678"), ("bsn", "123\u00a0456\u00a0782")]


def test_finding_is_frozen() -> None:
    (finding,) = lint_text("BSN 123456782")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = "iban"  # type: ignore[misc]


def test_empty_text() -> None:
    assert lint_text("") == []


# --- lint_fields ------------------------------------------------------------------


def test_lint_fields_names_the_field_and_skips_empty_ones() -> None:
    result = lint_fields(
        {
            "summary": "Mevrouw (43 jaar) heeft bezwaar gemaakt.",
            "notes": None,
            "solution": "",
            "story": "Belde met 06-12345678 en gaf BSN 123456782.",
            "help_request": "Uitstel van betaling gevraagd.",
        }
    )
    assert [(ff.field, ff.finding.kind) for ff in result] == [
        ("summary", "birth_date"),
        ("story", "phone"),
        ("story", "bsn"),
    ]
    assert all(isinstance(ff, FieldFinding) for ff in result)
    assert isinstance(result[0].finding, Finding)


def test_lint_fields_of_clean_record_is_empty() -> None:
    assert lint_fields({"summary": "Casus 2025-ABC-0001 afgerond.", "notes": None}) == []


# --- properties -------------------------------------------------------------------

_NEAR_MISS_ALPHABET = st.sampled_from(
    [*"0123456789 .,-+/()@:aABLNjgeb€", "jaar", "geboren", "BSN", "NL91", "straat"]
)


@given(st.text())
def test_lint_never_raises_and_spans_stay_in_text(text: str) -> None:
    check_findings(text)


@given(st.lists(_NEAR_MISS_ALPHABET, max_size=60).map("".join))
def test_lint_on_identifier_like_text(text: str) -> None:
    check_findings(text)


def check_findings(text: str) -> None:
    findings = lint_text(text)
    previous_end = 0
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        assert finding.start >= previous_end  # sorted and never overlapping
        previous_end = finding.end


# --- names announced by a title or salutation ---------------------------------------

NAMES = [
    ("Mevrouw Jansen belde over de terugvordering.", "Mevrouw Jansen"),
    ("Gesprek met dhr. de Boer over de aanslag.", "dhr. de Boer"),
    ("mw. A. Bakker heeft bezwaar gemaakt.", "mw. A. Bakker"),
    ("De heer Van der Berg is ondernemer.", "heer Van der Berg"),
    ("Meneer El Amrani kreeg een naheffing.", "Meneer El Amrani"),
    ("mevr. Öztürk ontving de brief.", "mevr. Öztürk"),
    ("Dhr. P.J. de Wit belde terug.", "Dhr. P.J. de Wit"),
    ("Volgens meneer Pietersen klopt de aanslag niet.", "meneer Pietersen"),
    ("mnr. Hendriks heeft een betalingsregeling.", "mnr. Hendriks"),
    ("De brief aan mw Yilmaz is verstuurd.", "mw Yilmaz"),
    ("Familie Jansen krijgt kwijtschelding.", "Familie Jansen"),
    ("fam. van Dijk is verhuisd.", "fam. van Dijk"),
    ("mr. De Groot staat de burger bij.", "mr. De Groot"),
    ("Dr. Visser stuurde een verklaring.", "Dr. Visser"),
    ("Mevrouw Fatima belde gisteren.", "Mevrouw Fatima"),
    ("Geachte heer Smit,", "heer Smit"),
    ("Overleg met mevrouw ter Horst.", "mevrouw ter Horst"),
    ("dhr. 't Hart wil een gesprek.", "dhr. 't Hart"),
    ("MEVROUW JANSEN belde opnieuw.", "MEVROUW JANSEN"),
    ("de heer A.B. Çelik-Jansen kreeg uitstel.", "heer A.B. Çelik-Jansen"),
]

NOT_NAMES = [
    "Mevrouw heeft bezwaar gemaakt.",
    "De heer des huizes betaalt de huur.",
    "meneer de rechter gaf de burger gelijk.",
    "Mevrouw de Minister heeft de brief ontvangen.",
    "Meneer de Voorzitter, dank u.",
    "Mevrouw belde de Belastingdienst.",
    "Mevrouw X heeft drie kinderen.",  # the placeholder people anonymise with
    "meneer J. wacht op antwoord.",
    "Dhr. kreeg geen reactie van Dienst Toeslagen.",
    "Het gesprek met mevrouw verliep goed. De dienst reageert later.",
    "Sprak met mw. De brief kwam later.",
    "De mevrouw van de balie hielp haar.",
    "Een meneer van de gemeente belde.",
    "meneer en mevrouw hebben samen een schuld.",
    "De heer en zijn partner wachten op de Belastingdienst.",
    "Familie en vrienden helpen mee.",
    "Rekening bij de ING Bank, afdeling HR Services.",
    "Mevrouw, De Belastingdienst schreef terug.",
    "De ingangsdatum (ing. 1 januari) geldt.",
    "Casus 2025-ABC-0001: mevrouw kreeg een aanslag van € 1.234,00.",
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_name_with_title_or_salutation_is_flagged(text: str, name: str) -> None:
    findings = lint_text(text)
    assert [(f.kind, f.text) for f in findings] == [("name", name)]
    assert "naam" in findings[0].reason
    assert KIND_LABELS["name"] == "naam"


@pytest.mark.parametrize("text", NOT_NAMES)
def test_title_without_a_name_is_not_flagged(text: str) -> None:
    assert lint_text(text) == []


def test_twenty_of_each() -> None:
    assert len(NAMES) == 20 and len(NOT_NAMES) == 20
