"""The exchange bundle file: round trips, and every kind of bad file refused by its kind."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from app.model.bundle import Bundle, InvalidBundle
from app.model.canonical import CanonicalEvent, chain
from app.model.errors import FieldError
from app.storage import bundle_file as bf
from app.storage.bundle_file import (
    BundleFileError,
    BundleIOError,
    BundleTooLarge,
    DamagedBundle,
    Limits,
    NewerBundleVersion,
    NotABundle,
    WeakExchangePassphrase,
    WrongExchangePassphrase,
    read_bundle,
    read_bundle_from,
    read_header,
    read_manifest,
    write_bundle,
)
from app.storage.crypto import TEST_KDF, KdfParams, b64, derive_key, mac, seal
from tests.helpers.bundles import (
    PASSPHRASE,
    canonical_chain,
    device_events,
    make_bundle,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "interchange-2025-small.json"


def write(path: Path, bundle: Bundle, **kw: Any) -> Path:
    kw.setdefault("kdf", TEST_KDF)
    write_bundle(path, bundle.manifest, bundle.events, PASSPHRASE,
                 personal=bundle.personal, **kw)
    return path


def read(path: Path, **kw: Any) -> Bundle:
    return read_bundle(path, kw.pop("passphrase", PASSPHRASE), check_payload=None, **kw)


@pytest.fixture
def small() -> Bundle:
    zwl = canonical_chain("ZWL", cases=2, steps=2)
    return make_bundle({"ZWL": (0, zwl)}, source="ZWL", complete=True,
                       handover=[str(zwl[0].number)],
                       personal={zwl[0].entity_id: {"bsn": "123456782", "name": "J. Jansen"}})


@pytest.fixture
def small_file(tmp_path: Path, small: Bundle) -> Path:
    return write(tmp_path / "week.bundel", small, chunk_size=96)


# ---------------------------------------------------------------------------
# The layout, as docs/BUNDLES.md describes it


@dataclass
class Chunk:
    start: int  # the flag byte
    length: int  # ciphertext bytes (with tag)

    @property
    def end(self) -> int:
        return self.start + 5 + self.length


@dataclass
class Layout:
    header_len: int
    chunks: list[Chunk]

    @property
    def header_end(self) -> int:
        return 17 + self.header_len

    @property
    def body_start(self) -> int:
        return self.header_end + 32


def layout(data: bytes) -> Layout:
    assert data[:11] == b"CASUSBUNDEL"
    version, length = struct.unpack(">HI", data[11:17])
    assert version == 1
    out = Layout(length, [])
    pos = out.body_start
    while pos < len(data):
        flag, size = struct.unpack(">BI", data[pos:pos + 5])
        out.chunks.append(Chunk(pos, size))
        pos += 5 + size
        if flag == 1:
            break
    assert pos == len(data)
    return out


def header_json(data: bytes) -> dict[str, Any]:
    lay = layout(data)
    return json.loads(data[17:lay.header_end])


def refit_header(data: bytes, header: dict[str, Any], version: int = 1) -> bytes:
    """Replace the header and recompute its digest, as a deliberate forger would."""
    body = data[layout(data).body_start:]
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    frame = b"CASUSBUNDEL" + struct.pack(">HI", version, len(text))
    return frame + text + hashlib.sha256(frame + text).digest() + body


def craft(path: Path, plain: bytes | None = None, *, compressed: bytes | None = None,
          chunk_size: int = 4096, kdf: KdfParams = TEST_KDF) -> Path:
    """An authentic bundle (right passphrase, right tags) around any content at all."""
    stream = compressed if compressed is not None else zlib.compress(plain or b"", 9)
    salt, key = os.urandom(16), os.urandom(32)
    kek = derive_key(PASSPHRASE, salt, kdf)
    nonce, wrapped = seal(kek, key, bf._WRAP_AAD)
    text = bf._header_json(kdf, salt, mac(kek, bf._KEY_CHECK), nonce, wrapped)
    frame = bf._FRAME.pack(bf.MAGIC, bf.FORMAT_VERSION, len(text))
    digest = hashlib.sha256(frame + text).digest()
    with open(path, "wb") as fh:
        fh.write(frame + text + digest)
        sink = bf._ChunkWriter(fh, key, digest, chunk_size)
        sink.feed(stream)
        sink.close()
    return path


def lines(bundle: Bundle, *extra: Any, events: list[Any] | None = None) -> bytes:
    rows = [bundle.manifest.to_json(), *(events if events is not None else
                                          [e.to_json() for e in bundle.events]), *extra]
    return b"".join(json.dumps(r, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode() + b"\n" for r in rows)


# ---------------------------------------------------------------------------
# Round trips


def test_a_bundle_round_trips_manifest_events_and_handover_data(
        small_file: Path, small: Bundle) -> None:
    back = read(small_file)
    assert back.manifest == small.manifest
    assert list(back.events) == list(small.events)
    assert back.personal == small.personal
    assert small_file.read_bytes().startswith(b"CASUSBUNDEL\x00\x01")
    if os.name == "posix":
        assert small_file.stat().st_mode & 0o777 == 0o600
    assert len(layout(small_file.read_bytes()).chunks) > 3


def test_an_empty_bundle_round_trips(tmp_path: Path) -> None:
    empty = make_bundle({}, source="UTR", sequence=4)
    back = read(write(tmp_path / "leeg.bundel", empty))
    assert back.manifest == empty.manifest and back.manifest.first_hlc is None
    assert list(back.events) == [] and back.personal == {}


def test_the_header_is_read_without_the_passphrase(small_file: Path) -> None:
    header = read_header(small_file)
    assert (header.version, header.kdf) == (1, TEST_KDF)
    assert header.size == layout(small_file.read_bytes()).body_start


def test_the_default_key_derivation_is_argon2id_of_the_keyring(tmp_path: Path,
                                                               small: Bundle) -> None:
    path = write(tmp_path / "echt.bundel", small, kdf=bf.DEFAULT_KDF)
    assert read_header(path).kdf == KdfParams(65536, 3, 4)
    assert read(path).manifest == small.manifest


def test_only_the_manifest_is_read_for_sorting(small_file: Path, small: Bundle) -> None:
    assert read_manifest(small_file, PASSPHRASE) == small.manifest


def test_progress_is_reported_while_writing_and_reading(tmp_path: Path) -> None:
    many = canonical_chain("UTR", cases=300, steps=9)  # 3,000 events
    bundle = make_bundle({"UTR": (0, many)}, source="UTR")
    written: list[tuple[int, int]] = []
    path = write(tmp_path / "groot.bundel", bundle, progress=lambda d, t: written.append((d, t)),
                 chunk_size=8192)
    assert written[-1] == (3000, 3000) and len(written) >= 2
    assert [d for d, _ in written] == sorted(d for d, _ in written)
    seen: list[tuple[int, int]] = []
    read(path, progress=lambda d, t: seen.append((d, t)))
    size = path.stat().st_size
    assert seen[-1] == (size, size) and len(seen) == len(layout(path.read_bytes()).chunks)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# ---------------------------------------------------------------------------
# Writing: a short passphrase, a wrong manifest, a missing folder


def test_an_exchange_passphrase_under_twelve_characters_is_refused(
        tmp_path: Path, small: Bundle) -> None:
    with pytest.raises(WeakExchangePassphrase, match="minstens 12 tekens"):
        write_bundle(tmp_path / "x.bundel", small.manifest, small.events, "elf-tekens!",
                     kdf=TEST_KDF)
    assert list(tmp_path.iterdir()) == []


def test_a_manifest_that_does_not_match_writes_nothing_and_keeps_the_old_file(
        tmp_path: Path, small: Bundle) -> None:
    target = tmp_path / "week.bundel"
    target.write_bytes(b"vorige bundel")
    with pytest.raises(ValueError, match="manifest"):
        write_bundle(target, small.manifest, list(small.events)[:-1], PASSPHRASE,
                     personal=small.personal, kdf=TEST_KDF)
    assert target.read_bytes() == b"vorige bundel"
    assert [p.name for p in tmp_path.iterdir()] == ["week.bundel"]


def test_a_bundle_into_a_missing_folder_is_one_clear_error(tmp_path: Path,
                                                           small: Bundle) -> None:
    with pytest.raises(BundleIOError, match="kan niet worden geschreven"):
        write(tmp_path / "nergens" / "x.bundel", small)


# ---------------------------------------------------------------------------
# Not a bundle, newer, wrong passphrase


def foreign_files(folder: Path) -> Iterator[tuple[Path, str]]:
    empty = folder / "leeg.bundel"
    empty.write_bytes(b"")
    yield empty, "leeg"
    db = folder / "register.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE events (id TEXT)")
    yield db, "SQLite-database"
    xlsx = folder / "weekexport.xlsx"
    wb = Workbook()
    wb.active.append(["casus", "status"])  # type: ignore[union-attr]
    wb.save(xlsx)
    yield xlsx, "Excelbestand"
    noise = folder / "ruis.bin"
    noise.write_bytes(random.Random(5).randbytes(4096))
    yield noise, ""
    yield EXAMPLE, ""


def test_foreign_files_are_not_a_bundle(tmp_path: Path) -> None:
    for path, hint in foreign_files(tmp_path):
        with pytest.raises(NotABundle, match="geen uitwisselingsbundel") as info:
            read(path)
        assert hint in str(info.value)
        with pytest.raises(NotABundle):
            read_header(path)


def test_a_newer_format_version_asks_for_an_update(small_file: Path) -> None:
    data = small_file.read_bytes()
    small_file.write_bytes(refit_header(data, header_json(data), version=2))
    with pytest.raises(NewerBundleVersion, match="nieuwere versie") as info:
        read(small_file)
    assert info.value.version == 2
    small_file.write_bytes(refit_header(data, header_json(data), version=0))
    with pytest.raises(DamagedBundle):
        read(small_file)


def test_a_wrong_exchange_passphrase_is_said_so(small_file: Path) -> None:
    with pytest.raises(WrongExchangePassphrase, match="klopt niet"):
        read(small_file, passphrase="een-andere-lange-zin")


def test_the_key_check_decides_the_passphrase_and_the_wrapped_key_its_damage(
        small_file: Path, small: Bundle) -> None:
    data = small_file.read_bytes()
    header = header_json(data)
    wrapped = bytearray(bf.unb64(header["wrapped_key"]))
    wrapped[5] ^= 0x40
    small_file.write_bytes(refit_header(data, {**header, "wrapped_key": b64(bytes(wrapped))}))
    with pytest.raises(DamagedBundle, match="de sleutel in de kop is beschadigd"):
        read(small_file)
    small_file.write_bytes(refit_header(data, header))
    assert read(small_file).manifest == small.manifest


# ---------------------------------------------------------------------------
# Damage: every byte flipped, every length cut, bytes appended, chunks moved


def classify(data: bytes) -> tuple[type[BaseException] | None, str]:
    """Read a bundle's bytes from memory (the loops below read thousands of variants)."""
    try:
        read_bundle_from(io.BytesIO(data), BAD, PASSPHRASE, check_payload=None)
    except BundleFileError as exc:
        return type(exc), str(exc)
    return None, ""


BAD = Path("kapot.bundel")


def test_every_flipped_byte_is_found_and_named_by_where_it_is(
        tmp_path: Path, small_file: Path) -> None:
    data = small_file.read_bytes()
    lay = layout(data)
    header = header_json(data)
    text = data[17:lay.header_end]
    wrapped_at = 17 + text.index(header["wrapped_key"].encode())
    check_at = 17 + text.index(header["key_check"].encode())
    regions: dict[str, range] = {
        "signature": range(0, 11), "version and length": range(11, 17),
        "key check": range(check_at, check_at + 44),
        "wrapped key": range(wrapped_at, wrapped_at + 64),
        "header": range(17, lay.header_end), "digest": range(lay.header_end, lay.body_start),
    }
    for i, chunk in enumerate(lay.chunks):
        regions[f"flag {i}"] = range(chunk.start, chunk.start + 1)
        regions[f"length {i}"] = range(chunk.start + 1, chunk.start + 5)
        regions[f"ciphertext {i}"] = range(chunk.start + 5, chunk.end)
    found: dict[str, set[str]] = {}
    for pos in range(len(data)):
        for mask in (0x01, 0x80):
            changed = bytearray(data)
            changed[pos] ^= mask
            kind, message = classify(bytes(changed))
            where = next(n for n, r in regions.items() if pos in r)
            found.setdefault(where, set()).add(message)
            if where == "signature":
                assert kind is NotABundle, pos
            else:
                assert kind is DamagedBundle, (pos, where, kind, message)
    for where in ("version and length", "key check", "wrapped key", "header", "digest"):
        assert all("kop" in m for m in found[where]), where
    for i in range(len(lay.chunks)):
        changed_chunk = str(DamagedBundle(BAD, f"blok {i + 1} is gewijzigd, verplaatst of "
                                               "afgebroken"))
        # a flag flipped to the other valid value fails the tag, to any other value it
        # is refused outright
        assert found[f"flag {i}"] == {str(DamagedBundle(BAD, f"blok {i + 1} is beschadigd")),
                                      changed_chunk}
        assert all(f"blok {i + 1}" in m or "afgebroken" in m for m in found[f"length {i}"])
        assert found[f"ciphertext {i}"] == {changed_chunk}
    assert len(lay.chunks) >= 4


def test_a_file_cut_anywhere_is_found(small_file: Path) -> None:
    data = small_file.read_bytes()
    for length in range(len(data)):
        kind, message = classify(data[:length])
        assert kind is (NotABundle if length == 0 else DamagedBundle), length
        if length >= layout(data).body_start:
            assert "afgebroken" in message


def test_bytes_appended_after_the_last_chunk_are_found(small_file: Path) -> None:
    data = small_file.read_bytes()
    for tail in (b"\x00", b"extra", data[-40:]):
        small_file.write_bytes(data + tail)
        with pytest.raises(DamagedBundle, match="achter het laatste blok"):
            read(small_file)


def rebuild(data: bytes, order: list[int]) -> bytes:
    lay = layout(data)
    return data[:lay.body_start] + b"".join(
        data[lay.chunks[i].start:lay.chunks[i].end] for i in order)


def test_chunks_swapped_dropped_or_repeated_are_found(small_file: Path) -> None:
    data = small_file.read_bytes()
    n = len(layout(data).chunks)
    orders = {
        "swapped": [1, 0, *range(2, n)],
        "last two swapped": [*range(n - 2), n - 1, n - 2],
        "middle dropped": [0, *range(2, n)],
        "repeated": [0, 0, *range(1, n)],
        "last dropped": list(range(n - 1)),
    }
    for name, order in orders.items():
        kind, _ = classify(rebuild(data, order))
        assert kind is DamagedBundle, name


def test_a_chunk_from_another_bundle_is_found(tmp_path: Path, small: Bundle) -> None:
    one = write(tmp_path / "een.bundel", small, chunk_size=96).read_bytes()
    two = write(tmp_path / "twee.bundel", small, chunk_size=96).read_bytes()
    a, b = layout(one), layout(two)
    mixed = one[:a.chunks[1].start] + two[b.chunks[1].start:b.chunks[1].end] + one[
        a.chunks[1].end:]
    (tmp_path / "gemengd.bundel").write_bytes(mixed)
    with pytest.raises(DamagedBundle, match="blok 2"):
        read(tmp_path / "gemengd.bundel")


def test_the_last_chunk_flag_cannot_be_moved(small_file: Path) -> None:
    data = small_file.read_bytes()
    lay = layout(data)
    early = bytearray(data[:lay.chunks[1].start])
    early[lay.chunks[0].start] = 1  # "last" on the first chunk, the rest cut off
    small_file.write_bytes(bytes(early))
    with pytest.raises(DamagedBundle, match="blok 1 is gewijzigd"):
        read(small_file)
    late = bytearray(data)
    late[lay.chunks[-1].start] = 0  # the last chunk says "more"
    small_file.write_bytes(bytes(late))
    with pytest.raises(DamagedBundle):
        read(small_file)


# ---------------------------------------------------------------------------
# Hostile files: caps on every size and on the key derivation


def test_a_header_length_beyond_the_cap_is_refused_without_reading_it(
        small_file: Path) -> None:
    data = bytearray(small_file.read_bytes())
    data[13:17] = struct.pack(">I", 2**31)
    small_file.write_bytes(bytes(data))
    with pytest.raises(DamagedBundle, match="kop"):
        read(small_file)


def test_a_chunk_length_beyond_the_cap_is_refused(small_file: Path) -> None:
    data = bytearray(small_file.read_bytes())
    start = layout(bytes(data)).chunks[0].start
    data[start + 1:start + 5] = struct.pack(">I", 0xFFFFFFF0)
    small_file.write_bytes(bytes(data))
    with pytest.raises(DamagedBundle, match="blok 1 is beschadigd"):
        read(small_file)


def test_key_derivation_costs_are_bounded(small_file: Path) -> None:
    data = small_file.read_bytes()
    header = header_json(data)
    greedy = {**header, "kdf": {**header["kdf"], "memory_kib": 4 * 1024 * 1024}}
    small_file.write_bytes(refit_header(data, greedy))
    with pytest.raises(BundleTooLarge, match="sleutelafleiding"):
        read(small_file)
    absurd = {**header, "kdf": {**header["kdf"], "iterations": 10**9}}
    small_file.write_bytes(refit_header(data, absurd))
    with pytest.raises(DamagedBundle, match="sleutelafleiding"):
        read(small_file)
    other = {**header, "kdf": {**header["kdf"], "name": "pbkdf2"}}
    small_file.write_bytes(refit_header(data, other))
    with pytest.raises(DamagedBundle, match="sleutelafleiding"):
        read(small_file)


def test_a_zip_bomb_line_is_stopped_at_the_line_cap(tmp_path: Path, small: Bundle) -> None:
    bomb = zlib.compress(lines(small)[:200] + b" " * (32 * 2**20), 9)
    assert len(bomb) < 100_000
    path = craft(tmp_path / "bom.bundel", compressed=bomb)
    with pytest.raises(BundleTooLarge, match="regel"):
        read(path)


def test_a_zip_bomb_of_valid_lines_is_stopped_at_the_size_cap(tmp_path: Path,
                                                              small: Bundle) -> None:
    """JSON may be padded with blanks: every line stays valid, the whole grows and grows."""
    personal = [{"entity_id": k, "data": dict(v)} for k, v in small.personal.items()]
    manifest, *rest = lines(small, *personal).split(b"\n")[:-1]
    padded = b"".join([manifest + b"\n", *(b" " * 60_000 + line + b"\n" for line in rest)])
    path = craft(tmp_path / "bom.bundel", padded)
    assert path.stat().st_size < 20_000
    with pytest.raises(BundleTooLarge, match=r"uitgepakt groter dan 0\.25 MB"):
        read(path, limits=Limits(decompressed_bytes=2**18))
    assert read(path).manifest == small.manifest  # within the default caps it is a bundle


def test_more_events_than_the_cap_are_refused_before_reading_them(
        small_file: Path) -> None:
    with pytest.raises(BundleTooLarge, match="meer dan 3 stappen"):
        read(small_file, limits=Limits(events=3))


# ---------------------------------------------------------------------------
# Authentic files with wrong content (only a faulty or hostile sender makes them)


def test_authentic_but_malformed_content_is_an_invalid_bundle(
        tmp_path: Path, small: Bundle) -> None:
    good = lines(small, *[{"entity_id": k, "data": dict(v)} for k, v in
                          small.personal.items()])
    event = small.events[2].to_json()
    cases: dict[str, bytes] = {
        "inhoudsopgave ontbreekt": b"",
        "inhoudsopgave is geen geldige JSON": b"{manifest\n",
        "stap 1 is geen geldige JSON": good.split(b"\n")[0] + b"\n{\"id\": NaN}\n",
        "meer dan de inhoudsopgave": good + b"{}\n",
        "minder dan de inhoudsopgave": good.rsplit(b"\n", 2)[0] + b"\n",
        "niet afgesloten": good[:-1],
        event["id"]: lines(small, events=[*(e.to_json() for e in small.events[:2]),
                                          {**event, "actor": "Mallory"},
                                          *(e.to_json() for e in small.events[3:])]),
        "onbekend persoonsgegeven": lines(small, {"entity_id": next(iter(small.personal)),
                                                  "data": {"schoenmaat": "43"}}),
    }
    for expected, plain in cases.items():
        path = craft(tmp_path / "inhoud.bundel", plain)
        with pytest.raises(InvalidBundle) as info:
            read(path)
        assert expected in str(info.value), expected
    stream = zlib.compress(good)
    for name, compressed in {"midden in": stream[:-8],
                             "achter het einde van de inhoud": stream + b"rest"}.items():
        path = craft(tmp_path / "inhoud.bundel", compressed=compressed)
        with pytest.raises(InvalidBundle, match=name):
            read(path)


def test_payload_content_is_checked_with_the_check_given(small_file: Path,
                                                         small: Bundle) -> None:
    def no_notes(kind: str, payload: Any) -> list[FieldError]:
        return [FieldError("text", "onleesbaar")] if kind == "note" else []

    with pytest.raises(InvalidBundle, match=f"stap {small.events[1].id}: payload.text"):
        read_bundle(small_file, PASSPHRASE, check_payload=no_notes)


def test_missing_files_and_folders_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BundleIOError, match="bestaat niet"):
        read(tmp_path / "weg.bundel")
    with pytest.raises(BundleIOError, match="is een map"):
        read(tmp_path)


# ---------------------------------------------------------------------------
# Nothing readable inside


def test_no_summary_bsn_or_name_appears_in_the_bundle_bytes(tmp_path: Path) -> None:
    summary = "Mevrouw Zwaluwstaart kreeg een naheffing kinderopvangtoeslag"
    zwl = chain(device_events("ZWL", cases=3, steps=2, summary=summary, actor="Bert Zwaluw"))
    bundle = make_bundle({"ZWL": (0, zwl)}, source="ZWL", complete=True,
                         handover=[str(zwl[0].number)],
                         personal={zwl[0].entity_id: {"bsn": "123456782",
                                                      "name": "Zwaluwstaart"}})
    path = write(tmp_path / "overdracht.bundel", bundle, level=0)  # no compression to hide it
    data = path.read_bytes()
    for secret in (summary, "Zwaluwstaart", "Zwaluw", "123456782", "kinderopvangtoeslag",
                   zwl[0].entity_id, str(zwl[0].number)):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in data, secret
    assert read(path).personal == bundle.personal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overdracht.bundel"]


# ---------------------------------------------------------------------------
# Random bundles


@st.composite
def random_bundles(draw: Any) -> Bundle:
    codes = draw(st.lists(st.sampled_from(["ZWL", "UTR", "APD"]), max_size=3, unique=True))
    parts: dict[str, tuple[int, list[CanonicalEvent]]] = {}
    for code in codes:
        evs = canonical_chain(code, cases=draw(st.integers(1, 4)), steps=draw(st.integers(0, 4)))
        start = draw(st.integers(0, len(evs) - 1))
        parts[code] = (start, evs[start:])
    return make_bundle(parts, source="TL", sequence=draw(st.integers(1, 10**6)))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bundle=random_bundles(), chunk_size=st.integers(16, 3000), level=st.integers(0, 9),
       data=st.data())
def test_random_bundles_round_trip_and_any_change_is_refused(
        tmp_path: Path, bundle: Bundle, chunk_size: int, level: int, data: Any) -> None:
    path = write(tmp_path / "r.bundel", bundle, chunk_size=chunk_size, level=level)
    back = read(path)
    assert back.manifest == bundle.manifest and list(back.events) == list(bundle.events)
    raw = path.read_bytes()
    # positions drawn independent of the size (keys, ids and compression vary per run)
    pos = data.draw(st.integers(0, 2**20)) % len(raw)
    mask = data.draw(st.integers(1, 255))
    changed = bytearray(raw)
    changed[pos] ^= mask
    kind, _ = classify(bytes(changed))
    assert kind in (NotABundle, DamagedBundle), (pos, kind)
    cut = data.draw(st.integers(0, 2**20)) % len(raw)
    kind, _ = classify(raw[:cut])
    assert kind in (NotABundle, DamagedBundle), (cut, kind)
    kind, _ = classify(raw + data.draw(st.binary(min_size=1, max_size=64)))
    assert kind is DamagedBundle
