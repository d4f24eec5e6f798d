"""What Tencent Ads' Marketing API codes mean to a merchant (API reference §5 "Error codes").

11012, 11013, 11020 (nonce used before), 11021 (stale timestamp) and 31001-31003 are the codes the emulator and the
client agree on where the reference captured none (sandbox README "Tencent Ads").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation, catalog

EXPLANATIONS: dict[int, ErrorExplanation] = catalog(
    ErrorExplanation(
        10000, _("The platform is busy"), _("Nothing to change: the job tries again later."), retryable=True
    ),
    ErrorExplanation(
        10001,
        _("The platform is under maintenance"),
        _("Nothing to change: the job tries again later."),
        retryable=True,
    ),
    ErrorExplanation(
        11000,
        _("The access token has expired"),
        _("Nothing to change: the job refreshes the token and tries again."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        11002,
        _("The access token is not valid"),
        _("Authorise the app again and store the new refresh token in the shop's settings."),
        field="shop",
    ),
    ErrorExplanation(
        11004,
        _("The access token is malformed"),
        _("Authorise the app again and store the new refresh token in the shop's settings."),
        field="shop",
    ),
    ErrorExplanation(
        11005,
        _("The access token is empty"),
        _("Authorise the app again and store the new refresh token in the shop's settings."),
        field="shop",
    ),
    ErrorExplanation(
        11008,
        _("The app's request limit is reached"),
        _("Nothing to change: the job tries again after the limit's window."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        11012,
        _("The client id or secret is wrong"),
        _("Open the shop's settings and type the app id and secret again."),
        field="shop.app_secret",
    ),
    ErrorExplanation(
        11013,
        _("The refresh token is not valid"),
        _("Authorise the app again and store the new refresh token in the shop's settings."),
        field="shop",
    ),
    ErrorExplanation(
        11014,
        _("The token does not cover this account"),
        _("Authorise the app again for the advertiser account set in the shop's settings."),
        field="shop",
    ),
    ErrorExplanation(
        11016,
        _("Too many requests this second"),
        _("Nothing to change: the job tries again shortly."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        11017,
        _("Too many requests this minute"),
        _("Nothing to change: the job tries again after a minute."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        11018,
        _("The daily request quota is used up"),
        _("Nothing to change: the job waits until the next day and sends again."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        11019,
        _("Requests too frequent"),
        _("Nothing to change: the job tries again later."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        11020,
        _("The nonce was used before"),
        _("Nothing to change: the job sends again with a new nonce."),
        retryable=True,
    ),
    ErrorExplanation(
        11021,
        _("The request's timestamp is too far from the platform's clock"),
        _("Check that this server's clock is right (at most 300 seconds off)."),
    ),
    ErrorExplanation(
        31001,
        _("A parameter is not valid"),
        _("Read the platform's message below: it names the field; correct it and send again."),
        field="product",
    ),
    ErrorExplanation(
        31002, _("The advertiser account is not valid"), _("Check the account id in the shop's settings."), field="shop"
    ),
    ErrorExplanation(
        31003,
        _("The data warehouse is not valid"),
        _("Check the data warehouse id in the shop's settings."),
        field="shop",
    ),
)
