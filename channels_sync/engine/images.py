"""Images a payload refers to: uploaded once per shop, and uploaded again when the shop has lost them."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from products.models import ImageAsset

from ..models import RemoteImage
from ..platforms.errors import ImageRefusedError
from .context import JobContext

logger = logging.getLogger("channels_sync.jobs")


# Uploads of one payload in flight at once. The first goes alone, so the access token is fetched once, not by
# every thread at the same time.
UPLOADS_AT_ONCE = 4


@dataclass(frozen=True)
class _Upload:
    asset: ImageAsset
    filename: str
    data: bytes


def ensure_images(ctx: JobContext, asset_ids) -> dict[int, str]:
    """Platform URL of each image, uploading those the shop does not have yet (each image once).

    The files are read and the rows written here, in the job's thread; only the uploads (HTTP, no database) run
    :data:`UPLOADS_AT_ONCE` at a time. Never inside a transaction: each upload's row is written as it is known, and
    an upload that fails leaves the others recorded (one insert for all, then one read of what is stored), so the retry
    sends only what is still missing.
    """
    asset_ids = list(dict.fromkeys(asset_ids))
    urls = dict(RemoteImage.objects.filter(shop=ctx.shop, asset_id__in=asset_ids).values_list("asset_id", "remote_url"))
    uploads = [_read(asset) for asset in ImageAsset.objects.filter(pk__in=[i for i in asset_ids if i not in urls])]
    if not uploads:
        return urls
    first, rest = uploads[0], uploads[1:]
    results = [(first, _send(ctx, first))]
    if results[0][1][1] is not None:
        raise results[0][1][1]
    if rest:
        with ThreadPoolExecutor(max_workers=min(UPLOADS_AT_ONCE, len(rest))) as pool:
            results += zip(rest, pool.map(lambda upload: _send(ctx, upload), rest), strict=True)
    uploaded = [
        RemoteImage(shop=ctx.shop, asset=upload.asset, remote_url=url) for upload, (url, error) in results if not error
    ]
    if uploaded:
        # Another job may have uploaded the same image meanwhile: both links work, the stored one is used.
        RemoteImage.objects.bulk_create(uploaded, ignore_conflicts=True)
        urls.update(
            RemoteImage.objects.filter(shop=ctx.shop, asset_id__in=[row.asset_id for row in uploaded]).values_list(
                "asset_id", "remote_url"
            )
        )
    failure = next((error for _, (_, error) in results if error is not None), None)
    if failure is not None:
        raise failure
    return urls


def _read(asset: ImageAsset) -> _Upload:
    with asset.image.open("rb") as handle:
        data = handle.read()
    return _Upload(
        asset=asset, filename=f"{asset.sha256[:16]}.{asset.image.name.rsplit('.', 1)[-1].lower()}", data=data
    )


def _send(ctx: JobContext, upload: _Upload) -> tuple[str, Exception | None]:
    """The upload's URL, or the error that refused it (raised by :func:`ensure_images` once the others are kept)."""
    try:
        url = ctx.adapter.upload_image(
            filename=upload.filename, data=upload.data, width=upload.asset.width, height=upload.asset.height
        )
    except Exception as error:  # noqa: BLE001 (re-raised by the caller, after the other uploads are recorded)
        return "", error
    return url, None


class PayloadImages:
    """The images one payload refers to and their platform URLs (``urls``), uploaded once per shop.

    A shop can lose an upload (a platform that purged it, an emulator restarted without its state), and then
    refuses the URL that the engine keeps reusing: ``adapter.send_with_image_healing`` forgets the refused uploads,
    uploads those images again and sends once more.
    """

    def __init__(self, ctx: JobContext, asset_ids) -> None:
        self.ctx = ctx
        self.asset_ids = list(dict.fromkeys(asset_ids))
        self.urls: dict[int, str] = ensure_images(ctx, self.asset_ids) if self.asset_ids else {}

    @property
    def image_urls(self) -> dict[int, str]:
        return self.urls

    def images_refused(self, refusal: ImageRefusedError) -> None:
        self.upload_again(refusal)

    def upload_again(self, refusal: ImageRefusedError) -> int:
        """Forget the uploads the shop refused and upload those images again; returns how many were uploaded.

        The refused images are the ones whose URL the errmsg names, when it names any of this payload's; otherwise
        the shop did not say which, and every image of the payload is uploaded again. Only rows that still hold
        the refused URL are dropped: a row another job has just renewed stays.
        """
        named = set(refusal.urls)
        refused = {asset_id: url for asset_id, url in self.urls.items() if url in named} or dict(self.urls)
        for asset_id, url in refused.items():
            RemoteImage.objects.filter(shop=self.ctx.shop, asset_id=asset_id, remote_url=url).delete()
        self.urls.update(ensure_images(self.ctx, list(refused)))
        logger.info(
            "sync.images.uploaded_again",
            extra={"shop_id": self.ctx.shop.pk, "job_id": self.ctx.job.pk, "images": len(refused)},
        )
        return len(refused)
