"""The demo's words, read once from ``phrases.toml`` beside this module.

The phrases are data, not code: a writer can add a sentence without reading the
simulation, and the generator reads the lists by position, so their order in the file
is part of what a seed means. The file ships inside the package (pyproject.toml's
package data, the PyInstaller spec's datas), next to this module in every install.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from app.model.resources import ResourceMissing, read_toml

PHRASES_FILE = Path(__file__).with_name("phrases.toml")


class SignalTemplate(NamedTuple):
    """A signal the demo can raise: its texts and the services it concerns."""

    title: str
    problem: str
    solution: str
    regulation: str  # empty: no regulation named
    services: tuple[str, ...]


def _load() -> dict[str, Any]:
    return read_toml(PHRASES_FILE, "de zinnen van het demoregister", "zinnenbestand",
                     ResourceMissing, shipped=True)


_DATA = _load()


def _list(name: str) -> tuple[str, ...]:
    return tuple(str(s) for s in _DATA[name])


def _table(name: str) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(s) for s in v) for k, v in _DATA[name].items()}


CITIES = _list("cities")
REGIONS = _list("regions")
FIRMS = _list("firms")
HANDLERS = _list("handlers")
REVIEWERS = _list("reviewers")
FIRST_NAMES = _list("first_names")
FICTIONAL_SURNAMES = _list("fictional_surnames")
FICTIONAL_STREETS = _list("fictional_streets")
FICTIONAL_PLACES = _list("fictional_places")
COMPLICATION = _list("complication")
URGENCY_REASON = _list("urgency_reason")
NOTE = _list("note")
INTAKE_NOTE = _list("intake_note")
DATA_RECEIVED = _list("data_received")
CONSULT_SUMMARY = _list("consult_summary")
NOT_SOLVED = _list("not_solved")
WITHDRAWN = _list("withdrawn")
REGIE_SOLVED = _list("regie_solved")
RESPONSE_REJECTED = _list("response_rejected")
RESPONSE_ADOPTED = _list("response_adopted")
ESCALATION_REASON = _list("escalation_reason")
REOPEN_REASON = _list("reopen_reason")
INTERVIEW_REMARK = _list("interview_remark")
POWERS_NOTE = _list("powers_note")
STORY_OPENER = _list("story_opener")
STORY_ACTION = _list("story_action")
STORY_ACTION_ESCALATED = _list("story_action_escalated")
APPROVAL_NOTE = _list("approval_note")
SIGNAL_SCOPE = _list("signal_scope")
SIGNAL_FEEDBACK_TO = _list("signal_feedback_to")

#: partner type -> (how many organisations of that type bring cases, name patterns)
ORGS: dict[str, tuple[int, tuple[str, ...]]] = {
    str(k): (int(v["count"]), tuple(str(p) for p in v["patterns"]))
    for k, v in _DATA["organisations"].items()
}
SITUATION = _table("situation")
HELP_REQUEST = _table("help_request")
PROPOSAL = _table("proposal")
SOLVED = _table("solved")
PARTLY = _table("partly")
RESPONSE_PARTLY = _table("response_partly")
REJECTED_FOR = _table("rejected_for")
STORY_PROBLEM = _table("story_problem")
ESCALATION_ANSWER = _table("escalation_answer")
SIGNAL_RESPONSE = _table("signal_response")
SIGNAL_CLOSE_REASON = _table("signal_close_reason")
TRIAGE_REASON = _table("triage_reason")
#: per service, and under ``ANY_SERVICE`` people of any service
CONSULTED_WITH = _table("consulted_with")
ANY_SERVICE = "algemeen"
DATA_WHAT = _table("data_what")
PAUSE_PROCEDURE = _table("pause_procedure")
PAUSE_AGREED = _table("pause_agreed")
STORY_RESULT = _table("story_result")
DEADLINE_MET_HOW = _table("deadline_met_how")
DEADLINE_MISSED_HOW = _table("deadline_missed_how")
CORRECTION_REASON = _table("correction_reason")
RETRACT_REASON = _table("retract_reason")
SIGNAL_TEMPLATES: dict[str, tuple[SignalTemplate, ...]] = {
    str(theme): tuple(
        SignalTemplate(str(t["title"]), str(t["problem"]), str(t["solution"]),
                       str(t["regulation"]), tuple(str(s) for s in t["services"]))
        for t in templates)
    for theme, templates in _DATA["signal_templates"].items()
}
