"""What the mini-shop's errcodes mean to a merchant (API reference §4 "Errors"), besides the shared WeChat ones."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation, catalog
from channels_sync.platforms.wechat_errcodes import WECHAT_EXPLANATIONS

EXPLANATIONS: dict[int, ErrorExplanation] = WECHAT_EXPLANATIONS | catalog(
    ErrorExplanation(
        -2,
        _("The access token is too long"),
        _("This is a fault of the program, not of your settings: tell your technical contact."),
        field="shop",
    ),
    ErrorExplanation(
        9401001,
        _("The product already exists in the shop"),
        _("Nothing to change: the job binds the existing product and updates it."),
        field="product",
    ),
    ErrorExplanation(
        9401002,
        _("The product does not exist in the shop"),
        _("Publish the product to the shop again."),
        field="product",
    ),
    ErrorExplanation(
        9401006,
        _("The SKU does not exist in the online copy"),
        _("List the product so that its draft SKUs go online, then send again."),
        field="product.skus",
    ),
    ErrorExplanation(
        9401020,
        _("A parameter is not valid"),
        _("Read the platform's message below: it names the field; correct it and send again."),
        field="product",
    ),
    ErrorExplanation(
        9401021,
        _("No permission for this API"),
        _("Check in the platform's back office that the app has the product permissions."),
        field="shop",
    ),
    ErrorExplanation(
        9401023,
        _("The product cannot be edited now"),
        _("Wait until the platform has finished the audit, then send again."),
        field="product",
    ),
    ErrorExplanation(
        9401043,
        _("A SKU price is too high"),
        _("Lower the SKU's price to at most 10,000,000 yuan."),
        field="product.skus.price",
    ),
    ErrorExplanation(
        100002,
        _("The product does not exist in the shop"),
        _("Publish the product to the shop again."),
        field="product",
    ),
    ErrorExplanation(
        100004,
        _("The SKU does not exist in the shop"),
        _("Publish the product again so that its SKUs are matched anew."),
        field="product.skus",
    ),
)
