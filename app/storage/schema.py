"""Numbered schema migrations, each in its own transaction after an encrypted backup.

The events table is the source of truth and is append-only (triggers refuse deletes
and any update except erasing a payload for retention or setting a merge flag); the
other tables are projections that ``verify`` can rebuild and compare.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.storage.db import Connection
from app.storage.errors import StorageError
from app.storage.files import private_dir, restrict

SCHEMA_V1 = """
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    entity       TEXT NOT NULL CHECK (entity IN ('case', 'signal')),
    entity_id    TEXT NOT NULL,
    number       TEXT,
    kind         TEXT NOT NULL,
    occurred_on  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    hlc          TEXT NOT NULL UNIQUE,
    actor        TEXT NOT NULL,
    device       TEXT NOT NULL,
    payload_json TEXT,
    payload_hash TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    flag         TEXT
);
CREATE INDEX events_entity ON events (entity_id, hlc);
CREATE INDEX events_device ON events (device, hlc);
CREATE INDEX events_number ON events (number) WHERE number IS NOT NULL;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NEW.id IS NOT OLD.id OR NEW.entity IS NOT OLD.entity
  OR NEW.entity_id IS NOT OLD.entity_id OR NEW.number IS NOT OLD.number
  OR NEW.kind IS NOT OLD.kind OR NEW.occurred_on IS NOT OLD.occurred_on
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.hlc IS NOT OLD.hlc
  OR NEW.actor IS NOT OLD.actor OR NEW.device IS NOT OLD.device
  OR NEW.payload_hash IS NOT OLD.payload_hash OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.hash IS NOT OLD.hash
  OR (NEW.payload_json IS NOT OLD.payload_json AND NEW.payload_json IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE cases (
    entity_id     TEXT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    ref           TEXT NOT NULL,
    status        TEXT NOT NULL,
    phase         TEXT,
    received_on   TEXT NOT NULL,
    route         TEXT NOT NULL,
    partner_type  TEXT NOT NULL,
    partner_org   TEXT,
    services      TEXT NOT NULL,
    topics        TEXT NOT NULL,
    target_group  TEXT NOT NULL,
    urgent        INTEGER NOT NULL,
    summary       TEXT NOT NULL,
    handler       TEXT,
    triaged_on    TEXT,
    decision      TEXT,
    closed_on     TEXT,
    outcome       TEXT,
    path          TEXT,
    paused_days   INTEGER NOT NULL,
    pause_running INTEGER NOT NULL,
    waiting_since TEXT,
    next_deadline TEXT,
    last_step_on  TEXT NOT NULL,
    flags         INTEGER NOT NULL,
    conflicts     INTEGER NOT NULL
);
CREATE INDEX cases_ref ON cases (ref);
CREATE INDEX cases_status ON cases (status, phase);
CREATE INDEX cases_received ON cases (received_on);
CREATE INDEX cases_deadline ON cases (next_deadline);
CREATE INDEX cases_handler ON cases (handler);
CREATE INDEX cases_waiting ON cases (waiting_since);

CREATE TABLE signals (
    entity_id         TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    ref               TEXT NOT NULL,
    title             TEXT NOT NULL,
    theme             TEXT NOT NULL,
    services          TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_on        TEXT NOT NULL,
    submitted_on      TEXT,
    response          TEXT,
    feedback_on       TEXT,
    closed_on         TEXT,
    awaiting_feedback INTEGER NOT NULL,
    flags             INTEGER NOT NULL
);
CREATE INDEX signals_ref ON signals (ref);

CREATE TABLE case_signal (
    case_id       TEXT NOT NULL,
    signal_number TEXT NOT NULL,
    PRIMARY KEY (case_id, signal_number)
);
CREATE INDEX case_signal_signal ON case_signal (signal_number);

CREATE TABLE deadlines (
    event_id    TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    start_on    TEXT,
    due_on      TEXT,
    set_on      TEXT NOT NULL,
    met_on      TEXT,
    result      TEXT,
    description TEXT,
    in_pause    INTEGER NOT NULL
);
CREATE INDEX deadlines_case ON deadlines (case_id);
CREATE INDEX deadlines_due ON deadlines (due_on);

-- rowid = the case's rowid in ``cases`` (kept stable by upserts), so a case's entry
-- is replaced by key instead of by scanning the index.
CREATE VIRTUAL TABLE cases_fts USING fts5 (
    number, summary, topics, partner_org,
    tokenize = 'trigram remove_diacritics 1'
);

CREATE TABLE personal (
    entity_id  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (entity_id, key)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    device    TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    result    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

# Version 2: what the team lead needs to see whether every laptop's week is in
# (docs/ARCHITECTURE.md, exchange bundles): per source device the last event received and when.
SCHEMA_V2 = """
CREATE TABLE device_receipts (
    device       TEXT PRIMARY KEY,
    device_code  TEXT NOT NULL,
    handler      TEXT,
    last_hlc     TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
CREATE INDEX audit_action ON audit (action, at);
"""

Migration = Callable[[Connection], None]


def _script(sql: str) -> Migration:
    def run(conn: Connection) -> None:
        for statement in _statements(sql):
            conn.execute(statement)

    return run


def _statements(sql: str) -> list[str]:
    """Split a script on ';' outside trigger bodies (executescript would commit)."""
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for line in sql.strip().splitlines():
        stripped = line.strip().upper()
        if stripped.startswith("BEGIN") or " BEGIN " in f" {stripped} ":
            depth += 1
        buf.append(line)
        if stripped.endswith("END;"):
            depth -= 1
        if depth <= 0 and line.rstrip().endswith(";"):
            out.append("\n".join(buf).strip().rstrip(";"))
            buf = []
            depth = 0
    if "".join(buf).strip():
        out.append("\n".join(buf).strip().rstrip(";"))
    return out


# Version 3 (issue 13, Keys v2): compact event rows. UUIDs and hashes as BLOBs, the hlc
# as one integer and the device as a number in ``devices``, which also keeps each
# device's chain head, event count and last receipt, so no query scans the events for
# them. The hashes are copied, never recomputed (docs/ARCHITECTURE.md: a migration never
# re-hashes). ``seq`` is the local insertion order that bundle exports count from.
SCHEMA_V3 = """
CREATE TABLE devices (
    num              INTEGER PRIMARY KEY,
    uuid             BLOB NOT NULL UNIQUE,
    code             TEXT,
    handler          TEXT,
    head             BLOB NOT NULL DEFAULT (zeroblob(32)),
    head_hlc         INTEGER NOT NULL DEFAULT 0,
    events           INTEGER NOT NULL DEFAULT 0,
    last_recorded_at TEXT,
    received_at      TEXT,
    received_from    TEXT,
    bundle_seq       INTEGER
);
INSERT INTO devices (uuid)
    SELECT DISTINCT unhex(replace(device, '-', '')) FROM events;
INSERT OR IGNORE INTO devices (uuid)
    SELECT unhex(replace(json_extract(value, '$'), '-', '')) FROM settings
    WHERE key = 'device_id' AND json_extract(value, '$') != '';
UPDATE devices SET code = (
    SELECT json_extract(value, '$') FROM settings WHERE key = 'device_code')
    WHERE uuid = (SELECT unhex(replace(json_extract(value, '$'), '-', '')) FROM settings
                  WHERE key = 'device_id');
UPDATE devices SET (code, handler, received_at) = (
    SELECT r.device_code, r.handler, r.received_at FROM device_receipts r
    WHERE unhex(replace(r.device, '-', '')) = devices.uuid)
    WHERE uuid IN (SELECT unhex(replace(device, '-', '')) FROM device_receipts);
CREATE TABLE events_v3 (
    seq          INTEGER PRIMARY KEY,
    id           BLOB NOT NULL UNIQUE,
    entity       INTEGER NOT NULL CHECK (entity IN (0, 1)),
    entity_id    BLOB NOT NULL,
    number       TEXT,
    kind         TEXT NOT NULL,
    occurred_on  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    hlc          INTEGER NOT NULL,
    device       INTEGER NOT NULL REFERENCES devices (num),
    actor        TEXT NOT NULL,
    payload_json TEXT,
    payload_hash BLOB NOT NULL,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL,
    flag         TEXT,
    erased_by    BLOB
);
INSERT INTO events_v3 (id, entity, entity_id, number, kind, occurred_on, recorded_at, hlc,
                       device, actor, payload_json, payload_hash, prev_hash, hash, flag)
    SELECT unhex(replace(e.id, '-', '')), CASE e.entity WHEN 'case' THEN 0 ELSE 1 END,
           unhex(replace(e.entity_id, '-', '')), e.number, e.kind, e.occurred_on,
           e.recorded_at,
           CAST(substr(e.hlc, 1, 13) AS INTEGER) * 100000 + CAST(substr(e.hlc, 15, 5) AS INTEGER),
           d.num, e.actor, e.payload_json, unhex(e.payload_hash), unhex(e.prev_hash),
           unhex(e.hash), e.flag
    FROM events e JOIN devices d ON d.uuid = unhex(replace(e.device, '-', ''))
    ORDER BY e.rowid;
DROP TABLE events;
DROP TABLE device_receipts;
ALTER TABLE events_v3 RENAME TO events;
CREATE UNIQUE INDEX events_clock ON events (hlc, device);
CREATE INDEX events_entity ON events (entity_id, hlc);
CREATE INDEX events_number ON events (number) WHERE number IS NOT NULL;
UPDATE devices SET
    events = (SELECT count(*) FROM events e WHERE e.device = devices.num),
    head_hlc = coalesce((SELECT max(e.hlc) FROM events e WHERE e.device = devices.num), 0),
    last_recorded_at = (SELECT max(e.recorded_at) FROM events e WHERE e.device = devices.num);
UPDATE devices SET head = coalesce(
    (SELECT e.hash FROM events e WHERE e.device = devices.num AND e.hlc = devices.head_hlc),
    zeroblob(32));

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.entity IS NOT OLD.entity
  OR NEW.entity_id IS NOT OLD.entity_id OR NEW.number IS NOT OLD.number
  OR NEW.kind IS NOT OLD.kind OR NEW.occurred_on IS NOT OLD.occurred_on
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.hlc IS NOT OLD.hlc
  OR NEW.actor IS NOT OLD.actor OR NEW.device IS NOT OLD.device
  OR NEW.payload_hash IS NOT OLD.payload_hash OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.hash IS NOT OLD.hash
  OR (NEW.payload_json IS NOT OLD.payload_json AND NEW.erased_by IS NULL)
  OR (OLD.erased_by IS NOT NULL AND NEW.erased_by IS NULL)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
"""

# Version 4 (issue 13): the highest sequence used after each number prefix ("2026-BNK-",
# "S-2026-BNK-"), kept by a trigger on every insert whichever path wrote the event (own
# step, import, merge), so numbering a new case reads one small row instead of scanning
# every case number in the register (1.7 s per new case at 100k events before). The
# case list's default order (received, then number) gets a whole index, so a search
# walks it and stops at the first window.
SCHEMA_V4 = """
CREATE TABLE number_seq (
    entity INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (entity, prefix)
) WITHOUT ROWID;
INSERT INTO number_seq (entity, prefix, seq)
    SELECT entity, rtrim(number, '0123456789'),
           max(CAST(substr(number, length(rtrim(number, '0123456789')) + 1) AS INTEGER))
    FROM events WHERE number IS NOT NULL
    GROUP BY entity, rtrim(number, '0123456789');

DROP INDEX cases_received;
CREATE INDEX cases_received ON cases (received_on, number);

CREATE TRIGGER events_number_seq AFTER INSERT ON events WHEN NEW.number IS NOT NULL
BEGIN
    INSERT INTO number_seq (entity, prefix, seq) VALUES (
        NEW.entity, rtrim(NEW.number, '0123456789'),
        CAST(substr(NEW.number, length(rtrim(NEW.number, '0123456789')) + 1) AS INTEGER))
    ON CONFLICT (entity, prefix) DO UPDATE SET seq = max(seq, excluded.seq);
END;
"""

MIGRATIONS: list[Migration] = [
    _script(SCHEMA_V1), _script(SCHEMA_V2), _script(SCHEMA_V3), _script(SCHEMA_V4)]
LATEST = len(MIGRATIONS)
COMPACT_ROWS = 3  # the version that made event rows compact


def version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_file(conn: Connection, db: Path, backups: Path, label: str) -> Path:
    """Copy the encrypted file as it is (after a checkpoint), with its keyring beside it:
    the copy opens with the same passphrase or recovery code as the register did."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    private_dir(backups)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backups / f"{db.stem}-{stamp}-{label}.db"
    shutil.copy2(db, target)
    restrict(target)
    ring = db.with_name(db.name + ".keys")
    if ring.exists():
        copy = target.with_name(target.name + ".keys")
        shutil.copy2(ring, copy)
        restrict(copy)
    return target


def migrate(conn: Connection, db: Path, backups: Path, upto: int = LATEST) -> list[Path]:
    """Bring the schema to ``upto``; an existing register is backed up first."""
    current = version(conn)
    if current > LATEST:
        raise StorageError(
            f"Dit register heeft schemaversie {current}; dit programma kent tot en met "
            f"{LATEST}. Werk het programma bij."
        )
    made: list[Path] = []
    if current < upto and current > 0:
        made.append(backup_file(conn, db, backups, f"voor-migratie-v{current}"))
    for number in range(current + 1, upto + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if 0 < current < COMPACT_ROWS <= upto:
        conn.execute("VACUUM")  # give back the space of the old, wide event rows
    return made
