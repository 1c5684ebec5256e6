"""The audit trail (docs/SECURITY.md, BIO 8.15): hash-chained rows of sensitive acts.

A row says who did what to which object with what result; it never holds a
passphrase, a recovery code or a P2 value, so the trail itself can be shown to an
auditor. Each row's hash covers the previous row's hash and its own content, so a row
changed, deleted or moved breaks the chain; rows cut off at the end keep a valid chain
but no longer reach the audit head that the keyring's seal remembers, which
``verify_trail`` checks too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.model.dates import AMSTERDAM, utc_now_iso
from app.model.errors import UserError
from app.model.eventlog import ZERO_HASH, sha256_hex
from app.model.events import canonical_json
from app.storage.db import Connection
from app.storage.files import atomic_writer

#: Audit times are shown in the office's zone (UTC without tz data).
_LOCAL: Any = AMSTERDAM or UTC

#: Every action the program writes, with its Dutch name (filters, table, export).
ACTION_LABELS: dict[str, str] = {
    "init": "Register aangemaakt",
    "unlock": "Ontgrendeld",
    "recovery_code": "Ontgrendeld met herstelcode",
    "unlock_failed": "Ontgrendelen mislukt",
    "lock": "Vergrendeld",
    "view_personal": "Persoonsgegevens ingezien",
    "edit_personal": "Persoonsgegevens gewijzigd",
    "print_personal": "Persoonsgegevens afgedrukt",
    "export_evaluation": "Export evaluatiewerkmap",
    "export_report": "Export rapportage",
    "export_signals": "Export signaalformulieren",
    "export_interchange": "Export uitwisselbestand",
    "export_case_overview": "Casusoverzicht gemaakt",
    "export_audit": "Export auditlogboek",
    "override_lint": "Waarschuwing persoonsgegevens doorgezet",
    "import": "Import uitwisselbestand",
    "bundle_export": "Bundel gemaakt",
    "bundle_import": "Bundel ingelezen",
    "handover_sent": "Casus overgedragen (persoonsgegevens meegegeven)",
    "handover_received": "Overdracht ontvangen (persoonsgegevens)",
    "backup": "Back-up gemaakt",
    "restore": "Back-up teruggezet",
    "purge": "Persoonsgegevens gewist (bewaartermijn)",
    "destroy": "Casus vernietigd",
    "erase_text": "Tekst gewist",
    "passphrase_change": "Wachtwoordzin gewijzigd",
    "show_recovery_code": "Herstelcode getoond",
    "recover": "Wachtwoordzin hersteld met herstelcode",
    "rekey": "Nieuwe gegevenssleutel",
    "rekey_finished": "Nieuwe gegevenssleutel afgerond",
    "migrate_keys": "Overgezet op een gegevenssleutel",
    "seal_accept": "Stand aanvaard (zegel)",
    "settings_change": "Instelling gewijzigd",
    "codelist_change": "Codelijst gewijzigd",
    "verify": "Register gecontroleerd",
    "audit_verify": "Auditlogboek gecontroleerd",
    "rebuild": "Projecties opnieuw opgebouwd",
}

COLUMNS = ("seq", "at", "actor", "device", "action", "object", "result", "prev_hash", "hash")


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    actor: str
    device: str
    action: str
    object: str
    result: str
    prev_hash: str
    hash: str

    @property
    def local_time(self) -> str:
        """``dd-mm-jjjj uu:mm:ss`` in Europe/Amsterdam (``at`` is UTC)."""
        try:
            moment = datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return self.at
        return moment.astimezone(_LOCAL).strftime("%d-%m-%Y %H:%M:%S")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def _hash(prev: str, at: str, actor: str, device: str, action: str, obj: str,
          result: str) -> str:
    body = {"at": at, "actor": actor, "device": device, "action": action, "object": obj,
            "result": result}
    return sha256_hex(prev + canonical_json(body))


def write(conn: Connection, actor: str, device: str, action: str, obj: str = "",
          result: str = "ok") -> None:
    row = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    prev = row[0] if row else ZERO_HASH
    at = utc_now_iso()
    h = _hash(prev, at, actor, device, action, obj, result)
    conn.execute(
        "INSERT INTO audit (at, actor, device, action, object, result, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, actor, device, action, obj, result, prev, h),
    )


def rows(conn: Connection, start: str | None = None, end: str | None = None
         ) -> Iterator[AuditRow]:
    sql = "SELECT seq, at, actor, device, action, object, result, prev_hash, hash FROM audit"
    args: list[str] = []
    if start and end:
        sql += " WHERE substr(at, 1, 10) BETWEEN ? AND ?"
        args = [start, end]
    for r in conn.execute(sql + " ORDER BY seq", args):
        yield AuditRow(*r)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AuditQuery:
    """Rows in a period of local dates (both inclusive), of one action and one actor."""

    start: date | None = None
    end: date | None = None
    action: str | None = None
    actor: str | None = None
    newest_first: bool = False
    limit: int | None = None


def _utc_bound(day: date) -> str:
    """The first moment of a local (Amsterdam) day, as the UTC text ``at`` holds."""
    local = datetime(day.year, day.month, day.day, tzinfo=_LOCAL)
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _where(q: AuditQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if q.start is not None and q.end is not None and q.start > q.end:
        raise UserError(f"De periode is leeg: {q.start.isoformat()} ligt na "
                        f"{q.end.isoformat()}.")
    if q.start is not None:
        clauses.append("at >= ?")
        args.append(_utc_bound(q.start))
    if q.end is not None:
        clauses.append("at < ?")
        args.append(_utc_bound(q.end + timedelta(days=1)))
    if q.action:
        clauses.append("action = ?")
        args.append(q.action)
    if q.actor:
        clauses.append("actor = ?")
        args.append(q.actor)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def query(conn: Connection, q: AuditQuery = AuditQuery()) -> list[AuditRow]:
    where, args = _where(q)
    order = "DESC" if q.newest_first else "ASC"
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit{where} ORDER BY seq {order}"
    if q.limit is not None:
        sql += " LIMIT ?"
        args.append(max(0, q.limit))
    return [AuditRow(*r) for r in conn.execute(sql, args)]


def count(conn: Connection, q: AuditQuery = AuditQuery()) -> int:
    where, args = _where(q)
    return int(conn.execute(f"SELECT count(*) FROM audit{where}", args).fetchone()[0])


def actions(conn: Connection) -> list[str]:
    """Actions that occur in the trail (the known ones first, in catalogue order)."""
    present = {r[0] for r in conn.execute("SELECT DISTINCT action FROM audit")}
    return [a for a in ACTION_LABELS if a in present] + sorted(present - set(ACTION_LABELS))


def actors(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT actor FROM audit ORDER BY actor")]


def device_codes(conn: Connection) -> dict[str, str]:
    """Device UUID -> its code, for showing rows (the row keeps the UUID)."""
    out: dict[str, str] = {}
    for key, code in conn.execute("SELECT uuid, code FROM devices WHERE code IS NOT NULL"):
        h = bytes(key).hex()
        out[f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"] = str(code)
    return out


# --------------------------------------------------------------------------- checking


def verify_chain(conn: Connection) -> list[str]:
    """Every row against its own hash and the row before it, and no row missing."""
    problems: list[str] = []
    prev = ZERO_HASH
    expected = 1
    for r in rows(conn):
        if r.seq != expected:
            gone = (f"auditregel {expected} ontbreekt" if r.seq == expected + 1 else
                    f"auditregels {expected} tot en met {r.seq - 1} ontbreken"
                    if r.seq > expected else f"auditregel {r.seq} staat niet op zijn plaats")
            problems.append(gone)
        if r.prev_hash != prev:
            problems.append(f"auditregel {r.seq}: de keten is onderbroken")
        if _hash(r.prev_hash, r.at, r.actor, r.device, r.action, r.object, r.result) != r.hash:
            problems.append(f"auditregel {r.seq}: de inhoud is gewijzigd")
        prev = r.hash
        expected = r.seq + 1
    return problems


def head_problems(conn: Connection, sealed_seq: int, sealed_head: str) -> list[str]:
    """Is the row the seal remembers as the last still there, unchanged?

    Rows cut off at the end leave a chain that checks out; only the seal (kept in the
    keyring, signed under the data key) still knows how far the trail went.
    """
    if not sealed_seq:
        return []
    row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (sealed_seq,)).fetchone()
    if row is None:
        last = conn.execute("SELECT max(seq) FROM audit").fetchone()[0] or 0
        return [f"de laatste auditregels ontbreken: het zegel kent regel {sealed_seq}, het "
                f"logboek eindigt bij regel {last}"]
    if str(row[0]) != sealed_head:
        return [f"auditregel {sealed_seq} wijkt af van de regel die het zegel kent"]
    return []


@dataclass
class TrailCheck:
    rows: int
    problems: list[str] = field(default_factory=list)
    sealed: bool = False  # whether a valid seal was there to check the head against
    #: rows cut off at the end (only the seal knows): the register must stop writing
    cut: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- export


_RISKY = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet never runs as a formula (docs/SECURITY.md)."""
    text = str(value)
    return "'" + text if text.startswith(_RISKY) else text


def render(found: list[AuditRow], suffix: str, codes: dict[str, str]) -> str:
    """The trail as CSV (a spreadsheet for the privacy officer) or JSON (exact, with
    the hashes, so the chain can be checked again outside the program)."""
    if suffix == ".json":
        doc = {"format": "casusregister/audit", "version": 1,
               "exported_at": utc_now_iso(),
               "rows": [{**asdict(r), "device_code": codes.get(r.device)} for r in found]}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    out.writerow(["regel", "tijd (UTC)", "tijd (Nederland)", "wie", "apparaat",
                  "apparaatcode", "handeling", "omschrijving handeling", "object", "resultaat",
                  "vorige hash", "hash"])
    for r in found:
        out.writerow([_cell(v) for v in (r.seq, r.at, r.local_time, r.actor, r.device,
                                         codes.get(r.device, ""), r.action, r.action_label,
                                         r.object, r.result, r.prev_hash, r.hash)])
    return buf.getvalue()


def write_file(path: Path, text: str) -> None:
    """Private (0600) and atomic; the folder must exist (a typo is not a new folder)."""
    if path.suffix.lower() not in (".csv", ".json"):
        raise UserError(f"Het auditlogboek wordt geschreven als .csv of .json, niet "
                        f"'{path.name}'.")
    if not path.parent.is_dir():
        raise UserError(f"De map {path.parent} bestaat niet.")
    # utf-8-sig for CSV: Excel then reads the accents right
    data = text.encode("utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8")
    with atomic_writer(path, "wb") as fh:
        fh.write(data)  # type: ignore[arg-type]
