"""The seal: does the register still hold everything it held at its last commit?

A deleted ``-wal``, an older copy put back or events removed by hand all leave a
register that opens and verifies as "in orde" on its own. The keyring remembers, per
device, the chain head and event count and the audit head as of the last commit this
program made (docs/SECURITY.md); a register that is *behind* that seal has lost writes.
Being *ahead* is normal (a crash between the commit and the seal write, another
program's commit) and simply re-sealed.
"""

from __future__ import annotations

from app.storage.db import Connection
from app.storage.eventrows import hlc_text, uuid_bytes, uuid_text
from app.storage.keyring import Seal


def current(conn: Connection) -> Seal:
    """The register's own state now (unsigned)."""
    devices: dict[str, tuple[int, str, int]] = {}
    for uuid, count, head, head_hlc in conn.execute(
            "SELECT uuid, events, head, head_hlc FROM devices WHERE events > 0"):
        devices[uuid_text(uuid)] = (int(count), bytes(head).hex(), int(head_hlc))
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, head = (int(row[0]), str(row[1])) if row else (0, "")
    return Seal(devices, seq, head)


def behind(conn: Connection, seal: Seal) -> list[str]:
    """Why the register is behind ``seal`` (empty: it holds everything sealed).

    Looks up each sealed head by its clock and device (an index lookup) and counts the
    events once, so the check costs milliseconds on 100,000 cases.
    """
    reasons: list[str] = []
    for uuid, (_count, head, head_hlc) in sorted(seal.devices.items()):
        row = conn.execute(
            "SELECT e.hash FROM events e JOIN devices d ON d.num = e.device "
            "WHERE e.hlc = ? AND d.uuid = ?", (head_hlc, uuid_bytes(uuid))).fetchone()
        if row is None or bytes(row[0]).hex() != head:
            code = conn.execute("SELECT code FROM devices WHERE uuid = ?",
                                (uuid_bytes(uuid),)).fetchone()
            name = (code[0] if code and code[0] else None) or uuid[:8]
            reasons.append(f"de laatste vastgelegde stap van apparaat {name} "
                           f"({hlc_text(head_hlc, uuid)[:19]}) ontbreekt")
    total = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    if total < seal.events:
        reasons.append(f"er zijn {seal.events - total} stappen minder dan bij de laatste "
                       "opslag")
    if seal.audit_seq:
        row = conn.execute("SELECT hash FROM audit WHERE seq = ?",
                           (seal.audit_seq,)).fetchone()
        if row is None or str(row[0]) != seal.audit_head:
            reasons.append("de laatste regels van het auditlogboek ontbreken")
    return reasons
