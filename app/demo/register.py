"""``synthetic_register``: the whole demo register, cases, signals and their links.

The cases and signals themselves are simulated by ``generator.Generator``; this
module decides how many, when they come in, which cases a signal is linked to, and
adds the corrections and retractions a real year holds.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from app.demo import draws, phrases
from app.demo.draws import Pick
from app.demo.eventlists import copy_payload, insert_after, insert_sorted, resolve
from app.demo.generator import Generator
from app.demo.people import add_personal
from app.demo.phrases import SignalTemplate
from app.demo.showcase import SHOWCASE_SPAN, showcase_cases
from app.demo.timeline import Event, back, fwd
from app.model.codelists import Codelists, default_codelists

__all__ = ["synthetic_register"]


def _working_days(start: int, end: int) -> list[int]:
    return [o for o in range(start, end + 1) if (o - 1) % 7 < 5]


def _intake_dates(rng: random.Random, n: int, start: int, end: int) -> list[int]:
    """Received dates: busier months, a run-in while partners get to know the office,
    and some growth per year when the range spans several years."""
    days = _working_days(start, end) or [start]
    cum: list[float] = []
    total = 0.0
    for o in days:
        d = date.fromordinal(o)
        age = o - start
        w = draws.MONTH_WEIGHT[d.month - 1] * min(1.0, 0.35 + age / 90) * (1.0 + 0.12 * age / 365)
        total += w
        cum.append(total)
    return sorted(rng.choices(days, cum_weights=cum, k=n))


def synthetic_register(
    *,
    cases: int = 150,
    signals: int = 12,
    seed: int = 2025,
    start: date = date(2025, 1, 6),
    end: date = date(2025, 12, 19),
    with_personal: bool = True,
    showcase: bool = False,
) -> dict[str, Any]:
    """A synthetic register in interchange form (docs/INTERCHANGE.md).

    The defaults are the office's first year, about the size partners expect. A large
    register keeps the same mix without the caller working it out: ``signals`` is a
    minimum, raised to one signal per twelve cases (0 means none at all). The same
    arguments always give the same dict; ``with_personal`` only adds or leaves out the
    ``personal`` members. ``showcase`` adds the cases a trainee needs to see on the
    day ``end`` (see ``showcase``); the simulated cases stay exactly as without it.
    """
    if cases < 0 or signals < 0:
        raise ValueError("cases en signals mogen niet negatief zijn")
    if end < start:
        raise ValueError("end ligt voor start")
    rng = random.Random(seed)
    cl = default_codelists()
    s, e = start.toordinal(), end.toordinal()
    gen = Generator(rng, cl, s, e)

    width = max(4, len(str(cases)))
    received = _intake_dates(rng, cases, s, e)
    out_cases: list[dict[str, Any]] = []
    needs_resolve: set[int] = set()
    for i, rec in enumerate(received):
        case = gen.case(f"D-{i + 1:0{width}d}", rec)
        if any(ev["kind"] == "deadline_met" for ev in case["events"]):
            needs_resolve.add(i)
        out_cases.append(case)

    # --- signals, linked to cases received before them -----------------------------
    n_signals = 0 if signals == 0 else max(signals, cases // 12)
    out_signals: list[dict[str, Any]] = []
    if n_signals and cases:
        # Signals follow the cases that reveal a pattern, and need time to be answered:
        # none in the first three weeks, few in the last month.
        first = min(e, s + 21)
        signal_days = _working_days(first, max(first, e - 30)) or [first]
        created_days = sorted(rng.choice(signal_days) for _ in range(n_signals))
        templates = [(theme, t) for theme, ts in phrases.SIGNAL_TEMPLATES.items() for t in ts]
        order: list[tuple[str, SignalTemplate]] = []
        by_service: dict[str, list[int]] = {draws.BD: [], draws.DT: []}
        for i, case in enumerate(out_cases):
            for svc in case["events"][0]["services"]:
                by_service.setdefault(svc, []).append(i)
        link_sizes = Pick([(1, 15.0), (2, 25.0), (3, 25.0), (4, 15.0), (5, 12.0), (6, 8.0)])
        swidth = max(2, len(str(n_signals)))
        for j, created in enumerate(created_days):
            if not order:
                order = templates[:]
                rng.shuffle(order)
            theme, template = order.pop()
            pool = by_service.get(template[4][rng.randrange(len(template[4]))], []) or list(
                range(cases)
            )
            k = _count_before(pool, received, created)
            want = link_sizes(rng)
            chosen: list[int] = []
            if k:
                window = min(k, 150)
                for _ in range(want * 3):
                    idx = pool[k - 1 - int(window * rng.random() ** 1.5)]
                    if idx not in chosen:
                        chosen.append(idx)
                    if len(chosen) == want:
                        break
            else:
                chosen = pool[: min(want, len(pool))]
            refs = [out_cases[i]["ref"] for i in sorted(chosen)]
            out_signals.append(gen.signal(f"S-{j + 1:0{swidth}d}", created, template, theme, refs))

        # A few links made from the case itself, and one of them undone later.
        n_links = max(2, cases // 60)
        linked_from_signal = {(sig["ref"], c) for sig in out_signals for c in sig["cases"]}
        unlinked = 0
        for _ in range(n_links * 4):
            if n_links <= 0:
                break
            sig = rng.choice(out_signals)
            sig_day = date.fromisoformat(sig["events"][0]["created_on"]).toordinal()
            ci = rng.randrange(cases)
            case = out_cases[ci]
            if (sig["ref"], case["ref"]) in linked_from_signal:
                continue
            day = fwd(max(sig_day, received[ci]) + rng.randint(0, 20))
            if day > e:
                continue
            linked_from_signal.add((sig["ref"], case["ref"]))
            insert_sorted(
                case["events"], {"kind": "signal_linked", "on": gen.iso[day], "signal": sig["ref"]}
            )
            n_links -= 1
            off = min(fwd(day + rng.randint(3, 40)), back(e))
            if off > day and (unlinked == 0 or rng.random() < 0.3):
                insert_sorted(
                    case["events"],
                    {"kind": "signal_unlinked", "on": gen.iso[off], "signal": sig["ref"]},
                )
                unlinked += 1

        # One signal whose title was sharpened afterwards.
        sig = rng.choice(out_signals)
        created_ev = sig["events"][0]
        new = copy_payload(created_ev)
        new["title"] = str(new["title"]) + " (aangescherpt)"
        insert_after(
            sig["events"],
            created_ev,
            {
                "kind": "corrected",
                "target": created_ev,
                "payload": new,
                "reason": "Titel aangescherpt na overleg met de ontvanger.",
            },
        )
        resolve(sig["events"])

    # --- corrections and retractions -----------------------------------------------
    if cases:
        n_corr = max(3, round(cases * 0.03))
        n_super = max(1, cases // 300)
        n_retract = max(2, round(cases * 0.012))
        corrected_targets: set[int] = set()
        for ci in rng.sample(range(cases), min(cases, n_corr)):
            events = out_cases[ci]["events"]
            cands = [ev for ev in events if ev["kind"] in phrases.CORRECTION_REASON]
            if not cands:
                continue
            target = rng.choice(cands)
            corr = _correct(rng, target, cl)
            if corr is None:
                continue
            insert_after(events, target, corr)
            corrected_targets.add(id(target))
            needs_resolve.add(ci)
            if n_super > 0:
                # The second correction starts from the first one's payload.
                second = _correct(rng, {"kind": target["kind"], **corr["payload"]}, cl)
                if second is not None:
                    second["target"] = target
                    second["supersedes"] = corr
                    second["reason"] = "Eerdere correctie was onvolledig."
                    insert_after(events, target, second)
                    n_super -= 1
        for ci in rng.sample(range(cases), cases):
            if n_retract <= 0:
                break
            events = out_cases[ci]["events"]
            cands = [
                ev
                for ev in events
                if ev["kind"] in phrases.RETRACT_REASON
                and id(ev) not in corrected_targets
                and not any(x["kind"] == "retracted" and x["target"] is ev for x in events)
            ]
            if not cands:
                continue
            target = rng.choice(cands)
            reason = rng.choice(phrases.RETRACT_REASON[target["kind"]])
            insert_after(events, target, {"kind": "retracted", "target": target, "reason": reason})
            needs_resolve.add(ci)
            n_retract -= 1

    for ci in needs_resolve:
        resolve(out_cases[ci]["events"])

    if showcase and e - s >= SHOWCASE_SPAN:
        out_cases += showcase_cases(gen, random.Random(f"{seed}-showcase"), e)

    if with_personal:
        add_personal(out_cases, seed)
    result: dict[str, Any] = {"format": "casusregister/interchange", "version": 1}
    if with_personal:
        result["with_personal"] = True
    result["cases"] = out_cases
    result["signals"] = out_signals
    return result



def _correct(rng: random.Random, target: Event, cl: Codelists) -> Event | None:
    """A realistic correction of ``target`` that keeps its business date and every rule."""
    kind = target["kind"]
    payload = copy_payload(target)
    if kind == "registered":
        if rng.random() < 0.5:
            payload["summary"] = str(payload["summary"]) + " " + rng.choice(phrases.COMPLICATION)
        else:
            bands = [b for b in cl.keys("claim_band") if b != payload.get("claim_band")]
            payload["claim_band"] = rng.choice(bands)
    elif kind == "triaged":
        code = payload["reason_code"]
        if payload["decision"] == "in_behandeling":
            new = (
                "spoed_ingrijpende_gevolgen" if code == "vastgelopen_casus" else "vastgelopen_casus"
            )
        else:
            referred = payload["decision"] == "doorverwezen"
            pool = (draws.REASON_REFERRED if referred else draws.REASON_REFUSED).values
            new = rng.choice([c for c in pool if c != code])
        payload["reason_code"] = new
        payload["reason"] = rng.choice(phrases.TRIAGE_REASON[new])
    elif kind == "note":
        payload["text"] = rng.choice([t for t in phrases.NOTE if t != payload["text"]])
    elif kind == "closing_interview":
        score = target.get("citizen_score")
        payload["citizen_score"] = (
            8 if not isinstance(score, int) else max(1, min(10, score + rng.choice((-1, 1))))
        )
    elif kind == "closed":
        payload["powers_note"] = rng.choice(
            [n for n in phrases.POWERS_NOTE if n != payload.get("powers_note")]
        )
    elif kind == "partner_informed":
        payload["how"] = rng.choice([h for h in draws.HOW.values if h != payload.get("how")])
    elif kind == "consulted":
        payload["summary"] = rng.choice(phrases.CONSULT_SUMMARY)
    else:
        return None
    return {
        "kind": "corrected",
        "target": target,
        "payload": payload,
        "reason": rng.choice(phrases.CORRECTION_REASON[kind]),
    }


def _count_before(pool: list[int], received: list[int], created: int) -> int:
    """How many cases of ``pool`` (sorted by received date) came in on or before ``created``."""
    lo, hi = 0, len(pool)
    while lo < hi:
        mid = (lo + hi) // 2
        if received[pool[mid]] <= created:
            lo = mid + 1
        else:
            hi = mid
    return lo

