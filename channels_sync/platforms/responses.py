"""Reading platform answers: typed field access whose errors name the field's path (``ResponseShapeError``).

Shared by the platforms' parsers, so every answer is checked the same way.
"""

from collections.abc import Mapping
from typing import Any


class ResponseShapeError(ValueError):
    """A platform answer lacks a documented field or holds a value of the wrong type; ``field`` is its path."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def read_object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ResponseShapeError(path, "must be an object")
    return value


def read_items(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise ResponseShapeError(f"{path}.{key}", "is missing")
        return []
    if not isinstance(value, list):
        raise ResponseShapeError(f"{path}.{key}", "must be an array")
    return value


def read_text(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str:
    """A string field; a JSON number is read as its text (remote ids come either way)."""
    value = data.get(key)
    if value is None:
        if required:
            raise ResponseShapeError(f"{path}.{key}", "is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseShapeError(f"{path}.{key}", "must be a string")
    return str(value)


def read_number(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> int | None:
    """An integer field; a string of digits is read as its number."""
    value = data.get(key)
    if value is None:
        if required:
            raise ResponseShapeError(f"{path}.{key}", "is missing")
        return None
    if isinstance(value, bool):
        raise ResponseShapeError(f"{path}.{key}", "must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ResponseShapeError(f"{path}.{key}", "must be an integer")


def read_flag(data: Mapping[str, Any], key: str, path: str) -> bool | None:
    """A boolean sent as true/false or 0/1."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ResponseShapeError(f"{path}.{key}", "must be a boolean")
