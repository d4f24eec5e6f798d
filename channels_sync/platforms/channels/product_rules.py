"""The Channels store's rules for the product form (API reference §3.3): what it refuses, checked before sending.

Pure functions of the submitted values, run by ``channels_sync.catalog_rules`` for products that go to a Channels
shop.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from products.models import CHANNELS_TITLE_MAX_LENGTH, CHANNELS_TITLE_MIN_LENGTH


def title_errors(cleaned_data: Mapping[str, Any]) -> dict[str, list[str]]:
    """5 to 60 characters, not made of ASCII letters and digits only."""
    title = (cleaned_data.get("title") or "").strip()
    # An empty title is the required-field error of the form; only a present title is measured here.
    if not title:
        return {}
    if not CHANNELS_TITLE_MIN_LENGTH <= len(title) <= CHANNELS_TITLE_MAX_LENGTH:
        message = _("The title must be %(min)d to %(max)d characters long (it has %(count)d).") % {
            "min": CHANNELS_TITLE_MIN_LENGTH,
            "max": CHANNELS_TITLE_MAX_LENGTH,
            "count": len(title),
        }
        return {"title": [message]}
    if title.isascii() and title.replace(" ", "").isalnum():
        return {"title": [_("The title cannot be made of letters and digits only.")]}
    return {}


PRODUCT_FORM_RULES = (title_errors,)
