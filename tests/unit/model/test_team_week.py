"""One line per device, as the team lead reads it on Monday (app/model/team_week.py)."""

from __future__ import annotations

from datetime import date

from app.model.team_week import device_line, week_round

DEVICE = "0f0e0d0c-0b0a-4908-8706-050403020100"
TODAY = date(2025, 3, 24)


def _line(code: str | None = "ZWL", *, at: str | None = "2025-03-12T10:00:00Z",
          events: int = 40, own: bool = False, handler: str | None = "Anna de Vries"):
    return device_line(device=DEVICE, code=code, handler=handler, events=events,
                       last_hlc=f"1741773600000.00000.{DEVICE}", last_recorded_at=at,
                       received_at="2025-03-24T07:55:00Z", received_from="zwl-12.bundel",
                       own=own, today=TODAY)


def test_the_line_names_code_handler_and_the_age_of_the_last_step():
    line = _line()
    assert line.text == "apparaat ZWL (Anna de Vries): laatste stap 12 dagen oud"
    assert line.stale and line.received_from == "zwl-12.bundel"
    assert line.received_at is not None and line.received_at.hour == 8  # Amsterdam, winter


def test_ages_in_words_and_the_week_boundary():
    assert _line(at="2025-03-24T06:00:00Z").age_text == "laatste stap van vandaag"
    assert _line(at="2025-03-23T06:00:00Z").age_text == "laatste stap 1 dag oud"
    assert not _line(at="2025-03-17T06:00:00Z").stale  # seven days: still this week
    assert _line(at="2025-03-16T06:00:00Z").stale


def test_a_late_evening_step_counts_on_the_amsterdam_date():
    # 23:30 UTC on 22 March is 00:30 on 23 March in Amsterdam: one day old, not two
    assert _line(at="2025-03-22T23:30:00Z").age_days == 1


def test_without_a_wall_clock_the_hybrid_clock_tells_the_day():
    assert _line(at=None).age_days == 12


def test_unknown_code_and_own_device():
    assert _line(code=None, handler=None).text.startswith("apparaat onbekend (0f0e0d0c): ")
    own = _line(own=True, at="2025-01-01T10:00:00Z")
    assert own.text.endswith(", dit register: laatste stap 82 dagen oud")
    assert not own.stale  # the team lead's own register is never "not in"


def test_the_round_names_who_sent_nothing_and_whose_week_is_old():
    fresh = device_line(device="a" * 8, code="AAA", handler="Anna", events=3,
                        last_hlc="1742800000000.00000.x", last_recorded_at="2025-03-21T09:00:00Z",
                        received_at=None, received_from=None, own=False, today=TODAY)
    old = device_line(device="b" * 8, code="BBB", handler="Bram", events=3,
                      last_hlc="1741000000000.00000.x", last_recorded_at="2025-03-01T09:00:00Z",
                      received_at=None, received_from=None, own=False, today=TODAY)
    own = device_line(device="c" * 8, code="TL", handler="Lead", events=1,
                      last_hlc="1741000000000.00000.x", last_recorded_at="2025-03-01T09:00:00Z",
                      received_at=None, received_from=None, own=True, today=TODAY)
    verdict = week_round([fresh, old, own], senders={"BBB"})
    assert [line.code for line in verdict.missing] == ["AAA"]
    assert [line.code for line in verdict.stale] == ["BBB"]
    assert not verdict.complete
    assert week_round([fresh], senders={"AAA"}).complete
