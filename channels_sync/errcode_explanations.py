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

from channels_sync.platforms.channels import errcodes as channels_errcodes
from channels_sync.platforms.explanations import ErrorExplanation
from channels_sync.platforms.minishop import errcodes as minishop_errcodes
from channels_sync.platforms.open_platform import errcodes as open_platform_errcodes
from channels_sync.platforms.tencent_ads import errcodes as tencent_ads_errcodes
from channels_sync.platforms.wechat_store import errcodes as wechat_store_errcodes
from products.models import Platform

CATALOGS: Mapping[str, Mapping[int, ErrorExplanation]] = {
    Platform.WECHAT_STORE: wechat_store_errcodes.EXPLANATIONS,
    Platform.CHANNELS: channels_errcodes.EXPLANATIONS,
    Platform.MINISHOP: minishop_errcodes.EXPLANATIONS,
    Platform.TENCENT_ADS: tencent_ads_errcodes.EXPLANATIONS,
    Platform.OPEN_PLATFORM: open_platform_errcodes.EXPLANATIONS,
}


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
    explanation = CATALOGS.get(platform, {}).get(errcode) if errcode is not None else None
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
