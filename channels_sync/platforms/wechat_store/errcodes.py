"""What the legacy WeChat Store V1.17's errcodes mean to a merchant (API reference §2, the emulator's codes).

The manual publishes no code list of its own: a bad field is 40097 "invalid args" with the field in the message;
the codes below are the upload codes the store answers besides the shared WeChat ones.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation, catalog
from channels_sync.platforms.wechat_errcodes import WECHAT_EXPLANATIONS

EXPLANATIONS: dict[int, ErrorExplanation] = WECHAT_EXPLANATIONS | catalog(
    ErrorExplanation(
        40005,
        _("The image file type is not accepted"),
        _("Upload the image again as a JPEG or PNG file."),
        field="product.images",
    ),
    ErrorExplanation(
        44001,
        _("The image file is empty"),
        _("Choose the image again: the file that was sent had no content."),
        field="product.images",
    ),
)
