"""Statutory deadlines: Easter, Atw holidays, decree days and the explanation text."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.model.deadlines import (
    PAUSE_WARNING,
    POSTING_NOTE,
    STATUTORY_WEEKS,
    DeadlineResult,
    HolidayCalendar,
    HolidayFileError,
    compute_due_on,
    easter_sunday,
    explain,
    falls_in_pause,
    legal_deadline,
    load_decree_days,
    load_decree_file,
    statutory_holidays,
    uncovered_year_warning,
)
from app.model.resources import resource

D = date

# --- Easter -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 3, 28)),
        (2028, D(2028, 4, 16)),
        (2029, D(2029, 4, 1)),
        (2030, D(2030, 4, 21)),
        # historic and edge years: earliest (22 March) and latest (25 April) possible
        (1583, D(1583, 4, 10)),
        (1818, D(1818, 3, 22)),
        (1886, D(1886, 4, 25)),
        (1943, D(1943, 4, 25)),
        (1961, D(1961, 4, 2)),
        (2000, D(2000, 4, 23)),
        (2019, D(2019, 4, 21)),
        (2038, D(2038, 4, 25)),
        (2285, D(2285, 3, 22)),
    ],
)
def test_easter_known_years(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_easter_is_always_a_sunday_between_22_march_and_25_april() -> None:
    for year in range(1583, 3000):
        e = easter_sunday(year)
        assert e.weekday() == 6
        assert D(year, 3, 22) <= e <= D(year, 4, 25)


def test_easter_refuses_julian_years() -> None:
    with pytest.raises(ValueError):
        easter_sunday(1582)


# --- statutory holidays -------------------------------------------------------------


def test_statutory_holidays_2025() -> None:
    assert statutory_holidays(2025) == {
        D(2025, 1, 1): "Nieuwjaarsdag",
        D(2025, 4, 18): "Goede Vrijdag",
        D(2025, 4, 21): "Tweede Paasdag",
        D(2025, 4, 26): "Koningsdag",
        D(2025, 5, 5): "Bevrijdingsdag",
        D(2025, 5, 29): "Hemelvaartsdag",
        D(2025, 6, 9): "Tweede Pinksterdag",
        D(2025, 12, 25): "Eerste Kerstdag",
        D(2025, 12, 26): "Tweede Kerstdag",
    }


def test_koningsdag_moves_to_saturday_26_april_when_27_is_a_sunday() -> None:
    assert D(2025, 4, 27).weekday() == 6
    assert D(2025, 4, 26).weekday() == 5
    cal = HolidayCalendar({})
    assert cal.name_of(D(2025, 4, 26)) == "Koningsdag"
    assert cal.name_of(D(2025, 4, 27)) is None
    assert cal.reason(D(2025, 4, 27)) == "een zondag"


def test_koningsdag_on_a_weekday_stays_on_27_april() -> None:
    assert D(2026, 4, 27).weekday() == 0
    cal = HolidayCalendar({})
    assert cal.name_of(D(2026, 4, 27)) == "Koningsdag"
    assert cal.name_of(D(2026, 4, 26)) is None


def test_bevrijdingsdag_every_year() -> None:
    for year in range(2020, 2041):
        assert statutory_holidays(year)[D(year, 5, 5)] == "Bevrijdingsdag"


def test_calendar_reasons() -> None:
    cal = HolidayCalendar({})
    assert cal.reason(D(2025, 5, 3)) == "een zaterdag"
    assert cal.reason(D(2025, 5, 4)) == "een zondag"
    assert cal.reason(D(2025, 5, 5)) == "Bevrijdingsdag"
    assert cal.reason(D(2025, 5, 6)) is None
    assert not cal.is_non_working(D(2025, 5, 6))
    assert cal.is_non_working(D(2025, 5, 5))
    assert cal.is_non_working(D(2025, 5, 3))


def test_holiday_name_wins_over_weekday_in_the_reason() -> None:
    cal = HolidayCalendar({})
    assert D(2030, 5, 5).weekday() == 6
    assert cal.reason(D(2030, 5, 5)) == "Bevrijdingsdag"


def test_statutory_name_wins_over_decree_name_on_the_same_day() -> None:
    cal = HolidayCalendar({D(2025, 5, 5): "Iets anders", D(2025, 5, 2): "Brugdag"})
    assert cal.name_of(D(2025, 5, 5)) == "Bevrijdingsdag"
    assert cal.name_of(D(2025, 5, 2)) == "Brugdag"
    assert cal.holidays(2025)[D(2025, 5, 2)] == "Brugdag"


# --- the shipped holidays.toml ------------------------------------------------------


#: The two current decrees under Atw art. 3 lid 3 (docs/DOMAIN.md "Legal deadlines").
DECREE_DAYS = {
    D(2023, 4, 28): "Vrijdag na Koningsdag",
    D(2023, 5, 19): "Vrijdag na Hemelvaartsdag",
    D(2024, 5, 10): "Vrijdag na Hemelvaartsdag",
    D(2024, 12, 27): "Vrijdag na Tweede Kerstdag",
    D(2025, 5, 30): "Vrijdag na Hemelvaartsdag",
    D(2026, 1, 2): "Vrijdag na Nieuwjaarsdag",
    D(2026, 5, 15): "Vrijdag na Hemelvaartsdag",
    D(2027, 5, 7): "Vrijdag na Hemelvaartsdag",
    D(2028, 4, 28): "Vrijdag na Koningsdag",
    D(2028, 5, 26): "Vrijdag na Hemelvaartsdag",
}


def test_shipped_decree_days_are_exactly_the_two_current_decrees() -> None:
    shipped = load_decree_file()
    assert shipped.days == DECREE_DAYS
    assert shipped.complete_through == 2028
    assert load_decree_days(resource("holidays.toml")) == DECREE_DAYS
    for d, name in shipped.days.items():
        # each is a Friday after the holiday it names, which the calendar computes
        assert d.weekday() == 4
        before = statutory_holidays(d.year).get(d - timedelta(days=1))
        assert before is not None and name == f"Vrijdag na {before}"
    # Goede Vrijdag is statutory (Atw art. 3 lid 2), not a decree day
    assert HolidayCalendar.default().name_of(D(2026, 4, 3)) == "Goede Vrijdag"


@pytest.mark.parametrize(
    ("start", "last_day"),
    [
        # the days that were missing before: each shortened a term by a working day
        (D(2025, 11, 21), D(2026, 1, 5)),  # Vrijdag na Nieuwjaarsdag, then a weekend
        (D(2028, 3, 17), D(2028, 5, 1)),  # 28-04-2028 after Koningsdag
        (D(2023, 3, 17), D(2023, 5, 1)),  # 28-04-2023 after Koningsdag
        (D(2024, 11, 15), D(2024, 12, 30)),  # 27-12-2024 after Tweede Kerstdag
        (D(2024, 3, 29), D(2024, 5, 13)),  # 10-05-2024 after Hemelvaartsdag
    ],
)
def test_terms_run_past_every_decree_day(start: date, last_day: date) -> None:
    assert compute_due_on("bezwaartermijn", start) == last_day


def test_a_last_day_after_the_complete_year_is_warned_about() -> None:
    lines = explain("bezwaartermijn", D(2028, 12, 1))
    assert lines[0].endswith("laatste dag vrijdag 12-01-2029")
    assert lines[-1] == ("Let op: voor 2029 is nog geen besluit gelijkstelling opgenomen; "
                         "controleer de Staatscourant, de laatste dag kan later liggen.")
    # no guessed days for 2029 and 2030: the Friday after Hemelvaartsdag is a working day
    cal = HolidayCalendar.default()
    assert cal.name_of(D(2029, 5, 11)) is None and cal.name_of(D(2030, 5, 31)) is None
    # a last day in the complete years gets no warning, also at the very end of 2028
    assert uncovered_year_warning(D(2028, 12, 29)) == ""
    assert len(explain("bezwaartermijn", D(2028, 11, 17))) == 2
    assert uncovered_year_warning(D(2029, 1, 2)) != ""


def test_default_calendar_is_cached_and_knows_decree_days() -> None:
    cal = HolidayCalendar.default()
    assert cal is HolidayCalendar.default()
    assert cal.name_of(D(2025, 5, 30)) == "Vrijdag na Hemelvaartsdag"
    assert cal.name_of(D(2025, 5, 29)) == "Hemelvaartsdag"


# --- legal_deadline -----------------------------------------------------------------


def test_domain_example() -> None:
    result = legal_deadline(D(2025, 3, 22))
    assert result == DeadlineResult(
        start=D(2025, 3, 22),
        weeks=6,
        nominal=D(2025, 5, 3),
        last_day=D(2025, 5, 6),
        skipped=(
            (D(2025, 5, 3), "een zaterdag"),
            (D(2025, 5, 4), "een zondag"),
            (D(2025, 5, 5), "Bevrijdingsdag"),
        ),
        explanation=(
            "6 weken na 22-03-2025: 03-05 is een zaterdag, 04-05 een zondag, "
            "05-05 Bevrijdingsdag; laatste dag dinsdag 06-05-2025"
        ),
    )


def test_no_extension() -> None:
    result = legal_deadline(D(2025, 3, 3))
    assert result.nominal == result.last_day == D(2025, 4, 14)
    assert result.skipped == ()
    assert result.explanation == "6 weken na 03-03-2025: laatste dag maandag 14-04-2025"


@pytest.mark.parametrize(
    ("start", "last_day", "explanation"),
    [
        pytest.param(
            D(2025, 3, 7),
            D(2025, 4, 22),
            "6 weken na 07-03-2025: 18-04 is Goede Vrijdag, 19-04 een zaterdag, "
            "20-04 een zondag, 21-04 Tweede Paasdag; laatste dag dinsdag 22-04-2025",
            id="goede-vrijdag-through-easter",
        ),
        pytest.param(
            D(2025, 3, 10),
            D(2025, 4, 22),
            "6 weken na 10-03-2025: 21-04 is Tweede Paasdag; laatste dag dinsdag 22-04-2025",
            id="tweede-paasdag",
        ),
        pytest.param(
            D(2025, 3, 15),
            D(2025, 4, 28),
            "6 weken na 15-03-2025: 26-04 is Koningsdag, 27-04 een zondag; "
            "laatste dag maandag 28-04-2025",
            id="koningsdag-saturday-2025",
        ),
        pytest.param(
            D(2025, 3, 16),
            D(2025, 4, 28),
            "6 weken na 16-03-2025: 27-04 is een zondag; laatste dag maandag 28-04-2025",
            id="27-april-2025-is-just-a-sunday",
        ),
        pytest.param(
            D(2026, 3, 16),
            D(2026, 4, 28),
            "6 weken na 16-03-2026: 27-04 is Koningsdag; laatste dag dinsdag 28-04-2026",
            id="koningsdag-monday-2026",
        ),
        pytest.param(
            D(2026, 3, 24),
            D(2026, 5, 6),
            "6 weken na 24-03-2026: 05-05 is Bevrijdingsdag; laatste dag woensdag 06-05-2026",
            id="5-mei-tuesday-2026",
        ),
        pytest.param(
            D(2025, 4, 17),
            D(2025, 6, 2),
            "6 weken na 17-04-2025: 29-05 is Hemelvaartsdag, "
            "30-05 Vrijdag na Hemelvaartsdag, 31-05 een zaterdag, 01-06 een zondag; "
            "laatste dag maandag 02-06-2025",
            id="hemelvaart-and-decree-friday",
        ),
        pytest.param(
            D(2025, 4, 18),
            D(2025, 6, 2),
            "6 weken na 18-04-2025: 30-05 is Vrijdag na Hemelvaartsdag, "
            "31-05 een zaterdag, 01-06 een zondag; laatste dag maandag 02-06-2025",
            id="decree-friday",
        ),
        pytest.param(
            D(2025, 4, 28),
            D(2025, 6, 10),
            "6 weken na 28-04-2025: 09-06 is Tweede Pinksterdag; laatste dag dinsdag 10-06-2025",
            id="tweede-pinksterdag",
        ),
        pytest.param(
            D(2025, 11, 13),
            D(2025, 12, 29),
            "6 weken na 13-11-2025: 25-12 is Eerste Kerstdag, 26-12 Tweede Kerstdag, "
            "27-12 een zaterdag, 28-12 een zondag; laatste dag maandag 29-12-2025",
            id="christmas-thu-fri-then-weekend",
        ),
        pytest.param(
            D(2026, 11, 13),
            D(2026, 12, 28),
            "6 weken na 13-11-2026: 25-12 is Eerste Kerstdag, 26-12 Tweede Kerstdag, "
            "27-12 een zondag; laatste dag maandag 28-12-2026",
            id="christmas-fri-sat-then-sunday",
        ),
        pytest.param(
            D(2027, 11, 13),
            D(2027, 12, 27),
            "6 weken na 13-11-2027: 25-12 is Eerste Kerstdag, 26-12 Tweede Kerstdag; "
            "laatste dag maandag 27-12-2027",
            id="christmas-on-the-weekend",
        ),
        pytest.param(
            D(2025, 11, 20),
            D(2026, 1, 5),
            "6 weken na 20-11-2025: 01-01 is Nieuwjaarsdag, 02-01 Vrijdag na Nieuwjaarsdag, "
            "03-01 een zaterdag, 04-01 een zondag; laatste dag maandag 05-01-2026",
            id="nieuwjaarsdag-thursday-and-the-decree-friday",
        ),
        pytest.param(
            D(2027, 11, 20),
            D(2028, 1, 3),
            "6 weken na 20-11-2027: 01-01 is Nieuwjaarsdag, 02-01 een zondag; "
            "laatste dag maandag 03-01-2028",
            id="nieuwjaarsdag-saturday",
        ),
        pytest.param(
            D(2028, 11, 19),
            D(2029, 1, 2),
            "6 weken na 19-11-2028: 31-12 is een zondag, 01-01 Nieuwjaarsdag; "
            "laatste dag dinsdag 02-01-2029",
            id="across-the-year",
        ),
    ],
)
def test_extensions(start: date, last_day: date, explanation: str) -> None:
    result = legal_deadline(start)
    assert result.nominal == start + timedelta(days=42)
    assert result.last_day == last_day
    assert result.explanation == explanation


def test_other_term_lengths() -> None:
    assert legal_deadline(D(2025, 3, 3), weeks=1).explanation == (
        "1 week na 03-03-2025: laatste dag maandag 10-03-2025"
    )
    assert legal_deadline(D(2025, 3, 3), weeks=4).last_day == D(2025, 3, 31)
    with pytest.raises(ValueError):
        legal_deadline(D(2025, 3, 3), weeks=0)


# --- custom and malformed holidays files --------------------------------------------


def test_custom_calendar_from_file(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(
        '[[day]]\ndate = 2025-05-02\nname = "Brugdag"\n',
        encoding="utf-8",
    )
    cal = HolidayCalendar.from_file(path)
    assert load_decree_days(path) == {D(2025, 5, 2): "Brugdag"}
    # without the shipped file the Friday after Ascension is a working day
    assert cal.name_of(D(2025, 5, 30)) is None
    assert legal_deadline(D(2025, 4, 18), calendar=cal).last_day == D(2025, 5, 30)
    result = legal_deadline(D(2025, 3, 21), calendar=cal)
    assert result.explanation == (
        "6 weken na 21-03-2025: 02-05 is Brugdag, 03-05 een zaterdag, 04-05 een zondag, "
        "05-05 Bevrijdingsdag; laatste dag dinsdag 06-05-2025"
    )
    # the shipped calendar is unaffected
    assert legal_deadline(D(2025, 3, 21)).last_day == D(2025, 5, 2)


def test_empty_file_means_no_decree_days(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text("# nog geen besluit\n", encoding="utf-8")
    assert load_decree_days(path) == {}
    # a file that does not say how far it is complete covers no year: always a warning
    cal = HolidayCalendar.from_file(path)
    assert cal.complete_through is None and not cal.covers(2025)
    assert "Staatscourant" in explain("bezwaartermijn", D(2025, 3, 3), cal)[-1]


def test_complete_through_is_read_and_bounds_the_days(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text('complete_through = 2025\n[[day]]\ndate = 2025-05-02\nname = "Brugdag"\n',
                    encoding="utf-8")
    cal = HolidayCalendar.from_file(path)
    assert cal.covers(2024) and cal.covers(2025) and not cal.covers(2026)
    path.write_text('complete_through = 2024\n[[day]]\ndate = 2025-05-02\nname = "x"\n',
                    encoding="utf-8")
    with pytest.raises(HolidayFileError, match="ligt na complete_through = 2024"):
        load_decree_days(path)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param("[[day]\ndate = 2025-05-30\n", "geen geldig TOML", id="bad-toml"),
        pytest.param(
            '[[day]]\ndate = "2025-05-30"\nname = "x"\n', "'date' moet een datum", id="quoted"
        ),
        pytest.param(
            '[[day]]\ndate = 2025-05-30T00:00:00\nname = "x"\n',
            "'date' moet een datum",
            id="datetime",
        ),
        pytest.param("[[day]]\ndate = 2025-05-30\n", "'name'", id="no-name"),
        pytest.param('[[day]]\ndate = 2025-05-30\nname = "  "\n', "'name'", id="blank-name"),
        pytest.param(
            '[[day]]\ndatum = 2025-05-30\nname = "x"\n', "onbekende sleutel", id="typo-key"
        ),
        pytest.param('[[dag]]\ndate = 2025-05-30\nname = "x"\n', "onbekende sleutel", id="top"),
        pytest.param('day = "2025-05-30"\n', "lijst", id="day-not-a-list"),
        pytest.param('complete_through = "2028"\n', "jaartal", id="year-quoted"),
        pytest.param("complete_through = true\n", "jaartal", id="year-bool"),
        pytest.param('day = ["2025-05-30"]\n', "geen [[day]]-blok", id="entry-not-a-table"),
        pytest.param(
            '[[day]]\ndate = 2025-05-30\nname = "a"\n[[day]]\ndate = 2025-05-30\nname = "b"\n',
            "meer dan eens",
            id="duplicate",
        ),
    ],
)
def test_malformed_file(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(HolidayFileError, match=re.escape(fragment)) as info:
        load_decree_days(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(HolidayFileError, match="niet gevonden"):
        load_decree_days(tmp_path / "bestaat-niet.toml")


# --- compute_due_on, explain, pauses ------------------------------------------------


def test_compute_due_on() -> None:
    assert STATUTORY_WEEKS == {"bezwaartermijn": 6, "beroepstermijn": 6}
    assert compute_due_on("bezwaartermijn", D(2025, 3, 22)) == D(2025, 5, 6)
    assert compute_due_on("beroepstermijn", D(2025, 3, 22)) == D(2025, 5, 6)
    for kind in ("beslistermijn", "betalingstermijn", "overig"):
        assert compute_due_on(kind, D(2025, 3, 22)) is None


def test_compute_due_on_uses_the_given_calendar() -> None:
    assert compute_due_on("bezwaartermijn", D(2025, 4, 18)) == D(2025, 6, 2)
    no_decree = HolidayCalendar({})
    assert compute_due_on("bezwaartermijn", D(2025, 4, 18), no_decree) == D(2025, 5, 30)


def test_explain() -> None:
    lines = explain("bezwaartermijn", D(2025, 3, 22))
    assert lines == [legal_deadline(D(2025, 3, 22)).explanation, POSTING_NOTE]
    assert explain("beroepstermijn", D(2025, 3, 3))[0] == (
        "6 weken na 03-03-2025: laatste dag maandag 14-04-2025"
    )
    assert explain("beslistermijn", D(2025, 3, 22)) == []
    assert "6:9" in POSTING_NOTE
    assert "ter post" in POSTING_NOTE


def test_falls_in_pause() -> None:
    assert PAUSE_WARNING == "de pauzeknop schort de wettelijke termijn niet op"
    pauses = [(D(2025, 4, 1), D(2025, 5, 1))]
    assert falls_in_pause(D(2025, 4, 1), pauses)
    assert falls_in_pause(D(2025, 4, 30), pauses)
    assert not falls_in_pause(D(2025, 5, 1), pauses)  # resumed that day: end is exclusive
    assert not falls_in_pause(D(2025, 3, 31), pauses)
    running = [*pauses, (D(2025, 6, 1), None)]
    assert falls_in_pause(D(2030, 1, 1), running)
    assert not falls_in_pause(D(2025, 5, 15), running)
    assert not falls_in_pause(D(2025, 5, 15), [])


# --- property -----------------------------------------------------------------------

_DEFAULT = HolidayCalendar.default()


@given(
    start=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    weeks=st.integers(min_value=1, max_value=52),
)
def test_last_day_is_the_first_working_day_from_the_nominal_day(start: date, weeks: int) -> None:
    result = legal_deadline(start, weeks, _DEFAULT)
    assert result.nominal == start + timedelta(weeks=weeks)
    assert result.last_day >= result.nominal
    assert not _DEFAULT.is_non_working(result.last_day)
    d = result.nominal
    between = []
    while d < result.last_day:
        assert _DEFAULT.is_non_working(d)
        between.append(d)
        d += timedelta(days=1)
    assert [day for day, _ in result.skipped] == between
    assert result.explanation.endswith(result.last_day.strftime("%d-%m-%Y"))
