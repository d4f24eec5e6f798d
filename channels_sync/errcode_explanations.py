"""The neutral lookup of a remote rejection's explanation: ``explain(platform, errcode, errmsg)``.

Each platform's catalog lives in its own package (``channels_sync/platforms/<platform>/errcodes.py``); this module
only chooses the catalog and words a code no catalog knows: the platform's own message and the next step. The raw
errcode and errmsg are never replaced: they stay in the attempt record, and the result carries them for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation
from channels_sync.platforms.registry import platform_modules


def catalogs() -> dict[str, Mapping[int, ErrorExplanation]]:
    """Every registered platform's explained codes (``platforms/<platform>/errcodes.py: EXPLANATIONS``)."""
    return {platform: module.EXPLANATIONS for platform, module in platform_modules("errcodes").items()}


@dataclass(frozen=True)
class Explained:
    """A rejection as a merchant reads it. ``known`` is False for a code the platform's catalog lacks."""

    title: Any
    advice: Any
    field: str
    retryable: bool
    subject: str  # what the errmsg names (the missing attribute of 10020097), "" when nothing
    errcode: int | None
    errmsg: str
    known: bool

    @property
    def object(self) -> str:
        """The object at fault (``"product"``, ``"freight_template"``, ``"shop"``), ``""`` when none."""
        return self.field.split(".", 1)[0]


def explain(platform: str, errcode: int | None, errmsg: str = "") -> Explained:
    """The explanation of ``errcode`` on ``platform``; an unknown code (or none, an HTTP error without one) gives the
    platform's message and the next step."""
    explanation = catalogs().get(platform, {}).get(errcode) if errcode is not None else None
    if explanation is None:
        return Explained(
            title=_("The platform refused the request (code %(code)s)")
            % {"code": errcode if errcode is not None else "-"},
            advice=_(
                "The platform says: “%(message)s”. Correct what it names and send again; if the message is unclear, "
                "ask the platform's support about this code."
            )
            % {"message": errmsg or _("(no message)")},
            field="",
            retryable=False,
            subject="",
            errcode=errcode,
            errmsg=errmsg,
            known=False,
        )
    subject = explanation.subject_in(errmsg)
    title = explanation.title
    if subject:
        title = _("%(title)s: %(subject)s") % {"title": title, "subject": subject}
    return Explained(
        title=title,
        advice=explanation.advice,
        field=explanation.field,
        retryable=explanation.retryable,
        subject=subject,
        errcode=errcode,
        errmsg=errmsg,
        known=True,
    )
