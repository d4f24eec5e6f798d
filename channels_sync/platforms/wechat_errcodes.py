"""What the errcodes every WeChat platform shares mean to a merchant (API reference §1.3, §1.4), and what to do.

The legacy WeChat Store V1.17, the Channels store and the mini-shop answer these on any endpoint; each of their
``errcodes`` modules adds its own codes to this table. ``retryable`` says whether the engine heals it by itself
(the classification of ``channels_sync.platforms.wechat``), so the advice never asks a person to retry it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation, catalog

WECHAT_EXPLANATIONS: dict[int, ErrorExplanation] = catalog(
    ErrorExplanation(
        -1,
        _("The platform is busy"),
        _("Nothing to change: the job checks what the platform applied and tries again by itself."),
        retryable=True,
    ),
    ErrorExplanation(
        40001,
        _("The access token was refused"),
        _(
            "The job fetches a new token and tries again; if it keeps failing, check that no "
            "other system uses this shop's app id to fetch tokens."
        ),
        field="shop.app_secret",
        retryable=True,
    ),
    ErrorExplanation(
        40002,
        _("Wrong grant type in the token request"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
        field="shop.app_id",
    ),
    ErrorExplanation(
        40013,
        _("The app id is not valid"),
        _("Open the shop's settings and type the AppID exactly as the platform's back office shows it."),
        field="shop.app_id",
    ),
    ErrorExplanation(
        40014,
        _("The access token is not valid"),
        _("The job fetches a new token and tries again; if it keeps failing, type the shop's app secret again."),
        field="shop.app_secret",
        retryable=True,
    ),
    ErrorExplanation(
        40097,
        _("A field of the request is not valid"),
        _("Read the platform's message below: it names the field; correct it on the object and send again."),
        field="product",
    ),
    ErrorExplanation(
        40125,
        _("The app secret is wrong"),
        _(
            "Open the shop's settings and type the app secret again, copied from the "
            "platform's back office (it may have been reset there)."
        ),
        field="shop.app_secret",
    ),
    ErrorExplanation(
        40164,
        _("This server's IP address is not on the shop's whitelist"),
        _("Add this server's public IP address to the IP whitelist in the platform's back office, then send again."),
        field="shop",
    ),
    ErrorExplanation(
        41001,
        _("The access token is missing"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
        field="shop",
    ),
    ErrorExplanation(
        41002, _("The app id is missing"), _("Open the shop's settings and fill in the AppID."), field="shop.app_id"
    ),
    ErrorExplanation(
        41004,
        _("The app secret is missing"),
        _("Open the shop's settings and type the app secret."),
        field="shop.app_secret",
    ),
    ErrorExplanation(
        42001,
        _("The access token has expired"),
        _("Nothing to change: the job fetches a new token and tries again."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        43002,
        _("The platform wants a POST request"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
    ),
    ErrorExplanation(
        44002,
        _("The request body was empty"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
    ),
    ErrorExplanation(
        45009,
        _("The shop's daily call quota is used up"),
        _("Nothing to change: the job waits until the quota resets at midnight Beijing time and sends again."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        45011,
        _("Too many calls this minute"),
        _("Nothing to change: the job sends again after a minute."),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        45035,
        _("This server's IP address is not on the shop's whitelist"),
        _("Add this server's public IP address to the IP whitelist in the platform's back office, then send again."),
        field="shop",
    ),
    ErrorExplanation(
        47001,
        _("The request is not valid JSON"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
    ),
    ErrorExplanation(
        48001,
        _("This API is not authorised for the shop"),
        _(
            "Check in the platform's back office that the shop is open and operating normally "
            "and that the app has the product and freight permissions."
        ),
        field="shop",
    ),
    ErrorExplanation(
        48004,
        _("This API is banned for the shop"),
        _("Read the reason in the platform's back office or its notices, and contact the platform's support."),
        field="shop",
    ),
    ErrorExplanation(
        50002,
        _("The account is restricted"),
        _("Read the reason in the platform's back office or its notices, and contact the platform's support."),
        field="shop",
    ),
    ErrorExplanation(
        61004,
        _("This server's IP address is not on the shop's whitelist"),
        _("Add this server's public IP address to the IP whitelist in the platform's back office, then send again."),
        field="shop",
    ),
    ErrorExplanation(40066, _("The request address is not valid"), _("Check the shop's API base URL in its settings.")),
    ErrorExplanation(
        43001,
        _("The platform wants a GET request"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
    ),
)
