"""What the open platform's ``publishProduct`` codes mean to a merchant.

The platform publishes no error list (API reference §6, §8); these are the HTTP-like codes its client reads
(``channels_sync.platforms.open_platform.client``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation, catalog

EXPLANATIONS: dict[int, ErrorExplanation] = catalog(
    ErrorExplanation(
        400,
        _("A parameter is not valid"),
        _("Read the platform's message below: it names the field; correct it and send again."),
        field="product",
    ),
    ErrorExplanation(
        401,
        _("The token is not valid"),
        _("Authorise again on the open platform and store the new token in the shop's settings."),
        field="shop",
    ),
    ErrorExplanation(
        405,
        _("The request method is not allowed"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
    ),
    ErrorExplanation(
        429,
        _("Requests too frequent"),
        _("Nothing to change: the job tries again later."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        500,
        _("The platform had a system error"),
        _("Nothing to change: the job checks what the platform applied and tries again."),
        retryable=True,
    ),
)
