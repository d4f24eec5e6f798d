"""The shape of a platform errcode's explanation, shared by every platform's ``errcodes`` catalog.

An explanation tells a merchant, in their language, what a remote rejection means (``title``), what to do about it
(``advice``) and what is at fault (``field``: ``"<object>.<field>"`` in the catalog's terms, such as
``"product.properties"``, ``"freight_template.name"``, or only the object, ``"shop"``; ``""`` when nothing the
merchant edits is). ``retryable`` says whether the sync engine heals it by itself, so the advice never asks a
person to do what a job does anyway. ``names`` finds, in the platform's errmsg, the one thing the code is about
(the attribute of 10020097 "attrs misses 材质"), when the code says what kind of thing but not which.

The neutral lookup over every platform is ``channels_sync.errcode_explanations.explain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorExplanation:
    errcode: int
    title: Any  # a lazily translated string
    advice: Any  # a lazily translated string
    field: str = ""
    retryable: bool = False
    names: re.Pattern[str] | None = None

    def subject_in(self, errmsg: str) -> str:
        """What the errmsg names (an attribute, a field), or ``""`` when this code names nothing or it is absent."""
        if self.names is None:
            return ""
        match = self.names.search(errmsg or "")
        return match.group(1).strip(" ,.;'\"") if match else ""


def catalog(*explanations: ErrorExplanation) -> dict[int, ErrorExplanation]:
    """The explanations keyed by errcode; a code given twice is a mistake in the table, refused at import."""
    table: dict[int, ErrorExplanation] = {}
    for explanation in explanations:
        if explanation.errcode in table:
            raise ValueError(f"errcode {explanation.errcode} is explained twice")
        table[explanation.errcode] = explanation
    return table
