"""The audit trail (SECURITY.md, BIO 8.15): hash-chained rows of sensitive acts.

A row says who did what to which object with what result; it never holds a
passphrase or a P2 value, so the trail itself can be shown to an auditor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.model.dates import utc_now_iso
from app.model.eventlog import ZERO_HASH, sha256_hex
from app.model.events import canonical_json
from app.storage.db import Connection


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


def verify_chain(conn: Connection) -> list[str]:
    problems: list[str] = []
    prev = ZERO_HASH
    for r in rows(conn):
        if r.prev_hash != prev:
            problems.append(f"auditregel {r.seq}: de keten is onderbroken")
        if _hash(r.prev_hash, r.at, r.actor, r.device, r.action, r.object, r.result) != r.hash:
            problems.append(f"auditregel {r.seq}: de inhoud is gewijzigd")
        prev = r.hash
    return problems
