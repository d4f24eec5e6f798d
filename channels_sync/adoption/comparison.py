"""What differs between a shop's copy of a product and the body the local product would be published with.

After adopting, a publish must send nothing when the local product says what the shop already holds, and show
exactly what differs otherwise. The shop's copy is read in the shape of the platform's add body (the emulators and
the platforms answer a product with the fields it was added with, plus ids, states and times), so comparing the
local body with the shop's copy on the local body's fields says it: what the shop adds (ids, states, times) is not
a difference, what the local body would change is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Stands for a field the shop's copy does not have.
MISSING = "(missing)"


@dataclass(frozen=True)
class Difference:
    path: str  # e.g. "skus[1].sale_price"
    remote: Any  # the shop's value, MISSING when the shop has none
    local: Any  # the value the local body would send


def payload_differences(remote_copy: Mapping[str, Any], local_body: Mapping[str, Any]) -> tuple[Difference, ...]:
    """Every leaf of ``local_body`` whose value the shop's copy does not hold, in the body's order.

    Objects compare key by key (keys only the shop has are ignored); lists item by item, a length difference being
    a difference of the list itself; other values by equality, a number and its text alike (ids come either way).
    """
    differences: list[Difference] = []
    _compare(remote_copy, local_body, "", differences)
    return tuple(differences)


def projection(remote_copy: Mapping[str, Any], local_body: Mapping[str, Any]) -> dict[str, Any]:
    """The shop's copy cut down to the local body's fields: what the shop holds of what a publish would send,
    kept as the last pushed body of an adopted product that differs (so the next publish sends the change)."""
    return _project(remote_copy, local_body)


def _compare(remote: Any, local: Any, path: str, differences: list[Difference]) -> None:
    if isinstance(local, Mapping):
        if not isinstance(remote, Mapping):
            differences.append(Difference(path, remote, local))
            return
        for key, value in local.items():
            child = f"{path}.{key}" if path else str(key)
            if key not in remote:
                if not _empty(value):
                    differences.append(Difference(child, MISSING, value))
                continue
            _compare(remote[key], value, child, differences)
        return
    if isinstance(local, list):
        if not isinstance(remote, list) or len(remote) != len(local):
            differences.append(Difference(path, remote, local))
            return
        for index, (remote_item, local_item) in enumerate(zip(remote, local, strict=True)):
            _compare(remote_item, local_item, f"{path}[{index}]", differences)
        return
    if not _same_leaf(remote, local):
        differences.append(Difference(path, remote, local))


def _project(remote: Any, local: Any) -> Any:
    if isinstance(local, Mapping) and isinstance(remote, Mapping):
        return {key: _project(remote[key], value) for key, value in local.items() if key in remote}
    if isinstance(local, list) and isinstance(remote, list) and len(local) == len(remote):
        return [_project(r, item) for r, item in zip(remote, local, strict=True)]
    return remote


def _same_leaf(remote: Any, local: Any) -> bool:
    if remote == local and type(remote) is type(local):
        return True
    scalar = (str, int)
    if isinstance(remote, scalar) and isinstance(local, scalar) and not isinstance(remote, bool | float):
        return not isinstance(local, bool) and str(remote) == str(local)
    return False


def _empty(value: Any) -> bool:
    """A field the local body leaves empty is no difference when the shop omits it."""
    return value in ("", None, [], {}, 0) and not isinstance(value, bool)
