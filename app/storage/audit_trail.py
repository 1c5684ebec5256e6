"""The audit trail as the CLI and Beheer -> Audit use it: read, check, export.

``audit.py`` writes and hashes rows inside the register's own transactions; this module
adds what needs the whole register: the keyring's seal (the audit head as of the last
commit), and an audit row for checking and exporting the trail itself.
"""

from __future__ import annotations

from pathlib import Path

from app.storage import audit, keyring
from app.storage.audit import AuditQuery, AuditRow, TrailCheck
from app.storage.errors import KeyringProblem
from app.storage.repository import Register


def list_trail(reg: Register, q: AuditQuery | None = None) -> list[AuditRow]:
    return audit.query(reg.conn, q or AuditQuery())


def verify_trail(reg: Register) -> TrailCheck:
    """The chain of every row, and the last row against the seal's audit head.

    Checked before this check writes its own row (which moves the head).
    """
    check = TrailCheck(rows=audit.count(reg.conn))
    check.problems += audit.verify_chain(reg.conn)
    ring = None
    if reg.keyring_path.exists():
        try:
            ring = keyring.read(reg.keyring_path)
        except KeyringProblem as exc:
            check.problems.append(f"het zegel is niet te lezen: {exc}")
    if ring is not None and ring.seal is not None:
        if ring.seal.valid(reg.data_key):
            check.sealed = True
            cut = audit.head_problems(reg.conn, ring.seal.audit_seq, ring.seal.audit_head)
            if cut:
                # As on opening: the register is behind its seal, read-only until the
                # handler restores or accepts. Writing on would re-seal, and the seal is
                # the only witness of rows cut off at the end.
                reg.behind_seal = [*reg.behind_seal, *cut]
            check.problems += cut
            check.cut = cut
        else:
            check.problems.append("het zegel in de sleutelring klopt niet bij dit register")
    if not reg.read_only:
        reg.audit("audit_verify", reg.path.name,
                  "in orde" if check.ok else f"{len(check.problems)} problemen")
    return check


def export_trail(reg: Register, out: Path, q: AuditQuery | None = None) -> int:
    """Write the rows of ``q`` to ``out`` (.csv or .json, 0600, atomic); audited."""
    found = audit.query(reg.conn, q or AuditQuery())
    text = audit.render(found, out.suffix.lower(), audit.device_codes(reg.conn))
    audit.write_file(out, text)
    if not reg.read_only:
        reg.audit("export_audit", f"{len(found)} regels naar {out}")
    return len(found)
