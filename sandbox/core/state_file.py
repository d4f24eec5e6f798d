"""The emulator's state kept in a file across restarts (README, "State file").

Without it the emulator forgets every product, image, template, order and token when it stops, while the admin's
database keeps the remote ids and image URLs it was given: after a restart every publish that reuses an image, or
updates a product, is refused. ``python -m sandbox --state-file PATH`` (on by default in ``make run``) loads the state
at start and saves it while the emulator runs and when it stops.

* **Format.** One JSON document: a format name and version, then each part's state as the part keeps it, encoded by
  :func:`encode` (dataclasses of ``sandbox`` by their class, sets, tuples, deques, enums, decimals and maps with
  non-text keys tagged, so that :func:`decode` rebuilds the very objects). A file written while the emulator was
  ``channels_sync.sandbox`` names the classes by their modules of then: :data:`FORMER_MODULES` reads them. A file
  of another version, or one whose classes no longer match the code, is *incompatible*; like a corrupt file it is
  moved aside (renamed with a ``.broken-<time>`` suffix), reported, and the emulator starts empty: it never refuses
  to start.
* **Atomic.** A save writes a temporary file beside the target, flushes it to disk and renames it over the target,
  so a reader (or a crash) sees the old state or the new one, never half a file.
* **Concurrent requests.** The server is threaded: the state is encoded under the sandbox lock, which every
  handler holds, so a save sees the effects of whole calls only; the file is written outside the lock (calls are
  not held up by the disk), and saves are serialised so that a later state is never overwritten by an earlier one.
* **When.** Every applied change (and every token issued) moves the context's state version. A background thread
  looks every :data:`SAVE_INTERVAL_SECONDS` and saves when the version moved: a burst of calls (a publish uploads its
  images, creates the product, reads it back) costs one write instead of one per call, while a crash loses at most
  that interval of changes. ``reset`` saves at once (a reset must not come back after a crash), and stopping the
  server saves once more, unconditionally.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import enum
import importlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT_NAME = "shopadmin-sandbox-state"
# Bump when a stored shape changes in a way decode cannot tell (a renamed field is caught without it).
FORMAT_VERSION = 1
SAVE_INTERVAL_SECONDS = 0.5
# Only the emulator's own classes may be rebuilt from a file.
_TRUSTED_MODULE_PREFIX = "sandbox."
# Until the emulator became a package of its own it was channels_sync.sandbox, one module per platform: the classes a
# file of then names are read from the modules that hold them now (the class names did not change).
FORMER_MODULES = {
    "channels_sync.sandbox.tokens": "sandbox.core.tokens",
    "channels_sync.sandbox.wechat_store": "sandbox.wechat_store.state",
    "channels_sync.sandbox.channels": "sandbox.channels.state",
    "channels_sync.sandbox.minishop": "sandbox.minishop.state",
    "channels_sync.sandbox.tencent_ads": "sandbox.tencent_ads.state",
    "channels_sync.sandbox.open_platform": "sandbox.open_platform.state",
}
_TAG = "$"


class StateFormatError(ValueError):
    """The state cannot be written to, or read back from, the file's format."""


# --- encoding -----------------------------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """``value`` as plain JSON values, with tags where JSON has no equivalent type (see the module docstring).

    Raises :class:`StateFormatError` for a value of a type the format does not know, and for a mutable object
    reached twice: decoding would make two objects of it, so state that aliases objects cannot round-trip.
    """
    return _Encoder().encode(value)


class _Encoder:
    def __init__(self) -> None:
        self._seen: set[int] = set()

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float) and not isinstance(value, enum.Enum):
            return value
        if isinstance(value, enum.Enum):
            return {_TAG + "enum": _class_name(type(value)), "value": self.encode(value.value)}
        if isinstance(value, str):
            return value
        if isinstance(value, Decimal):
            return {_TAG + "decimal": str(value)}
        if isinstance(value, tuple):
            return {_TAG + "tuple": [self.encode(item) for item in value]}
        if isinstance(value, frozenset):
            return {_TAG + "frozenset": self._sorted([self.encode(item) for item in value])}
        self._once(value)
        if isinstance(value, list):
            return [self.encode(item) for item in value]
        if isinstance(value, set):
            return {_TAG + "set": self._sorted([self.encode(item) for item in value])}
        if isinstance(value, collections.deque):
            return {_TAG + "deque": [self.encode(item) for item in value], "maxlen": value.maxlen}
        if isinstance(value, dict):
            if all(isinstance(key, str) and not key.startswith(_TAG) for key in value):
                return {key: self.encode(item) for key, item in value.items()}
            return {_TAG + "map": [[self.encode(key), self.encode(item)] for key, item in value.items()]}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                _TAG + "dataclass": _class_name(type(value)),
                "fields": {field.name: self.encode(getattr(value, field.name)) for field in dataclasses.fields(value)},
            }
        raise StateFormatError(f"cannot store a {type(value).__qualname__}")

    def _once(self, value: Any) -> None:
        if id(value) in self._seen:
            raise StateFormatError(f"a {type(value).__qualname__} is reachable twice; state must not share objects")
        self._seen.add(id(value))

    @staticmethod
    def _sorted(items: list[Any]) -> list[Any]:
        # Sets have no order, and their iteration order follows the hash seed: sorted by their encoded JSON
        # (always comparable, unlike encoded tuples and dataclasses), so one state gives one file in every process.
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


# --- decoding -----------------------------------------------------------------------------------------------------


def decode(data: Any) -> Any:
    """The objects :func:`encode` was given. Raises :class:`StateFormatError` when ``data`` does not fit the code:
    an unknown tag or class, a dataclass whose fields changed, a malformed value."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        raise StateFormatError(f"unexpected {type(data).__qualname__} in the state")
    tags = [key for key in data if key.startswith(_TAG)]
    if not tags:
        return {key: decode(item) for key, item in data.items()}
    if len(tags) != 1:
        raise StateFormatError(f"an object holds several tags: {', '.join(sorted(tags))}")
    tag = tags[0][len(_TAG) :]
    body = data[tags[0]]
    try:
        return _DECODERS[tag](body, data)
    except KeyError as error:
        raise StateFormatError(f"unknown tag {tag!r} or a missing key in it: {error}") from error
    except (TypeError, ValueError, InvalidOperation) as error:
        if isinstance(error, StateFormatError):
            raise
        raise StateFormatError(f"a {tag} value does not fit the code: {error}") from error


def _trusted_class(name: Any) -> type:
    if not isinstance(name, str) or ":" not in name:
        raise StateFormatError(f"bad class name {name!r}")
    module_name, qualname = name.split(":", 1)
    module_name = FORMER_MODULES.get(module_name, module_name)
    if not module_name.startswith(_TRUSTED_MODULE_PREFIX):
        raise StateFormatError(f"class {name} is not one of the emulator's")
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as error:
        raise StateFormatError(f"class {name} no longer exists") from error
    if not isinstance(target, type):
        raise StateFormatError(f"{name} is not a class")
    return target


def _decode_dataclass(name: Any, data: dict[str, Any]) -> Any:
    cls = _trusted_class(name)
    if not dataclasses.is_dataclass(cls):
        raise StateFormatError(f"{name} is not a dataclass")
    stored = data["fields"]
    if not isinstance(stored, dict):
        raise StateFormatError(f"the fields of a {name} are not an object")
    fields = {field.name: field for field in dataclasses.fields(cls)}
    if set(stored) != set(fields):
        changed = sorted(set(stored) ^ set(fields))
        raise StateFormatError(f"the fields of {name} changed ({', '.join(changed)})")
    values = {key: decode(item) for key, item in stored.items()}
    instance = cls(**{key: value for key, value in values.items() if fields[key].init})
    for key, value in values.items():
        if not fields[key].init:
            object.__setattr__(instance, key, value)
    return instance


def _decode_enum(name: Any, data: dict[str, Any]) -> Any:
    cls = _trusted_class(name)
    if not issubclass(cls, enum.Enum):
        raise StateFormatError(f"{name} is not an enum")
    return cls(decode(data["value"]))


def _decode_deque(items: Any, data: dict[str, Any]) -> collections.deque:
    return collections.deque(_items(items), maxlen=data.get("maxlen"))


def _decode_map(pairs: Any, data: dict[str, Any]) -> dict:
    result = {}
    for pair in _items(pairs, raw=True):
        if not isinstance(pair, list) or len(pair) != 2:
            raise StateFormatError("a map entry is not a [key, value] pair")
        result[decode(pair[0])] = decode(pair[1])
    return result


def _decode_decimal(text: Any) -> Decimal:
    if not isinstance(text, str):
        raise StateFormatError("a decimal is not stored as text")
    return Decimal(text)


def _items(items: Any, *, raw: bool = False) -> list:
    if not isinstance(items, list):
        raise StateFormatError("a tagged collection does not hold a list")
    return items if raw else [decode(item) for item in items]


_DECODERS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "dataclass": _decode_dataclass,
    "enum": _decode_enum,
    "decimal": lambda text, _data: _decode_decimal(text),
    "tuple": lambda items, _data: tuple(_items(items)),
    "frozenset": lambda items, _data: frozenset(_items(items)),
    "set": lambda items, _data: set(_items(items)),
    "deque": _decode_deque,
    "map": _decode_map,
}


# --- the file -----------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LoadReport:
    """What :meth:`StateFile.load` found: ``state`` (None when the emulator starts empty), and when a file could not
    be used, why and where it was moved."""

    path: Path
    state: dict[str, Any] | None = None
    problem: str = ""
    set_aside_to: Path | None = None

    def describe(self) -> str:
        if self.problem:
            return (
                f"the state file {self.path} could not be used ({self.problem}); it was moved to "
                f"{self.set_aside_to} and the emulator starts empty"
            )
        if self.state is None:
            return f"no state file yet at {self.path}: the emulator starts empty and saves its state there"
        return f"state loaded from {self.path}"


class StateFile:
    """One state file: read once at start, written atomically."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> LoadReport:
        """The document in the file (format and version checked), or a report of why there is none; a file that
        cannot be used is moved aside."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return LoadReport(self.path)
        except (OSError, UnicodeDecodeError) as error:
            return self.set_aside(f"unreadable: {error}")
        try:
            document = json.loads(text)
        except ValueError as error:
            return self.set_aside(f"not JSON: {error}")
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
            return self.set_aside("not an emulator state file")
        if document.get("version") != FORMAT_VERSION:
            return self.set_aside(
                f"format version {document.get('version')!r}, this emulator reads version {FORMAT_VERSION}"
            )
        return LoadReport(self.path, state=document)

    def set_aside(self, problem: str) -> LoadReport:
        """Move the file out of the way (kept for inspection, never deleted) and report why."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.broken-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{self.path.name}.broken-{stamp}-{counter}")
        try:
            os.replace(self.path, target)
        except OSError as error:
            problem = f"{problem}; it could not be moved aside either ({error})"
            target = None
        logger.warning("sandbox.state.set_aside", extra={"detail": problem})
        return LoadReport(self.path, problem=problem, set_aside_to=target)

    def write(self, document: dict[str, Any]) -> None:
        """Replace the file with ``document``: a temporary file in the same folder, flushed, then renamed."""
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


class StateSaver:
    """Saves the sandbox's state to its file when it changed: from a background thread every ``interval`` seconds,
    on demand (:meth:`save_now`), and once more when stopped.

    ``export`` is called with the sandbox lock held and returns the JSON-ready document; ``version`` returns the
    context's state version (a number that moves with every change).
    """

    def __init__(
        self,
        state_file: StateFile,
        *,
        lock: threading.RLock,
        export: Callable[[], dict[str, Any]],
        version: Callable[[], int],
        interval: float = SAVE_INTERVAL_SECONDS,
    ) -> None:
        self.state_file = state_file
        self.interval = interval
        self._lock = lock
        self._export = export
        self._version = version
        # Serialises writes: the state exported later is always the one written later.
        self._write_lock = threading.Lock()
        self._saved_version: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.saves = 0

    def mark_saved(self) -> None:
        """The file holds the current state (it was just loaded): nothing to write until something changes."""
        self._saved_version = self._version()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-state", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and save once more, whatever the version says: some state moves without a change being
        noted (a push's delivery result, set on the delivery thread), and this is the last chance to keep it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.save(force=True)

    def save_now(self) -> None:
        self.save(force=True)

    def save(self, *, force: bool) -> bool:
        """Write the state if it changed since the last write (or always, with ``force``). A failure is logged and
        the emulator keeps running: the next change tries again. Returns whether the file was written."""
        with self._write_lock:
            with self._lock:
                version = self._version()
                if not force and version == self._saved_version:
                    return False
                try:
                    document = self._export()
                except StateFormatError:
                    logger.exception("sandbox.state.not_saved")
                    return False
            try:
                self.state_file.write(document)
            except (OSError, ValueError):
                logger.exception("sandbox.state.not_saved")
                return False
            self._saved_version = version
            self.saves += 1
            return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.save(force=False)
            except Exception:  # a sandbox bug: log it and keep saving later changes
                logger.exception("sandbox.state.not_saved")
