"""The casusoverzicht: one case on paper for the casusoverleg (docs/ARCHITECTURE.md).

A case meeting works from paper: the handler brings the case, colleagues read along
and scribble. So the overview is a printable page with the header (where the case
stands), the intake, the timeline, the deadlines and the linked signals.

- The timeline shows every step as it counts now **and** what was corrected or
  retracted, marked as such with the reason: a meeting that sees only the corrected
  history cannot ask why a triage decision changed.
- Citizen personal data (P2) is printed only when the handler asks for it, read
  through ``Register.personal(..., purpose="print_personal")`` so the read itself is
  audited; the page then says on top that it holds personal data. The helper's
  professional contact (P1) is internal and printed as part of the intake, because
  the meeting often decides to call the helper; the footer then says that the page
  holds it, rather than calling everything on it pseudonymised.
- Every overview written is audited with the case, the file and whether it holds
  personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.export.templating import (
    make_environment,
    now_local,
    render,
    short_date,
    write_text_atomic,
)
from app.model.codelists import Codelists
from app.model.deadlines import PAUSE_WARNING, falls_in_pause
from app.model.describe import details
from app.model.errors import UserError
from app.model.events import kind_label
from app.model.fold import CaseState, Deadline, Effective
from app.model.interchange import PERSONAL_KEYS
from app.model.kinds import META_KINDS, OPEN_STATUSES, Kind
from app.model.metrics import RESOLVED
from app.model.nlformat import date_time
from app.storage.repository import CaseView, Register

__all__ = ["write_case_overview"]

#: What the timeline repeats of the intake (the intake section shows all of it).
_TIMELINE_INTAKE = ("partner_type", "partner_org")


def _pairs(kind: str, payload: Mapping[str, Any], cl: Codelists,
           names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"label": label, "tekst": text} for label, text in details(kind, payload, cl, names)]


def _changes(kind: str, before: Mapping[str, Any], after: Mapping[str, Any], cl: Codelists,
             names: Mapping[str, str]) -> list[str]:
    """'Label: old' for each field a correction changed, so the meeting sees what was."""
    old = dict(details(kind, before, cl, names))
    new = dict(details(kind, after, cl, names))
    out = []
    for label in dict.fromkeys([*old, *new]):
        if old.get(label) != new.get(label):
            out.append(f"{label}: {old.get(label) or '(leeg)'}")
    return out


def _timeline(state: CaseState, view: CaseView, cl: Codelists) -> list[dict[str, Any]]:
    effective: dict[str, Effective] = {e.id: e for e in state.effective}
    voided = {e.id for e in state.log.voided}
    names = {e.id: f"{kind_label(e.kind, cl)} van {short_date(e.on)}" for e in state.effective}
    reasons: dict[str, list[str]] = {}
    for ev in view.events:
        if ev.kind in META_KINDS:
            target = str(ev.payload.get("target", ""))
            reasons.setdefault(target, []).append(str(ev.payload.get("reason", "")).strip())
    rows: list[tuple[Any, str, dict[str, Any]]] = []
    for ev in view.events:
        if ev.kind in META_KINDS:
            continue
        eff = effective.get(ev.id)
        if eff is None and ev.id not in voided:
            continue  # dated after the fold: not part of this overview
        payload = eff.payload if eff else ev.payload
        shown = ({k: v for k, v in payload.items() if k in _TIMELINE_INTAKE}
                 if ev.kind == Kind.REGISTERED else payload)
        row: dict[str, Any] = {
            "datum": short_date(eff.on if eff else ev.occurred_on),
            "soort": kind_label(ev.kind, cl),
            "details": _pairs(ev.kind, shown, cl, names),
            "status": "",
            "toelichting": "",
            "was": [],
            "door": ev.actor,
        }
        why = "; ".join(r for r in reasons.get(ev.id, []) if r)
        if ev.id in voided:
            row["status"] = "vervallen"
            row["toelichting"] = f"Vervallen (registratiefout): {why}" if why else "Vervallen"
        elif eff is not None and eff.corrections:
            row["status"] = "gecorrigeerd"
            row["toelichting"] = f"Gecorrigeerd: {why}" if why else "Gecorrigeerd"
            row["was"] = _changes(ev.kind, ev.payload, eff.payload, cl, names)
            if ev.occurred_on != eff.on:
                row["was"].insert(0, f"datum {short_date(ev.occurred_on)}")
        rows.append((eff.on if eff else ev.occurred_on, ev.hlc, row))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r for _, _, r in rows]


def _deadline_row(d: Deadline, state: CaseState, cl: Codelists, today: Any
                  ) -> dict[str, Any]:
    if d.met_on is not None:
        stand = f"{cl.label('deadline_result', d.result or '')} op {short_date(d.met_on)}"
        urgent = False
    elif state.status not in OPEN_STATUSES:
        # Deadlines of a closed or referred case are no longer watched (docs/DOMAIN.md).
        stand = f"Openstaande termijn; casus {cl.label('status', state.status).lower()}"
        urgent = False
    elif d.due_on is None:
        stand, urgent = "Open, geen laatste dag bekend", False
    else:
        days = (d.due_on - today).days
        if days < 0:
            stand, urgent = f"Verlopen sinds {short_date(d.due_on)}, niet afgehandeld", True
        elif days == 0:
            stand, urgent = "Open, vandaag is de laatste dag", True
        else:
            stand, urgent = f"Open, nog {days} {'dag' if days == 1 else 'dagen'}", days <= 14
    pauses = [(p.start, p.end) for p in state.pauses]
    in_pause = d.met_on is None and d.due_on is not None and falls_in_pause(d.due_on, pauses)
    return {
        "soort": cl.label("deadline_kind", d.kind),
        "begindatum": short_date(d.start_on),
        "laatste_dag": short_date(d.due_on),
        "omschrijving": d.description or "",
        "stand": stand,
        "dringend": urgent,
        "in_pauze": in_pause,
    }


def _intake(registration: Mapping[str, Any], cl: Codelists) -> list[dict[str, Any]]:
    """Short coded fields first (printed two by two), long texts after (full width)."""
    pairs = _pairs(Kind.REGISTERED, {k: v for k, v in registration.items() if k != "summary"},
                   cl, {})
    for p in pairs:
        p["lang"] = len(p["tekst"]) > 45
    return [p for p in pairs if not p["lang"]] + [p for p in pairs if p["lang"]]


def _contact(registration: Mapping[str, Any]) -> list[dict[str, str]]:
    contact = registration.get("helper_contact") or {}
    if not isinstance(contact, Mapping):
        return []
    labels = (("name", "Naam"), ("email", "E-mail"), ("phone", "Telefoon"))
    return [{"label": label, "tekst": str(contact[key])} for key, label in labels
            if contact.get(key)]


def write_case_overview(reg: Register, view: CaseView, out: Path, *,
                        with_personal: bool = False, template_dir: Path | None = None
                        ) -> Path:
    """Write the printable overview of ``view`` to ``out`` and audit it; return ``out``.

    ``with_personal`` adds the citizen's personal data (read with an audited purpose
    of its own). ``template_dir`` replaces the user's override folder (tests).
    """
    state = view.state
    if state.destroyed:
        raise UserError(f"Casus {state.number} is vernietigd: er is niets meer om af te "
                        "drukken.")
    cl = reg.codelists
    number = state.number or ""
    today = reg.today()
    reg_payload = state.registration
    personal: list[dict[str, str]] = []
    if with_personal:
        data = reg.personal(number, purpose="print_personal")
        personal = [{"label": cl.label("personal_field", key), "tekst": data[key]}
                    for key in PERSONAL_KEYS if data.get(key)]
    status = cl.label("status", state.status)
    end = state.closed_on or today
    next_deadline = state.next_deadline()
    signals = []
    for sig_number in state.signals:
        try:
            sig, _events, _cases = reg.signal(sig_number)
        except Exception:  # a link to a signal this register does not hold (merge)
            signals.append({"nummer": sig_number, "titel": "(niet in dit register)",
                            "status": ""})
            continue
        signals.append({"nummer": sig_number, "titel": str(sig.creation.get("title", "")),
                        "status": cl.label("signal_status", sig.status)})
    story = None
    if state.stories:
        latest = state.stories[-1]
        approved = state.approved_story is not None and state.approved_story.id == latest.id
        approval = next((e for e in reversed(state.effective) if e.kind == Kind.STORY_APPROVED),
                        None)
        story = {
            "tekst": str(latest.payload.get("text", "")),
            "datum": short_date(latest.on),
            "goedgekeurd": approved,
            "goedgekeurd_door": str(approval.payload.get("by", "")) if approved and approval
            else "",
            "goedgekeurd_op": short_date(approval.on) if approved and approval else "",
        }
    outcome = str((state.closing or {}).get("outcome", ""))
    context: dict[str, Any] = {
        "organisatie": reg.settings.organisation,
        "gemaakt_op": date_time(now_local()),
        "met_persoonsgegevens": with_personal,
        "casus": {
            "nummer": number,
            "kenmerk": state.ref or "",
            "status": status,
            "fase": cl.label("phase", state.phase) if state.phase else "",
            "ontvangen": short_date(state.received_on),
            "dagen": (end - state.received_on).days,
            "behandelaar": state.handler or state.registered_by,
            "samenvatting": str(reg_payload.get("summary", "")),
            "volgende_termijn": (
                f"{cl.label('deadline_kind', next_deadline.kind)} tot en met "
                f"{short_date(next_deadline.due_on)}"
                if next_deadline and next_deadline.due_on else ""),
            "pauze": ("loopt sinds " + short_date(next(p.start for p in state.pauses
                                                         if p.end is None))
                      if state.pause_running else ""),
            "dagen_gepauzeerd": state.paused_days(today),
            "afgerond": short_date(state.closed_on),
            "uitkomst": cl.label("outcome", outcome) if state.closing else "",
            # Only a (partly) resolved case has a route to its solution, as in the
            # workbook's Casussen sheet.
            "oplosroute": cl.label("resolution_path", state.path)
            if state.path and outcome in RESOLVED else "",
        },
        "intake": _intake(reg_payload, cl),
        "contact": _contact(reg_payload),
        "persoonsgegevens": personal,
        "tijdlijn": _timeline(state, view, cl),
        "termijnen": [_deadline_row(d, state, cl, today) for d in sorted(
            state.deadlines, key=lambda d: (d.due_on is None, d.due_on or today, d.event_id))],
        "pauzewaarschuwing": PAUSE_WARNING,
        "signalen": signals,
        "verhaal": story,
        "ter_beoordeling": [reason for _, reason in state.violations],
    }
    env = make_environment(template_dir, codelists=cl)
    html = render(env, "case_overview.html.j2", context)
    write_text_atomic(out, html)
    reg.audit("export_case_overview", f"{number} naar {out}",
              "met persoonsgegevens" if with_personal else "zonder persoonsgegevens")
    return out
