"""State changes of the catalog. Each function owns its transaction."""

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from .models import ImageAsset


def image_asset_get_or_create(*, uploaded_file: UploadedFile) -> ImageAsset:
    """Store an uploaded image once per content: the same bytes always give the same ImageAsset.

    Platforms upload each asset once and keep its URL, so deduplicating here saves uploads later.
    """
    sha256 = ImageAsset.content_hash(uploaded_file)
    existing = ImageAsset.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    asset = ImageAsset(sha256=sha256, size_bytes=uploaded_file.size or 0)
    try:
        with transaction.atomic():
            asset.image.save(uploaded_file.name or "image.jpg", uploaded_file, save=False)
            asset.save()
    except IntegrityError:
        # Another request stored the same bytes at the same moment.
        return ImageAsset.objects.get(sha256=sha256)
    return asset
