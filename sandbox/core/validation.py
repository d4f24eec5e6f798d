"""Small readers for JSON request fields that answer with a precise 40097 error naming the field path.

The V1.17 manual publishes no business error codes, so every rule the sandbox enforces answers with the common
WeChat code 40097 "invalid args" and an English errmsg that names the field and the rule (README, "Errcodes").
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from sandbox.core.base import ApiError, Request

ERR_INVALID_ARGS = 40097
_T = TypeVar("_T")


def invalid_args(reason: str) -> ApiError:
    return ApiError(ERR_INVALID_ARGS, f"invalid args: {reason}")


def join_path(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def _lookup(data: Mapping[str, Any], key: str, path: str, required: bool) -> Any:
    value = data.get(key)
    if value is None and required:
        raise invalid_args(f"{path} is required")
    return value


def read_dict(data: Mapping[str, Any], key: str, *, prefix: str = "", required: bool = True) -> dict[str, Any]:
    """``data[key]`` as a JSON object; ``{}`` when it is optional and absent."""
    path = join_path(prefix, key)
    value = _lookup(data, key, path, required)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_args(f"{path} must be an object")
    return value


def read_list(
    data: Mapping[str, Any], key: str, *, prefix: str = "", required: bool = True, allow_empty: bool = False
) -> list[Any]:
    """``data[key]`` as a JSON array; ``[]`` when it is optional and absent."""
    path = join_path(prefix, key)
    value = _lookup(data, key, path, required)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid_args(f"{path} must be an array")
    if not value and not allow_empty:
        raise invalid_args(f"{path} must not be empty")
    return value


def read_str(
    data: Mapping[str, Any], key: str, *, prefix: str = "", required: bool = True, allow_empty: bool = False
) -> str:
    """``data[key]`` as a string; ``""`` when it is optional and absent."""
    path = join_path(prefix, key)
    value = _lookup(data, key, path, required)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid_args(f"{path} must be a string")
    if not value.strip() and not allow_empty and required:
        raise invalid_args(f"{path} must not be empty")
    return value


def check_int(value: Any, path: str, *, minimum: int | None = None, choices: Collection[int] | None = None) -> int:
    # bool is an int subclass in Python, but true/false is not a number on the wire.
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_args(f"{path} must be an integer")
    if minimum is not None and value < minimum:
        raise invalid_args(f"{path} must be >= {minimum}")
    if choices is not None and value not in choices:
        allowed = ", ".join(str(choice) for choice in sorted(choices))
        raise invalid_args(f"{path} must be one of {allowed}")
    return value


def check_number(value: Any, path: str, *, minimum: float = 0) -> float:
    """A JSON number (an integer or not; true/false is not one) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise invalid_args(f"{path} must be a number >= {minimum:g}")
    return value


def read_int(
    data: Mapping[str, Any],
    key: str,
    *,
    prefix: str = "",
    default: int | None = None,
    minimum: int | None = None,
    choices: Collection[int] | None = None,
) -> int:
    """``data[key]`` as an integer; required unless a ``default`` is given."""
    path = join_path(prefix, key)
    value = data.get(key)
    if value is None:
        return _default(path, default)
    return check_int(value, path, minimum=minimum, choices=choices)


def read_page_size(data: Mapping[str, Any], key: str, *, default: int, maximum: int) -> int:
    """A page size or limit: a whole number from 1 to ``maximum``, ``default`` when absent."""
    size = read_int(data, key, default=default, minimum=1)
    if size > maximum:
        raise invalid_args(f"{key} must be at most {maximum}")
    return size


def read_choice(
    data: Mapping[str, Any], key: str, values: Mapping[Any, str], *, prefix: str = "", default: str | None = None
) -> str:
    """``data[key]`` as one of ``values``' keys (text or a number: the platforms send some enums either way), read
    as the value it maps to; required unless a ``default`` is given. The error names the text keys."""
    path = join_path(prefix, key)
    value = data.get(key)
    if value is None:
        return _default(path, default)
    if isinstance(value, bool) or not isinstance(value, str | int) or value not in values:
        names = ", ".join(name for name in values if isinstance(name, str))
        raise invalid_args(f"{path} must be one of {names}")
    return values[value]


def _default(path: str, default: _T | None) -> _T:
    """What an absent field reads as: its default, or 40097 when it has none."""
    if default is None:
        raise invalid_args(f"{path} is required")
    return default


def read_id(data: Mapping[str, Any], key: str, *, prefix: str = "") -> str:
    """An id that the manual shows as a number but clients send either way (e.g. ``cate_id``); as a string."""
    path = join_path(prefix, key)
    value = _lookup(data, key, path, True)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise invalid_args(f"{path} must be an id")
    return str(value).strip()


def read_query_int(request: Request, key: str, *, choices: tuple[int, ...] | None = None) -> int:
    """Query parameter ``key`` as a whole number >= 0 (e.g. upload_type of an image upload), one of ``choices``
    when given."""
    value = request.query.get(key, "")
    if not value.isdigit() or (choices is not None and int(value) not in choices):
        allowed = f" ({', '.join(str(choice) for choice in choices)})" if choices else ""
        raise invalid_args(f"{key} must be an integer{allowed} in the query string")
    return int(value)


_BOUNDARY_SAFE = re.compile(r"^[\x20-\x7e]+$")


def multipart_media(request: Request, field: str = "media") -> tuple[str, bytes]:
    """The ``media`` part of a multipart body (the WeChat upload field): its filename and bytes."""
    if not _BOUNDARY_SAFE.match(request.content_type):
        raise invalid_args("malformed multipart Content-Type")
    head = f"Content-Type: {request.content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("ascii")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    for part in message.iter_parts() if message.is_multipart() else ():
        if part.get_param("name", header="content-disposition") == field:
            return part.get_filename() or "", part.get_payload(decode=True) or b""
    raise invalid_args(f'multipart body has no "{field}" field')
