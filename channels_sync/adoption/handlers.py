"""The jobs of adopting a shop's products: thin handlers over ``services.py``."""

from __future__ import annotations

from channels_sync.models import CatalogImport, SyncJob
from channels_sync.services import JobContext

from .services import catalog_import_execute, catalog_import_read


def _catalog_import(ctx: JobContext) -> CatalogImport | None:
    return CatalogImport.objects.filter(pk=ctx.job.target_id, shop=ctx.shop).first()


def handle_catalog_preview(ctx: JobContext) -> dict:
    """Read the shop's products and keep what an import would do with each."""
    catalog_import = _catalog_import(ctx)
    if catalog_import is None:
        return {"skipped": "import deleted"}
    return catalog_import_read(ctx=ctx, catalog_import=catalog_import)


def handle_catalog_import(ctx: JobContext) -> dict:
    """Create or bind the previewed products as the merchant chose."""
    catalog_import = _catalog_import(ctx)
    if catalog_import is None:
        return {"skipped": "import deleted"}
    return catalog_import_execute(ctx=ctx, catalog_import=catalog_import)


HANDLERS = {
    SyncJob.Kind.CATALOG_PREVIEW: handle_catalog_preview,
    SyncJob.Kind.CATALOG_IMPORT: handle_catalog_import,
}
