"""The exchange bundle file: a plaintext header, then compressed JSON under AES-256-GCM.

Layout (all integers big-endian; docs/BUNDLES.md has the table):

    frame    "CASUSBUNDEL" (11 bytes), format version (u16), header length N (u32),
             the header (N bytes of canonical JSON), SHA-256 of everything before it
    chunks   flag (u8: 0 more, 1 last), length L (u32), L bytes of AES-256-GCM
             ciphertext with its 16-byte tag, repeated; nothing after the last one

The frame stays the same in every format version, so any version can say "not a
bundle", "damaged header" and "newer version" apart before it reads further. The
header holds the Argon2id salt and parameters, a key-check value and the random bundle
key wrapped under the key derived from the team's exchange passphrase: a wrong
passphrase fails the key check, a damaged wrapped key fails its tag after the key
check passed, so "wrong passphrase" is said only when it is true.

Chunk ``i`` is sealed under the bundle key with nonce ``0000 || u64(i)`` and associated
data ``header digest || u64(i) || flag``: a chunk moved, dropped, altered, taken from
another bundle, or a file cut at a chunk boundary, fails its tag or misses its last
chunk. The plaintext of the chunks, joined, is one zlib stream of UTF-8 JSON lines:
the manifest, then each event in canonical form, then each handed-over case's P2
data; the manifest's counts say how many of each follow.

A bundle comes from another laptop: reading caps the header, each chunk, the
decompressed size, each line and the number of events, bounds Argon2id's cost, and
checks every event (``app.model.canonical``) before anything is returned.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

from app.model.bulk import paused_gc
from app.model.bundle import (
    Bundle,
    InvalidBundle,
    Manifest,
    Tally,
    manifest_problems,
    parse_manifest,
    parse_personal,
    personal_to_json,
)
from app.model.canonical import (
    CanonicalError,
    CanonicalEvent,
    EventParser,
    PayloadCheck,
    canonical_line,
)
from app.model.errors import UserError
from app.model.os_errors import describe_os_error
from app.storage.crypto import (
    DEFAULT_KDF,
    KEY_BYTES,
    NONCE_BYTES,
    SALT_BYTES,
    BadParameters,
    KdfParams,
    WrongSecret,
    b64,
    derive_key,
    mac,
    open_sealed,
    random_key,
    random_salt,
    same,
    seal,
    unb64,
)
from app.storage.files import atomic_writer

MAGIC = b"CASUSBUNDEL"
FORMAT_VERSION = 1
MIN_EXCHANGE_PASSPHRASE = 12
#: Compressed bytes sealed per chunk when writing.
CHUNK_SIZE = 256 * 1024
TAG_BYTES = 16
DIGEST_BYTES = 32
MORE, LAST = 0, 1

_FRAME = struct.Struct(">11sHI")  # magic, version, header length: 17 bytes
_CHUNK = struct.Struct(">BI")  # flag, ciphertext length: 5 bytes
_KEY_CHECK = b"CASUSBUNDEL key check"
_WRAP_AAD = MAGIC + b" bundle key v1"
_HEADER_KEYS = frozenset({"cipher", "compression", "kdf", "salt", "key_check",
                          "wrap_nonce", "wrapped_key"})
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

#: ``progress(done, total)``: events written of all, or bytes read of the file.
Progress = Callable[[int, int], None]


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is geen JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


@dataclass(frozen=True)
class Limits:
    """What a bundle may ask of the reader; anything beyond is refused, not tried.

    The defaults leave room for a register many times the 10,000-case scale
    (docs/BENCHMARKS.md: about 120,000 events, some 80 MB of JSON) while a hostile file
    cannot make the reader spend more than about a gigabyte or a few seconds of
    Argon2id.
    """

    header_bytes: int = 64 * 1024
    chunk_bytes: int = 4 * 1024 * 1024 + TAG_BYTES
    decompressed_bytes: int = 1024 * 1024 * 1024
    line_bytes: int = 8 * 1024 * 1024
    events: int = 2_000_000
    kdf_memory_kib: int = 1024 * 1024
    kdf_iterations: int = 10


LIMITS = Limits()


# ---------------------------------------------------------------------------
# Refusals: one class and one Dutch reason each


class BundleFileError(UserError):
    """A bundle file that cannot be used; ``str()`` is the one line to show."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


class NotABundle(BundleFileError):
    def __init__(self, path: Path, hint: str = "") -> None:
        super().__init__(path, f"'{path.name}' is geen uitwisselingsbundel van "
                               f"Casusregister{hint}.")


class NewerBundleVersion(BundleFileError):
    def __init__(self, path: Path, version: int) -> None:
        self.version = version
        super().__init__(path, f"'{path.name}' is gemaakt door een nieuwere versie van "
                               f"Casusregister (bundelformaat {version}; dit programma kent "
                               f"tot en met {FORMAT_VERSION}). Werk het programma bij.")


class WrongExchangePassphrase(BundleFileError):
    def __init__(self, path: Path) -> None:
        super().__init__(path, f"De uitwisselingswachtwoordzin klopt niet voor "
                               f"'{path.name}'.")


class DamagedBundle(BundleFileError):
    def __init__(self, path: Path, detail: str) -> None:
        self.detail = detail
        super().__init__(path, f"'{path.name}' is beschadigd of onvolledig ({detail}). "
                               "Er is niets ingelezen; vraag de afzender om de bundel "
                               "opnieuw te sturen.")


class BundleTooLarge(BundleFileError):
    def __init__(self, path: Path, detail: str) -> None:
        self.detail = detail
        super().__init__(path, f"'{path.name}' vraagt meer dan dit programma aanneemt "
                               f"({detail}). Er is niets ingelezen.")


class BundleIOError(BundleFileError):
    def __init__(self, path: Path, error: OSError, writing: bool = False) -> None:
        verb = "geschreven" if writing else "gelezen"
        reason = describe_os_error(error)
        super().__init__(path, f"'{path.name}' kan niet worden {verb}: {reason}.")


class WeakExchangePassphrase(UserError):
    def __init__(self) -> None:
        super().__init__(f"De uitwisselingswachtwoordzin moet minstens "
                         f"{MIN_EXCHANGE_PASSPHRASE} tekens hebben.")


def check_exchange_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_EXCHANGE_PASSPHRASE:
        raise WeakExchangePassphrase()


# ---------------------------------------------------------------------------
# The header


@dataclass(frozen=True)
class BundleHeader:
    """The plaintext frame and header of a bundle, read without its passphrase."""

    version: int
    kdf: KdfParams
    salt: bytes
    key_check: bytes
    wrap_nonce: bytes
    wrapped_key: bytes
    digest: bytes
    size: int  # bytes before the first chunk


def _header_json(kdf: KdfParams, salt: bytes, key_check: bytes, nonce: bytes,
                 wrapped: bytes) -> bytes:
    return _ENCODER.encode({
        "cipher": "aes-256-gcm", "compression": "zlib", "kdf": kdf.to_json(),
        "salt": b64(salt), "key_check": b64(key_check), "wrap_nonce": b64(nonce),
        "wrapped_key": b64(wrapped),
    }).encode("utf-8")


def _not_a_bundle_hint(head: bytes) -> str:
    if not head:
        return " (het bestand is leeg)"
    if head.startswith(b"SQLite format 3\x00"):
        return " (het is een SQLite-database)"
    if head.startswith(b"PK\x03\x04"):
        return " (het is een zip- of Excelbestand)"
    return ""


def _read_header(fh: IO[bytes], path: Path, limits: Limits) -> BundleHeader:
    frame = fh.read(_FRAME.size)
    if frame[:len(MAGIC)] != MAGIC:
        if frame and MAGIC.startswith(frame):
            raise DamagedBundle(path, "het bestand is afgebroken in de kop")
        raise NotABundle(path, _not_a_bundle_hint(frame))
    if len(frame) < _FRAME.size:
        raise DamagedBundle(path, "het bestand is afgebroken in de kop")
    _, version, length = _FRAME.unpack(frame)
    if not 0 < length <= limits.header_bytes:
        raise DamagedBundle(path, "de kop is beschadigd")
    body = fh.read(length + DIGEST_BYTES)
    if len(body) < length + DIGEST_BYTES:
        raise DamagedBundle(path, "het bestand is afgebroken in de kop")
    text, digest = body[:length], body[length:]
    if not same(hashlib.sha256(frame + text).digest(), digest):
        raise DamagedBundle(path, "de kop is beschadigd")
    if version > FORMAT_VERSION:
        raise NewerBundleVersion(path, version)
    if version < 1:
        raise DamagedBundle(path, "onbekende formaatversie 0")
    return _parse_header(text, version, digest, _FRAME.size + length + DIGEST_BYTES,
                         path, limits)


def _parse_header(text: bytes, version: int, digest: bytes, size: int, path: Path,
                  limits: Limits) -> BundleHeader:
    try:
        data = _DECODER.decode(text.decode("utf-8"))
        if not isinstance(data, dict) or data.keys() != _HEADER_KEYS or (
                data["cipher"], data["compression"]) != ("aes-256-gcm", "zlib"):
            raise ValueError("unknown header")
        kdf = KdfParams.from_json(data["kdf"])
        header = BundleHeader(
            version, kdf, unb64(data["salt"], SALT_BYTES),
            unb64(data["key_check"], DIGEST_BYTES), unb64(data["wrap_nonce"], NONCE_BYTES),
            unb64(data["wrapped_key"], KEY_BYTES + TAG_BYTES), digest, size)
    except BadParameters:
        raise DamagedBundle(path, "de sleutelafleiding in de kop is ongeldig") from None
    except (ValueError, TypeError):
        raise DamagedBundle(path, "de kop is ongeldig") from None
    if kdf.memory_kib > limits.kdf_memory_kib or kdf.iterations > limits.kdf_iterations:
        raise BundleTooLarge(path, "de sleutelafleiding vraagt te veel geheugen of tijd")
    return header


def read_header(path: Path, limits: Limits = LIMITS) -> BundleHeader:
    """The frame and header alone: tells a bundle from other files without a passphrase."""
    try:
        with open(path, "rb") as fh:
            return _read_header(fh, path, limits)
    except OSError as exc:
        raise BundleIOError(path, exc) from None


class UnwrappedKeys:
    """Bundle keys unwrapped during one import, by header digest.

    An import reads each file's manifest first (to sort the files) and then the whole
    file: without this, each file would cost Argon2id twice (0.15 s each here). The
    digest covers the salt, the parameters and the wrapped key, so one digest is one
    bundle key; an instance lives for one call with one passphrase, then goes away.
    """

    def __init__(self) -> None:
        self._keys: dict[bytes, bytes] = {}

    def get(self, header: BundleHeader) -> bytes | None:
        return self._keys.get(header.digest)

    def put(self, header: BundleHeader, key: bytes) -> None:
        self._keys[header.digest] = key


def _unlock(header: BundleHeader, passphrase: str, path: Path,
            keys: UnwrappedKeys | None = None) -> bytes:
    known = keys.get(header) if keys is not None else None
    if known is not None:
        return known
    kek = derive_key(passphrase, header.salt, header.kdf)
    if not same(mac(kek, _KEY_CHECK), header.key_check):
        raise WrongExchangePassphrase(path)
    try:
        key = open_sealed(kek, header.wrap_nonce, header.wrapped_key, _WRAP_AAD)
    except WrongSecret:
        raise DamagedBundle(path, "de sleutel in de kop is beschadigd") from None
    if keys is not None:
        keys.put(header, key)
    return key


# ---------------------------------------------------------------------------
# Chunks


def _nonce(index: int) -> bytes:
    return bytes(4) + index.to_bytes(8, "big")


def _aad(digest: bytes, index: int, flag: int) -> bytes:
    return digest + index.to_bytes(8, "big") + bytes((flag,))


class _ChunkWriter:
    def __init__(self, fh: IO[bytes], key: bytes, digest: bytes, size: int) -> None:
        self._fh, self._key, self._digest, self._size = fh, key, digest, size
        self._buffer = bytearray()
        self._index = 0
        self.written = 0

    def _emit(self, data: bytes, flag: int) -> None:
        _, sealed = seal(self._key, data, _aad(self._digest, self._index, flag),
                         _nonce(self._index))
        self._fh.write(_CHUNK.pack(flag, len(sealed)))
        self._fh.write(sealed)
        self.written += _CHUNK.size + len(sealed)
        self._index += 1

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > self._size:
            self._emit(bytes(self._buffer[:self._size]), MORE)
            del self._buffer[:self._size]

    def close(self) -> None:
        self._emit(bytes(self._buffer), LAST)
        self._buffer.clear()


def _chunks(fh: IO[bytes], path: Path, key: bytes, header: BundleHeader, limits: Limits,
            total: int, progress: Progress | None) -> Iterator[bytes]:
    """Decrypt chunk after chunk, refusing a file cut short, reordered or extended."""
    index, done = 0, header.size
    while True:
        head = fh.read(_CHUNK.size)
        if len(head) < _CHUNK.size:
            raise DamagedBundle(path, "het bestand is afgebroken")
        flag, length = _CHUNK.unpack(head)
        if flag not in (MORE, LAST) or not TAG_BYTES <= length <= limits.chunk_bytes:
            raise DamagedBundle(path, f"blok {index + 1} is beschadigd")
        sealed = fh.read(length)
        if len(sealed) < length:
            raise DamagedBundle(path, "het bestand is afgebroken")
        try:
            plain = open_sealed(key, _nonce(index), sealed, _aad(header.digest, index, flag))
        except WrongSecret:
            raise DamagedBundle(path, f"blok {index + 1} is gewijzigd, verplaatst of "
                                      "afgebroken") from None
        done += _CHUNK.size + length
        if progress is not None:
            progress(done, total)
        yield plain
        index += 1
        if flag == LAST:
            if fh.read(1):
                raise DamagedBundle(path, "achter het laatste blok staan nog gegevens")
            return


def _lines(chunks: Iterable[bytes], path: Path, limits: Limits) -> Iterator[bytes]:
    """Inflate the chunks and split the JSON lines, within the size caps."""
    inflater = zlib.decompressobj()
    pending = b""
    total = 0
    step = 1024 * 1024
    try:
        for chunk in chunks:
            tail = chunk
            while True:
                out = inflater.decompress(tail, step)
                tail = inflater.unconsumed_tail
                total += len(out)
                if total > limits.decompressed_bytes:
                    raise BundleTooLarge(path, "uitgepakt groter dan "
                                               f"{limits.decompressed_bytes / 2**20:g} MB")
                if b"\n" in out:
                    *whole, last = (pending + out).split(b"\n")
                    yield from whole
                    pending = last
                else:
                    pending += out
                if len(pending) > limits.line_bytes:
                    raise BundleTooLarge(path, "een regel is groter dan "
                                               f"{limits.line_bytes / 2**20:g} MB")
                if inflater.eof and (tail or inflater.unused_data):
                    raise InvalidBundle("er staan gegevens achter het einde van de inhoud")
                if not tail and len(out) < step:
                    break
    except zlib.error:
        raise InvalidBundle("de inhoud is niet uit te pakken") from None
    if not inflater.eof:
        raise InvalidBundle("de inhoud houdt midden in op")
    if pending:
        raise InvalidBundle("de laatste regel is niet afgesloten")


def _json_line(line: bytes, what: str) -> Any:
    try:
        return _DECODER.decode(line.decode("utf-8"))
    except (ValueError, RecursionError):
        raise InvalidBundle(f"{what} is geen geldige JSON") from None


# ---------------------------------------------------------------------------
# Writing


def write_bundle(
    path: Path,
    manifest: Manifest,
    events: Iterable[CanonicalEvent],
    passphrase: str,
    *,
    personal: Mapping[str, Mapping[str, str]] | None = None,
    kdf: KdfParams = DEFAULT_KDF,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    level: int = 1,
    payload_json: Mapping[str, str] | None = None,
) -> int:
    """Write a bundle beside ``path`` and rename it into place; return its size.

    ``events`` may be streamed (from the register, in any order); they are tallied
    as they are written and the manifest must match them, or nothing is written
    (``ValueError``: the caller built a wrong manifest). ``personal`` is the P2 data
    of a handover's cases, by case entity id. zlib's fastest level: it compresses
    event JSON almost as well as the default (5.0x against 5.6x) at a third of the time.
    ``payload_json``: event id -> the payload's canonical JSON where the caller has it
    (the sender's stored text, whose hash it checked), written as it is.
    """
    check_exchange_passphrase(passphrase)
    if not 1 <= chunk_size <= LIMITS.chunk_bytes - TAG_BYTES:
        raise ValueError("chunk_size out of range")
    salt, key = random_salt(), random_key()
    kek = derive_key(passphrase, salt, kdf)
    wrap_nonce, wrapped = seal(kek, key, _WRAP_AAD)
    text = _header_json(kdf, salt, mac(kek, _KEY_CHECK), wrap_nonce, wrapped)
    frame = _FRAME.pack(MAGIC, FORMAT_VERSION, len(text))
    digest = hashlib.sha256(frame + text).digest()
    rows = sorted((personal or {}).items())
    total = manifest.events
    try:
        with atomic_writer(path, "wb") as raw, paused_gc():
            fh: IO[bytes] = raw  # type: ignore[assignment]
            fh.write(frame + text + digest)
            sink = _ChunkWriter(fh, key, digest, chunk_size)
            deflater = zlib.compressobj(level)
            batch: list[str] = [_ENCODER.encode(manifest.to_json()), "\n"]
            tally = Tally()
            texts = payload_json or {}
            for ev in events:
                tally.add(ev)
                batch.append(canonical_line(ev, texts.get(ev.id)))
                batch.append("\n")
                if len(batch) >= 2000:
                    sink.feed(deflater.compress("".join(batch).encode("utf-8")))
                    batch.clear()
                    if progress is not None:
                        progress(tally.events, total)
            for entity_id, data in rows:
                batch.append(_ENCODER.encode(personal_to_json(entity_id, data)))
                batch.append("\n")
            problems = manifest_problems(manifest, tally, len(rows))
            if problems:
                raise ValueError("bundle manifest does not match: " + "; ".join(problems))
            sink.feed(deflater.compress("".join(batch).encode("utf-8")))
            sink.feed(deflater.flush())
            sink.close()
            size = len(frame) + len(text) + len(digest) + sink.written
    except OSError as exc:
        raise BundleIOError(path, exc, writing=True) from None
    if progress is not None:
        progress(total, total)
    return size


# ---------------------------------------------------------------------------
# Reading


class _Opened:
    """A bundle file with its header read and its key unwrapped."""

    def __init__(self, fh: IO[bytes], path: Path, passphrase: str, limits: Limits,
                 progress: Progress | None, keys: UnwrappedKeys | None = None) -> None:
        self.path, self.limits = path, limits
        self.header = _read_header(fh, path, limits)
        key = _unlock(self.header, passphrase, path, keys)
        here = fh.tell()
        total = fh.seek(0, 2)
        fh.seek(here)
        self.lines = _lines(_chunks(fh, path, key, self.header, limits, total, progress),
                            path, limits)

    def manifest(self) -> Manifest:
        first = next(self.lines, None)
        if first is None:
            raise InvalidBundle("de inhoudsopgave ontbreekt")
        manifest = parse_manifest(_json_line(first, "de inhoudsopgave"))
        if manifest.events > self.limits.events:
            raise BundleTooLarge(self.path, f"meer dan {self.limits.events} stappen")
        return manifest

    def body(self, manifest: Manifest, check_payload: PayloadCheck | None,
             texts: dict[str, str] | None = None
             ) -> tuple[list[CanonicalEvent], dict[str, dict[str, str]]]:
        parser = EventParser(check_payload, texts)
        events: list[CanonicalEvent] = []
        personal: dict[str, dict[str, str]] = {}
        for number, line in enumerate(self.lines):
            if number < manifest.events:
                events.append(parser.parse(_json_line(line, f"stap {number + 1}")))
            elif number < manifest.events + manifest.personal:
                entity_id, data = parse_personal(_json_line(line, "persoonsgegevens"))
                if entity_id in personal:
                    raise InvalidBundle("persoonsgegevens van één casus staan er dubbel in")
                personal[entity_id] = data
            else:
                raise InvalidBundle("de bundel bevat meer dan de inhoudsopgave noemt")
        if len(events) + len(personal) < manifest.events + manifest.personal:
            raise InvalidBundle("de bundel bevat minder dan de inhoudsopgave noemt")
        return events, personal


def read_bundle(
    path: Path,
    passphrase: str,
    *,
    check_payload: PayloadCheck | None,
    limits: Limits = LIMITS,
    progress: Progress | None = None,
    texts: dict[str, str] | None = None,
    keys: UnwrappedKeys | None = None,
) -> Bundle:
    """Read, decrypt and check a whole bundle; nothing partial is ever returned.

    Raises ``NotABundle``, ``NewerBundleVersion``, ``WrongExchangePassphrase``,
    ``DamagedBundle``, ``BundleTooLarge``, ``BundleIOError`` (file errors) or
    ``InvalidBundle`` (a whole, authentic file with wrong content). Every event is
    checked in canonical form with ``check_payload`` for its payload's content; the
    bundle's consistency with itself and the receiver is ``app.model.merge``'s job.
    ``texts``, when given, receives each unerased event's payload as canonical JSON
    (by event id): the text whose hash was checked, which a merge stores as it is.
    """
    try:
        with open(path, "rb") as fh:
            return read_bundle_from(fh, path, passphrase, check_payload=check_payload,
                                    limits=limits, progress=progress, texts=texts,
                                    keys=keys)
    except OSError as exc:
        raise BundleIOError(path, exc) from None


def read_bundle_from(
    fh: IO[bytes],
    path: Path,
    passphrase: str,
    *,
    check_payload: PayloadCheck | None,
    limits: Limits = LIMITS,
    progress: Progress | None = None,
    texts: dict[str, str] | None = None,
    keys: UnwrappedKeys | None = None,
) -> Bundle:
    """``read_bundle`` from an open binary file; ``path`` only names it in messages."""
    try:
        with paused_gc():
            opened = _Opened(fh, path, passphrase, limits, progress, keys)
            manifest = opened.manifest()
            events, personal = opened.body(manifest, check_payload, texts)
    except CanonicalError as exc:
        raise InvalidBundle(str(exc)) from None
    return Bundle(manifest, events, personal)


def read_manifest(path: Path, passphrase: str, *, limits: Limits = LIMITS,
                  keys: UnwrappedKeys | None = None) -> Manifest:
    """Only the manifest (the first line), to sort files before reading them whole."""
    try:
        with open(path, "rb") as fh:
            return _Opened(fh, path, passphrase, limits, None, keys).manifest()
    except OSError as exc:
        raise BundleIOError(path, exc) from None
