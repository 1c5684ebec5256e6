"""The simulation of one case and one signal, step by step through time.

A case moves forward one step after the other, each on a working day after the last;
a step that would fall after ``end`` stops the case there (``PastEnd``), so late cases
are simply still running, as on any day in a real register. Every case follows the
workflow rules of docs/DOMAIN.md on its date-sorted steps.
"""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import date
from typing import Any

from app.demo import draws, phrases
from app.demo.draws import Pick
from app.demo.people import mail_domain, slug
from app.demo.phrases import SignalTemplate
from app.demo.timeline import Event, Iso, PastEnd, Timeline, back, fwd
from app.model.codelists import Codelists


class Generator:
    """Holds the draws that every case shares (partners, pools) and builds the cases."""

    def __init__(self, rng: random.Random, cl: Codelists, start: int, end: int) -> None:
        self.rng = rng
        self.cl = cl
        self.start = start
        self.end = end
        self.iso = Iso()
        self.partner_types: dict[str, Pick[str]] = {}
        for route in cl.keys("route", active_only=True):
            types = cl.partner_types_for_route(route)
            if types:
                self.partner_types[route] = Pick(
                    [(t, draws.PARTNER_TYPE_WEIGHT.get(t, 1.0)) for t in types]
                )
        self.orgs: dict[str, Pick[str]] = {}
        self.contacts: dict[str, list[dict[str, str]]] = {}
        self.valid_topics = set(cl.keys("topic"))

    # --- intake ---------------------------------------------------------------------

    def _org(self, partner_type: str) -> str:
        pick = self.orgs.get(partner_type)
        if pick is None:
            rng = self.rng
            size, patterns = phrases.ORGS.get(partner_type, (1, ("Overige aandrager",)))
            names: list[str] = []
            for _ in range(size * 4):
                name = rng.choice(patterns).format(
                    c=rng.choice(phrases.CITIES), r=rng.choice(phrases.REGIONS),
                    n=rng.choice(phrases.FIRMS),
                )
                if name not in names:
                    names.append(name)
                if len(names) == size:
                    break
            pick = Pick([(n, 1.0 / (i + 1) ** 0.8) for i, n in enumerate(names)])
            self.orgs[partner_type] = pick
        return pick(self.rng)

    def _contact(self, org: str) -> dict[str, str]:
        """A partner has a few contact persons who bring its cases (P1, fictional)."""
        rng = self.rng
        people = self.contacts.setdefault(org, [])
        if len(people) < 3 and (not people or rng.random() < 0.25):
            first = rng.choice(phrases.FIRST_NAMES)
            last = rng.choice(phrases.FICTIONAL_SURNAMES)
            people.append(
                {
                    "name": f"{first} {last}",
                    "email": f"{first[0].lower()}.{slug(last)}@{mail_domain(org)}.example",
                    "phone": f"085-00{rng.randint(10000, 99999)}",
                }
            )
        return dict(rng.choice(people))

    def _services_topics(self, route: str, group: str) -> tuple[list[str], list[str]]:
        rng = self.rng
        x = rng.random()
        if route == draws.BD:
            services = [draws.BD, draws.DT] if x < 0.08 else [draws.BD]
        elif route == draws.DT:
            services = [draws.DT, draws.BD] if x < 0.10 else [draws.DT]
        else:
            services = [draws.BD] if x < 0.48 else [draws.DT] if x < 0.85 else [draws.DT, draws.BD]
            if group in ("zzp", "mkb_ondernemer") and services == [draws.DT] and rng.random() < 0.6:
                services = [draws.BD]
        business = group in ("zzp", "mkb_ondernemer")
        first = (
            draws.DT_TOPICS(rng)
            if services[0] == draws.DT
            else (draws.BD_TOPICS_BUSINESS if business else draws.BD_TOPICS_PERSON)(rng)
        )
        if first == "vennootschapsbelasting" and group != "mkb_ondernemer":
            first = "omzetbelasting"
        topics = [first]
        y = rng.random()
        n = 1 if y < 0.45 else 2 if y < 0.85 else 3
        if len(services) == 2:
            other = (
                draws.DT_TOPICS(rng)
                if services[1] == draws.DT
                else (draws.BD_TOPICS_BUSINESS if business else draws.BD_TOPICS_PERSON)(rng)
            )
            if other not in topics and other != "vennootschapsbelasting":
                topics.append(other)
        while len(topics) < n:
            cand = rng.choice(draws.RELATED_TOPICS.get(topics[-1], ("overig",)))
            only = draws.TOPIC_SERVICE_ONLY.get(cand)
            if cand in topics or (only is not None and only not in services):
                break
            topics.append(cand)
        return services, [t for t in topics if t in self.valid_topics]

    def _registered(self, received: int) -> tuple[Event, dict[str, Any]]:
        """The intake row, plus what the rest of the simulation needs to know of it."""
        rng = self.rng
        r = rng.random
        route = draws.ROUTES(rng)
        if route not in self.partner_types:
            route = next(iter(self.partner_types))
        partner_type = self.partner_types[route](rng)
        group = draws.TARGET_GROUP(rng)
        services, topics = self._services_topics(route, group)
        social = route == "maatschappelijke_partner"

        # procedures follow the service of the first topic
        procs: list[str] = []
        k = r()
        nprocs = 0 if k < 0.25 else 1 if k < 0.70 else 2 if k < 0.95 else 3
        pool = draws.PROCEDURES_DT if services[0] == draws.DT else draws.PROCEDURES_BD
        for _ in range(nprocs):
            p = pool[min(int(rng.expovariate(0.45)), len(pool) - 1)]
            if p not in procs:
                procs.append(p)
        tried: list[str] = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3)) if social else rng.choice((0, 0, 1, 2))):
            t = rng.choice(draws.ROUTES_TRIED)
            if t not in tried:
                tried.append(t)
        multi = r() < (0.55 if social else 0.3)
        urgent = r() < (0.35 if ("beslag" in procs or "dwanginvordering" in procs) else 0.13)
        remedies = [m for t in topics
                    for m in draws.REMEDIES_FOR_TOPIC.get(t, ("dienstverlening",))]
        remedy = rng.choice(remedies) if remedies else "dienstverlening"

        summary = rng.choice(phrases.SITUATION.get(topics[0], phrases.SITUATION["overig"]))
        if r() < 0.8:
            summary += " " + rng.choice(phrases.COMPLICATION)
        if multi and r() < 0.4:
            summary += " Meervoudige problematiek."
        band_pick = rng.choice(draws.CLAIM_BANDS.get(group, draws.CLAIM_BANDS["burger"]))
        if social:
            known = rng.choice(("ja", "ja", "nee", "nee", "onbekend"))
            if partner_type in ("belastingadviseur", "rechtshulp"):
                consent = "machtiging" if r() < 0.7 else "toestemming"
            else:
                consent = rng.choice(
                    ("toestemming", "toestemming", "toestemming", "machtiging", "onbekend")
                )
        elif route in (draws.BD, draws.DT):
            known = "ja" if r() < 0.92 else "onbekend"
            consent = rng.choice(
                ("niet_nodig", "niet_nodig", "niet_nodig", "toestemming", "onbekend")
            )
        else:
            known = rng.choice(("ja", "ja", "nee", "onbekend"))
            consent = rng.choice(("toestemming", "machtiging", "onbekend"))

        ev: Event = {"kind": "registered", "received_on": self.iso[received], "route": route}
        ev["partner_type"] = partner_type
        org = self._org(partner_type)
        if r() < 0.97:
            ev["partner_org"] = org
        if r() < (0.45 if social else 0.25):
            ev["helper_contact"] = self._contact(org)
        ev["services"] = services
        ev["topics"] = topics
        ev["target_group"] = group
        ev["help_request"] = rng.choice(phrases.HELP_REQUEST[remedy])
        ev["running_procedures"] = procs
        ev["routes_tried"] = tried
        ev["claim_band"] = band_pick
        ev["multi_problem"] = multi
        if multi and r() < 0.6:
            bodies = rng.sample(draws.OTHER_BODIES, rng.choice((1, 1, 2)))
            ev["other_bodies"] = bodies
        ev["urgent"] = urgent
        if urgent:
            ev["urgency_reason"] = rng.choice(phrases.URGENCY_REASON)
        ev["known_to_service"] = known
        ev["consent"] = consent
        ev["summary"] = summary
        info = {"services": services, "remedy": remedy, "procs": procs, "urgent": urgent}
        return ev, info

    # --- one case -------------------------------------------------------------------

    def case(self, ref: str, received: int) -> dict[str, Any]:
        """One case, simulated until it is done or ``end`` is reached."""
        tl = Timeline(received, self.end, self.iso)
        reg, info = self._registered(received)
        tl.events.append(reg)
        with suppress(PastEnd):
            self._intake_and_beyond(tl, info)
        return {"ref": ref, "events": tl.finish()}

    def _step(self, tl: Timeline, lo: int, hi: int) -> int:
        return fwd(tl.t + self.rng.randint(lo, hi))

    def _deadline(
        self, tl: Timeline, kind: str, on: int, start_on: int, due: int | None, desc: str
    ) -> None:
        """Record a term and plan whether it is met; bezwaar and beroep get their last
        day computed by the importer, so ``due_on`` stays out of the file for them."""
        rng = self.rng
        payload: Event = {"deadline_kind": kind, "start_on": self.iso[start_on]}
        if kind in ("bezwaartermijn", "beroepstermijn"):
            last = start_on + 42
        else:
            assert due is not None
            payload["due_on"] = self.iso[due]
            last = due
        payload["description"] = desc
        ev = tl.add(on, "deadline_set", "on", payload)
        on = tl.t
        if rng.random() < 0.8:
            if rng.random() < 0.82 and last >= on:
                met = back(on + rng.randint(0, max(0, last - on)))
                met = max(met, on)
                result = "gehaald"
                how = rng.choice(phrases.DEADLINE_MET_HOW[kind])
            else:
                met = fwd(max(last, on) + rng.randint(3, 12))
                result = "verstreken"
                how = rng.choice(phrases.DEADLINE_MISSED_HOW[kind])
            tl.later(met, "deadline_met", "on", {"deadline": ev, "result": result, "how": how})

    def _intake_and_beyond(self, tl: Timeline, info: dict[str, Any]) -> None:
        rng = self.rng
        r = rng.random
        received = tl.t
        procs: list[str] = info["procs"]
        urgent: bool = info["urgent"]
        if r() < 0.8:
            tl.add(
                self._step(tl, 0, 2),
                "partner_informed",
                "on",
                {"about": "ontvangst", "how": draws.HOW(rng)},
            )
        if ("bezwaar" in procs and r() < 0.45) or r() < 0.04:
            start_on = received - rng.randint(2, 32)
            self._deadline(
                tl,
                "bezwaartermijn",
                self._step(tl, 0, 3),
                start_on,
                None,
                rng.choice(
                    (
                        "Bezwaartermijn tegen de aanslag.",
                        "Bezwaartermijn tegen de beschikking.",
                        "Bezwaartermijn tegen de terugvordering.",
                    )
                ),
            )
        if r() < 0.15:
            tl.add(self._step(tl, 0, 3), "note", "on", {"text": rng.choice(phrases.NOTE)})
        delay = rng.randint(0, 3) if urgent else min(int(rng.expovariate(1 / 6)) + 1, 35)
        decided = fwd(received + delay)
        decision = draws.DECISION(rng)
        services: list[str] = info["services"]
        if decision == "in_behandeling":
            code = "spoed_ingrijpende_gevolgen" if urgent and r() < 0.6 else "vastgelopen_casus"
        elif decision == "doorverwezen":
            code = draws.REASON_REFERRED(rng)
        else:
            code = draws.REASON_REFUSED(rng)
        tri: Event = {"decision": decision, "reason_code": code}
        if decision == "doorverwezen":
            refer = draws.REFER_DT if services[0] == draws.DT else draws.REFER_BD
            tri["referred_to"] = refer(rng)
        tri["reason"] = rng.choice(phrases.TRIAGE_REASON[code])
        tl.add(decided, "triaged", "decided_on", tri)
        if r() < 0.85:
            tl.add(
                self._step(tl, 0, 3),
                "partner_informed",
                "on",
                {"about": "triagebesluit", "how": draws.HOW(rng)},
            )
        if decision == "doorverwezen":
            if r() < 0.6:
                by = self.cl.label("referred_to", tri["referred_to"])
                tl.later(
                    self._step(tl, 1, 15),
                    "handover_confirmed",
                    "on",
                    {"by": f"Contactpersoon {by}"},
                )
            if r() < 0.3:
                tl.add(self._step(tl, 1, 10), "note", "on", {"text": rng.choice(phrases.NOTE)})
            if r() < 0.35:
                tl.add(
                    self._step(tl, 10, 35), "closing_interview", "held_on", self._interview(True)
                )
            return
        if decision == "niet_in_behandeling":
            if r() < 0.15:
                tl.add(self._step(tl, 1, 10), "note", "on", {"text": rng.choice(phrases.NOTE)})
            return
        self._treat(tl, info)

    def _interview(self, good: bool) -> Event:
        rng = self.rng
        p: Event = {
            "citizen_score": None
            if rng.random() < 0.15
            else (draws.CITIZEN_GOOD if good else draws.CITIZEN_BAD)(rng),
            "helper_score": None if rng.random() < 0.07 else draws.HELPER_SCORE(rng),
        }
        if rng.random() < 0.5:
            p["remarks"] = rng.choice(phrases.INTERVIEW_REMARK)
        return p

    def _treat(self, tl: Timeline, info: dict[str, Any]) -> None:
        """Department II: investigate, maybe pause, write an opinion, escalate, close."""
        rng = self.rng
        r = rng.random
        services: list[str] = info["services"]
        remedy: str = info["remedy"]
        procs: list[str] = info["procs"]
        primary = services[0]
        handler = rng.choice(phrases.HANDLERS)
        handlers = [handler]
        tl.add(self._step(tl, 0, 2), "assigned", "on", {"handler": handler})
        if r() < 0.3:
            tl.add(self._step(tl, 0, 5), "note", "on", {"text": rng.choice(phrases.INTAKE_NOTE)})
        pressure = info["urgent"] or any(
            p in procs for p in ("dwanginvordering", "beslag", "terugvordering")
        )
        if (pressure and r() < 0.35) or r() < 0.06:
            tl.add(
                self._step(tl, 1, 8),
                "paused",
                "from_on",
                {
                    "procedure": rng.choice(phrases.PAUSE_PROCEDURE[primary]),
                    "citizen_consent": True,
                    "agreed_with": rng.choice(phrases.PAUSE_AGREED[primary]),
                },
            )
            tl.paused = True
            if r() < 0.8:
                tl.resume_at = fwd(tl.t + rng.randint(14, 100))
        if "bezwaar" in procs and r() < 0.25:
            start_on = tl.t - rng.randint(10, 40)
            due = start_on + 42
            desc = "Beslistermijn op het bezwaar (zes weken)."
            if due < tl.t + 5:
                due = start_on + 84
                desc = "Beslistermijn op het bezwaar, met zes weken verdaagd."
            self._deadline(
                tl,
                "beslistermijn",
                self._step(tl, 0, 4),
                start_on,
                due,
                desc,
            )
        if r() < 0.65:
            what = rng.choice(phrases.DATA_WHAT[primary])
            tl.add(
                self._step(tl, 1, 10),
                "data_requested",
                "requested_on",
                {"service": primary, "what": what},
            )
            if len(services) == 2 and r() < 0.5:
                what = rng.choice(phrases.DATA_WHAT[services[1]])
                tl.add(
                    self._step(tl, 0, 5),
                    "data_requested",
                    "requested_on",
                    {"service": services[1], "what": what},
                )
            if r() < 0.55:
                tl.add(self._step(tl, 4, 20), "note", "on",
                       {"text": rng.choice(phrases.DATA_RECEIVED)})
        if r() < 0.55:
            pool = phrases.CONSULTED_WITH[primary if r() < 0.7 else phrases.ANY_SERVICE]
            p: Event = {"with": rng.choice(pool)}
            if r() < 0.85:
                p["summary"] = rng.choice(phrases.CONSULT_SUMMARY)
            tl.add(self._step(tl, 2, 14), "consulted", "on", p)
        if r() < 0.6:
            tl.add(self._step(tl, 1, 12), "note", "on", {"text": rng.choice(phrases.NOTE)})
        if r() < 0.3:
            what = rng.choice(phrases.DATA_WHAT[primary])
            tl.add(
                self._step(tl, 3, 15),
                "data_requested",
                "requested_on",
                {"service": primary, "what": f"Aanvullend: {what[0].lower()}{what[1:]}"},
            )
        if r() < 0.08:
            handler = rng.choice([h for h in phrases.HANDLERS if h != handler])
            handlers.append(handler)
            tl.add(self._step(tl, 1, 10), "assigned", "on", {"handler": handler})

        escalated = False
        final: str | None = None
        data_asked = any(e["kind"] == "data_requested" for e in tl.events)
        if r() < 0.78:
            targets = [primary]
            if len(services) == 2 and r() < 0.3:
                targets.append(services[1])
            for svc in targets:
                resp, esc = self._opinion_round(tl, svc, remedy)
                escalated = escalated or esc
                final = resp if final is None or resp == "gemotiveerd_afgewezen" else final
            if r() < 0.5:
                tl.add(
                    self._step(tl, 0, 5),
                    "partner_informed",
                    "on",
                    {"about": "tussenstand", "how": draws.HOW(rng)},
                )
        elif r() < 0.5:
            tl.add(
                self._step(tl, 5, 20),
                "partner_informed",
                "on",
                {"about": "tussenstand", "how": draws.HOW(rng)},
            )
        if r() < 0.4:
            tl.add(self._step(tl, 1, 10), "note", "on", {"text": rng.choice(phrases.NOTE)})
        if final == "gemotiveerd_afgewezen" and "bezwaar" in procs and r() < 0.35:
            start_on = tl.t - rng.randint(0, 5)
            self._deadline(
                tl,
                "beroepstermijn",
                self._step(tl, 0, 3),
                start_on,
                None,
                "Beroepstermijn tegen de beslissing op bezwaar.",
            )

        outcome = draws.OUTCOME_AFTER[final or ""](rng)
        self._close(tl, outcome, final, remedy, escalated, data_asked)
        if (
            remedy == "betalingsregeling"
            and outcome in ("opgelost", "deels_opgelost")
            and r() < 0.4
        ):
            start_on = tl.t
            self._deadline(
                tl,
                "betalingstermijn",
                tl.t,
                start_on,
                start_on + rng.choice((28, 30, 31)),
                "Eerste termijn van de betalingsregeling.",
            )
        elif r() < 0.03:
            self._deadline(
                tl,
                "overig",
                tl.t,
                tl.t,
                tl.t + rng.randint(14, 42),
                "Termijn voor het aanleveren van stukken bij de gemeente.",
            )
        good = outcome in ("opgelost", "deels_opgelost")
        if r() < 0.9:
            tl.add(
                self._step(tl, 0, 5),
                "partner_informed",
                "on",
                {"about": "uitkomst", "how": draws.HOW(rng)},
            )
        if r() < 0.65:
            tl.add(self._step(tl, 5, 30), "closing_interview", "held_on", self._interview(good))
        if r() < 0.18:
            opener = rng.choice(phrases.STORY_OPENER)
            actions = phrases.STORY_ACTION_ESCALATED if escalated else phrases.STORY_ACTION
            story = (
                f"{opener} {rng.choice(phrases.STORY_PROBLEM[remedy])}. "
                f"{rng.choice(actions)} "
                f"{rng.choice(phrases.STORY_RESULT['good' if good else 'bad'])}"
            )
            tl.add(self._step(tl, 3, 30), "story", "on", {"text": story})
            if r() < 0.8:
                reviewers = [p for p in (*phrases.REVIEWERS, *phrases.HANDLERS)
                             if p not in handlers]
                by = rng.choice(reviewers[: len(phrases.REVIEWERS)] if r() < 0.8 else reviewers)
                p2: Event = {"by": by}
                if r() < 0.5:
                    p2["note"] = rng.choice(phrases.APPROVAL_NOTE)
                tl.add(self._step(tl, 1, 14), "story_approved", "on", p2)
        if r() < 0.08:
            tl.add(self._step(tl, 10, 60), "reopened", "on",
                   {"reason": rng.choice(phrases.REOPEN_REASON)})
            if r() < 0.5:
                tl.add(self._step(tl, 1, 7), "reminder_sent", "on", {"service": primary})
            else:
                p3: Event = {"with": rng.choice(phrases.CONSULTED_WITH[primary])}
                tl.add(self._step(tl, 1, 7), "consulted", "on", p3)
            if final is not None and r() < 0.4:
                tl.add(
                    self._step(tl, 2, 15),
                    "service_response",
                    "received_on",
                    {"service": primary, "response": "overgenomen"},
                )
            outcome = "opgelost" if r() < 0.7 else "deels_opgelost"
            self._close(tl, outcome, "overgenomen", remedy, escalated, data_asked)
            if r() < 0.7:
                tl.add(
                    self._step(tl, 0, 5),
                    "partner_informed",
                    "on",
                    {"about": "uitkomst", "how": draws.HOW(rng)},
                )
            if r() < 0.3:
                tl.add(self._step(tl, 5, 30), "closing_interview", "held_on", self._interview(True))

    def _opinion_round(self, tl: Timeline, svc: str, remedy: str) -> tuple[str, bool]:
        """One opinion to one service and everything that follows from its answer."""
        rng = self.rng
        r = rng.random
        sent = self._step(tl, 7, 35)
        reply_days = rng.choice((14, 21, 21, 28, 42))
        p: Event = {"service": svc, "proposed_solution": rng.choice(phrases.PROPOSAL[remedy])}
        if r() < 0.9:
            p["reply_due_on"] = self.iso[sent + reply_days]
        tl.add(sent, "opinion_sent", "sent_on", p)
        sent = tl.t
        answer = sent + min(int(rng.expovariate(1 / 22)) + 7, 120)
        if r() < 0.35:
            tl.add(fwd(sent + rng.randint(2, 12)), "note", "on", {"text": rng.choice(phrases.NOTE)})
        if answer > sent + reply_days and r() < 0.7:
            reminder = fwd(sent + reply_days + rng.randint(1, 7))
            tl.add(reminder, "reminder_sent", "on", {"service": svc})
            if r() < 0.15:
                tl.add(fwd(tl.t + rng.randint(10, 20)), "reminder_sent", "on", {"service": svc})
            answer = max(answer, tl.t + rng.randint(3, 14))
        response = draws.RESPONSE(rng)
        sr: Event = {"service": svc, "response": response}
        if response == "deels_overgenomen":
            sr["summary"] = rng.choice(phrases.RESPONSE_PARTLY[remedy])
        elif response == "gemotiveerd_afgewezen":
            sr["summary"] = rng.choice(phrases.RESPONSE_REJECTED
                                       + phrases.REJECTED_FOR.get(remedy, ()))
        elif r() < 0.3:
            sr["summary"] = rng.choice(phrases.RESPONSE_ADOPTED)
        tl.add(fwd(answer), "service_response", "received_on", sr)
        if response != "overgenomen" and r() < 0.35:
            p2: Event = {"with": rng.choice(phrases.CONSULTED_WITH[svc])}
            p2["summary"] = rng.choice(phrases.CONSULT_SUMMARY)
            tl.add(self._step(tl, 1, 8), "consulted", "on", p2)
        escalated = False
        if response != "overgenomen" and r() < (
            0.6 if response == "gemotiveerd_afgewezen" else 0.4
        ):
            level = draws.FIRST_LEVEL(rng)
            while True:
                tl.add(
                    self._step(tl, 3, 12),
                    "escalated",
                    "on",
                    {
                        "service": svc,
                        "level": draws.LEVELS[level],
                        "reason": rng.choice(phrases.ESCALATION_REASON),
                    },
                )
                escalated = True
                response = draws.ESC_RESPONSE(rng)
                er: Event = {"service": svc, "response": response}
                if response != "overgenomen" or r() < 0.3:
                    er["summary"] = rng.choice(phrases.ESCALATION_ANSWER[response])
                tl.add(self._step(tl, 8, 35), "escalation_response", "received_on", er)
                if response == "overgenomen" or level == len(draws.LEVELS) - 1 or r() > 0.45:
                    break
                level += 1
        return response, escalated

    def _close(
        self,
        tl: Timeline,
        outcome: str,
        final: str | None,
        remedy: str,
        escalated: bool,
        data_asked: bool,
    ) -> None:
        """Close with an outcome that follows from the service's last answer; the room
        used and the powers follow from what the case went through."""
        rng = self.rng
        r = rng.random
        if outcome == "opgelost":
            solution = rng.choice(phrases.SOLVED[remedy] if final is not None
                                  else phrases.REGIE_SOLVED)
        elif outcome == "deels_opgelost":
            solution = rng.choice(phrases.PARTLY[remedy])
        elif outcome == "niet_opgelost":
            solution = rng.choice(phrases.NOT_SOLVED)
        else:
            solution = rng.choice(phrases.WITHDRAWN)
        grounds: list[str] = []
        if outcome in ("opgelost", "deels_opgelost") and final is not None:
            options = draws.GROUNDS[remedy]
            grounds.append(rng.choice(options))
            if r() < 0.25:
                extra = rng.choice(
                    ("evenredigheid_awb_3_4", "coulance", "maatwerk_betalingsregeling")
                )
                if extra not in grounds:
                    grounds.append(extra)
        elif outcome in ("opgelost", "deels_opgelost") and r() < 0.4:
            grounds.append(rng.choice(("coulance", "ambtshalve_vermindering", "overig")))
        powers: list[str] = []
        if r() < 0.85:
            powers.append("regiefunctie")
        if data_asked and r() < 0.8:
            powers.append("gegevenstoegang")
        if escalated and r() < 0.95:
            powers.append("doorzettingsmacht")
        if escalated and outcome in ("niet_opgelost", "deels_opgelost"):
            y = r()
            sufficient = "nee" if y < 0.4 else "deels" if y < 0.8 else "ja"
        else:
            y = r()
            sufficient = "ja" if y < 0.78 else "deels" if y < 0.95 else "nee"
        p: Event = {
            "outcome": outcome,
            "solution": solution,
            "grounds": grounds,
            "powers_used": powers,
            "powers_sufficient": sufficient,
        }
        if sufficient != "ja" and r() < 0.7:
            p["powers_note"] = rng.choice(phrases.POWERS_NOTE)
        tl.add(self._step(tl, 3, 20), "closed", "closed_on", p)
        tl.resume_at = None  # closing ends a running pause
        tl.paused = False

    # --- signals --------------------------------------------------------------------

    def signal(
        self,
        ref: str,
        created: int,
        template: SignalTemplate,
        theme: str,
        pick_cases: list[str],
    ) -> dict[str, Any]:
        rng = self.rng
        r = rng.random
        title, problem, solution, regulation, services = template
        tl = Timeline(created, self.end, self.iso)
        p: Event = {"title": title, "problem": problem}
        if r() < 0.8:
            opener = rng.choice(phrases.STORY_OPENER)
            remedy = rng.choice(tuple(phrases.STORY_PROBLEM))
            p["human_story"] = f"{opener} {rng.choice(phrases.STORY_PROBLEM[remedy])}."
        p["proposed_solution"] = solution
        p["theme"] = theme
        p["services"] = list(services)
        if regulation:
            p["regulation"] = regulation
        if r() < 0.7:
            p["scope"] = rng.choice(phrases.SIGNAL_SCOPE)
        p["urgency"] = rng.choice(("laag", "midden", "midden", "hoog"))
        tl.add(created, "signal_created", "created_on", p)
        with suppress(PastEnd):
            self._signal_steps(tl, services, date.fromordinal(created).year)
        return {"ref": ref, "events": tl.finish(), "cases": pick_cases}

    def _signal_steps(self, tl: Timeline, services: tuple[str, ...], year: int) -> None:
        """Submission, answers, feedback to the partners and closing, as far as ``end``
        allows: partners want to hear back, so most answered signals are fed back."""
        rng = self.rng
        r = rng.random
        if r() < 0.82:
            recipients = [
                "ksms_belastingdienst" if services[0] == draws.BD or r() < 0.3
                else "dienst_toeslagen"
            ]
            if r() < 0.3:
                extra = rng.choice(("ministerie_beleid", "rapportage_kamer", "ibtd", "overig"))
                recipients.append(extra)
            for rec in recipients:
                sp: Event = {"recipient": rec}
                if rec == "ksms_belastingdienst" and r() < 0.8:
                    sp["external_ref"] = f"KSMS-{year}-{rng.randint(1000, 99999):05d}"
                tl.add(self._step(tl, 2, 20), "signal_submitted", "on", sp)
            if r() < 0.75:
                status = rng.choice(
                    ("overgenomen", "in_behandeling", "in_behandeling", "niet_overgenomen")
                )
                tl.add(
                    self._step(tl, 14, 60),
                    "signal_response",
                    "received_on",
                    {"status": status, "summary": rng.choice(phrases.SIGNAL_RESPONSE[status])},
                )
                if status == "in_behandeling" and r() < 0.4:
                    status = "overgenomen" if r() < 0.6 else "niet_overgenomen"
                    tl.add(
                        self._step(tl, 20, 80),
                        "signal_response",
                        "received_on",
                        {"status": status, "summary": rng.choice(phrases.SIGNAL_RESPONSE[status])},
                    )
                if r() < 0.8:
                    tl.add(
                        self._step(tl, 1, 15),
                        "signal_feedback_given",
                        "on",
                        {"to": rng.choice(phrases.SIGNAL_FEEDBACK_TO)},
                    )
                    if (status != "in_behandeling" and r() < 0.7) or r() < 0.25:
                        tl.add(
                            self._step(tl, 5, 40),
                            "signal_closed",
                            "on",
                            {"reason": rng.choice(phrases.SIGNAL_CLOSE_REASON[status])},
                        )

