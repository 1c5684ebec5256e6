"""Cases and steps in words: the Dutch timeline lines and the JSON of ``show``.

The GUI's Tijdlijn, ``casusregister show`` and the printable case overview all say
the same thing about a step, so the wording lives once, here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from app.model.codelists import Codelists, default_codelists
from app.model.dates import nl_date
from app.model.eventlog import Event
from app.model.events import DATE_FIELD, FIELD_LABELS, MODELS, kind_label
from app.model.fold import CaseState
from app.model.kinds import META_KINDS, Kind

#: payload field -> codelist used to show its value.
FIELD_CODELIST: dict[str, str] = {
    "route": "route", "partner_type": "partner_type", "services": "service",
    "service": "service", "topics": "topic", "target_group": "target_group",
    "running_procedures": "running_procedure", "routes_tried": "route_tried",
    "claim_band": "claim_band", "other_bodies": "other_body", "consent": "consent",
    "known_to_service": "known_to_service", "decision": "triage_decision",
    "reason_code": "triage_reason", "referred_to": "referred_to", "about": "informed_about",
    "response": "service_response", "level": "escalation_level",
    "deadline_kind": "deadline_kind", "result": "deadline_result", "outcome": "outcome",
    "grounds": "ground", "powers_used": "power", "powers_sufficient": "powers_sufficient",
    "theme": "signal_theme", "recipient": "signal_recipient",
    "status": "signal_response_status",
}

HIDDEN = {"ref", "helper_contact"}


def value_text(name: str, value: Any, codelists: Codelists) -> str:
    if name == "fields" and isinstance(value, list):  # the fields a text_erased erased
        return ", ".join(FIELD_LABELS.get(str(v).removeprefix("payload."), str(v)).lower()
                         for v in value)
    cl = FIELD_CODELIST.get(name)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(value_text(name, v, codelists) for v in value)
    if isinstance(value, str) and cl:
        return codelists.label(cl, value)
    if isinstance(value, str) and (name.endswith("_on") or name == "on") and len(value) == 10:
        try:
            return nl_date(date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)


def details(kind: str, payload: Mapping[str, Any], codelists: Codelists | None = None,
            names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs of a payload, in the order of the form, without the date."""
    cl = codelists or default_codelists()
    out: list[tuple[str, str]] = []
    model = MODELS.get(kind)
    order = [("with" if n == "with_" else n) for n in model.model_fields] if model else []
    ordered = [n for n in order if n in payload] + [n for n in payload if n not in order]
    for name in ordered:
        value = payload[name]
        if name in HIDDEN or name == DATE_FIELD.get(kind) or value in (None, [], ""):
            continue
        if names and name in ("deadline", "target", "supersedes"):
            value = names.get(str(value), value)
        out.append((FIELD_LABELS.get(name, name), value_text(name, value, cl)))
    return out


def case_json(state: CaseState, events: Sequence[Event]) -> dict[str, Any]:
    reg = state.registration
    nd = state.next_deadline()
    case = {
        "number": state.number,
        "ref": state.ref or state.number,
        "status": state.status,
        "phase": state.phase,
        "received_on": state.received_on.isoformat(),
        "route": reg.get("route"),
        "partner_type": reg.get("partner_type"),
        "partner_org": reg.get("partner_org"),
        "services": reg.get("services", []),
        "topics": reg.get("topics", []),
        "target_group": reg.get("target_group"),
        "summary": reg.get("summary"),
        "handler": state.handler or state.registered_by,
        "triaged_on": state.triaged_on.isoformat() if state.triaged_on else None,
        "decision": (state.triage or {}).get("decision"),
        "closed_on": state.closed_on.isoformat() if state.closed_on else None,
        "outcome": (state.closing or {}).get("outcome"),
        "path": state.path,
        "paused_days": state.paused_days(),
        "pause_running": state.pause_running,
        "next_deadline": nd.due_on.isoformat() if nd and nd.due_on else None,
        "deadlines": [
            {"kind": d.kind, "start_on": d.start_on.isoformat() if d.start_on else None,
             "due_on": d.due_on.isoformat() if d.due_on else None,
             "met_on": d.met_on.isoformat() if d.met_on else None, "result": d.result}
            for d in state.deadlines
        ],
        "signals": list(state.signals),
        "next_steps": list(state.next_steps),
        "violations": [{"event": e, "reason": r} for e, r in state.violations],
        "conflicts": [{"target": c.target, "winner": c.winner, "loser": c.loser}
                      for c in state.log.conflicts],
    }
    out_events = []
    for ev in sorted(events, key=lambda e: (e.occurred_on, e.hlc)):
        payload = {k: v for k, v in ev.payload.items() if k != "ref"}
        out_events.append({"kind": ev.kind, **payload, "id": ev.id,
                           "occurred_on": ev.occurred_on.isoformat(), "hlc": ev.hlc,
                           "flag": ev.flag})
    return {"case": case, "events": out_events}


def case_text(state: CaseState, events: Sequence[Event], codelists: Codelists | None = None
              ) -> str:
    cl = codelists or default_codelists()
    if state.destroyed:  # a tombstone: number, year and reason are all that is left
        return "\n".join([
            f"Casus {state.number}",
            "Status:      Vernietigd (Archiefwet)",
            f"Jaar:        {state.received_on.year}",
            f"Vernietigd:  {nl_date(state.destroyed_on)}",
            f"Reden:       {state.destroyed_reason or ''}",
            "",
            "Alle stappen en persoonsgegevens van deze casus zijn gewist."])
    reg = state.registration
    status = cl.label("status", state.status)
    if state.phase:
        status += f" – {cl.label('phase', state.phase)}"
    lines = [
        f"Casus {state.number}" + (f" (herkomstnummer {state.ref})" if state.ref else ""),
        f"Status:      {status}",
        f"Ontvangen:   {nl_date(state.received_on)} via "
        f"{cl.label('partner_type', str(reg.get('partner_type', '')))}"
        + (f" ({reg['partner_org']})" if reg.get("partner_org") else ""),
        f"Diensten:    {value_text('services', reg.get('services', []), cl)}",
        f"Onderwerpen: {value_text('topics', reg.get('topics', []), cl)}",
        f"Behandelaar: {state.handler or state.registered_by}",
        f"Samenvatting: {reg.get('summary', '')}",
    ]
    nd = state.next_deadline()
    if nd and nd.due_on:
        lines.append(f"Volgende termijn: {cl.label('deadline_kind', nd.kind)} tot en met "
                     f"{nl_date(nd.due_on)}")
    lines.append("")
    lines.append("Tijdlijn:")
    effective = {e.id: e for e in state.effective}
    voided = {e.id for e in state.log.voided}
    names = {e.id: f"{kind_label(e.kind)} van {nl_date(e.on)}" for e in state.effective}
    for ev in sorted(events, key=lambda e: (e.occurred_on, e.hlc)):
        if ev.kind in META_KINDS:
            target = names.get(str(ev.payload.get("target")), "een stap")
            verb = "Correctie van" if ev.kind == Kind.CORRECTED else "Vervallen:"
            lines.append(f"  {nl_date(ev.occurred_on)}  {verb} {target} – reden: "
                         f"{ev.payload.get('reason', '')}")
            continue
        eff = effective.get(ev.id)
        payload = eff.payload if eff else ev.payload
        mark = " [vervallen]" if ev.id in voided else (
            " [gecorrigeerd]" if eff and eff.corrections else "")
        when = eff.on if eff else ev.occurred_on
        text = "; ".join(f"{k}: {v}" for k, v in details(ev.kind, payload, cl, names))
        lines.append(f"  {nl_date(when)}  {kind_label(ev.kind)}{mark}" +
                     (f" – {text}" if text else ""))
    if state.violations:
        lines.append("")
        lines.append("Ter beoordeling (regels geschonden na samenvoegen):")
        lines += [f"  - {reason}" for _, reason in state.violations]
    return "\n".join(lines)
