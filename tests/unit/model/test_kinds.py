"""Kinds, statuses and what each kind is (app/model/kinds.py).

A kind added without its payload model, its Dutch label or a sound row of its table
would be recorded but shown as a bare key, refused by the fold or left out of the
lint; these checks name what is missing.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.model.codelists import default_codelists
from app.model.events import FIELD_LABELS, MODELS
from app.model.kinds import (
    CASE_KINDS,
    KINDS,
    OPEN_STATUSES,
    SIGNAL_KINDS,
    Kind,
    Phase,
    Status,
)
from app.model.workflow import CaseMachine
from tests.helpers.model_builders import CASE_KINDS_DOMAIN, DATE_OF, SIGNAL_KINDS_DOMAIN


def test_every_kind_has_its_row_payload_model_and_dutch_label() -> None:
    cl = default_codelists()
    assert list(KINDS) == list(Kind)
    for kind in Kind:
        assert kind in MODELS, f"{kind}: no payload model in events.PAYLOAD_MODELS"
        label = cl.label("event_kind", kind)
        assert label and label != kind, f"{kind}: no label under [event_kind]"


def test_the_fields_a_row_names_are_fields_of_its_model() -> None:
    for kind, info in KINDS.items():
        fields = {f.alias or name for name, f in MODELS[kind].model_fields.items()}
        named = [info.date_field] if info.date_field else []
        for name in (*named, *info.free_text, *info.references):
            assert name in fields, f"{kind}: {name} is not a field of its payload"
        for name in info.free_text:
            assert name in FIELD_LABELS, f"{kind}: {name} has no Dutch field label"


def test_business_dates_and_entities_are_those_of_the_domain() -> None:
    # The test builders' table is written from docs/DOMAIN.md, not from the program.
    assert {k: i.date_field for k, i in KINDS.items() if i.date_field} == DATE_OF
    assert set(CASE_KINDS) == set(CASE_KINDS_DOMAIN)
    assert set(SIGNAL_KINDS) == set(SIGNAL_KINDS_DOMAIN)


def test_members_are_the_stored_strings() -> None:
    assert Kind("story_approved") is Kind.STORY_APPROVED
    assert json.dumps({"kind": Kind.STORY_APPROVED}) == '{"kind": "story_approved"}'
    assert f"{Status.IN_BEHANDELING}" == "in_behandeling"
    assert {"afgerond": 1}[Status.AFGEROND] == 1
    with pytest.raises(ValueError):
        Kind("stroy")


def test_open_statuses_are_the_cases_still_with_the_office() -> None:
    assert set(OPEN_STATUSES) == {"aangemeld", "in_behandeling"}


def test_every_status_and_phase_has_a_dutch_label() -> None:
    cl = default_codelists()
    for status in Status:
        assert cl.label("status", status) != status
    for phase in Phase:
        assert cl.label("phase", phase) != phase


def test_next_steps_come_in_the_order_the_case_tab_shows_them() -> None:
    machine = CaseMachine()
    machine.apply("e1", Kind.REGISTERED, date(2025, 3, 3), {})
    machine.apply("e2", Kind.TRIAGED, date(2025, 3, 4), {"decision": "in_behandeling"})
    assert machine.next_steps() == [
        "assigned", "note", "partner_informed", "consulted", "story", "signal_linked",
        "deadline_set", "data_requested", "opinion_sent", "reminder_sent",
        "service_response", "escalated", "escalation_response", "paused", "closed",
    ]
