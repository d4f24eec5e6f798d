"""The pictures behind a shop's image links, fetched for the media library when its products are adopted.

A remote product's images are links on the platform's picture hosts (``mmecimage.cn``, ``mmbiz.qpic.cn``; a
mini-shop also keeps links elsewhere, seed 001). They are public HTTPS addresses, fetched as they are: any host,
but only over HTTPS and only to public addresses (``image_fetch.fetch_image`` checks the connection itself). A
shop served by the emulator answers links to hosts it is not, so its pictures come from the emulator's stand-in
(``GET /__sandbox__/image?url=``) instead.
"""

from __future__ import annotations

import requests

from channels_sync.platforms.http import Timeouts
from channels_sync.platforms.image_fetch import fetch_image

from .errors import DestinationRefusedError
from .hosts import HostPolicy, destination_of

EMULATOR_IMAGE_PATH = "/__sandbox__/image"


def download_remote_image(
    url: str,
    *,
    shop_base_url: str,
    shop_policy: HostPolicy,
    timeouts: Timeouts,
    session: requests.Session | None = None,
) -> bytes:
    """The bytes of the picture at ``url``, a link the shop at ``shop_base_url`` answered. ``shop_policy`` is the
    policy the shop's API calls go under: it says whether the shop is the emulator."""
    shop = destination_of(shop_base_url)
    if shop is not None and shop_policy.is_emulator(shop):
        return fetch_image(
            shop_base_url.rstrip("/") + EMULATOR_IMAGE_PATH,
            params={"url": url},
            policy=shop_policy,
            timeouts=timeouts,
            session=session,
        )
    link = destination_of(url)
    if link is None or link.scheme != "https":
        raise DestinationRefusedError("an image link must be an https:// address", endpoint="image")
    return fetch_image(url, policy=HostPolicy.build(hosts=[link.netloc]), timeouts=timeouts, session=session)
