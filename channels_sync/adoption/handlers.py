"""The jobs of adopting a shop's products: thin handlers over ``services.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from channels_sync.engine.context import JobContext
from channels_sync.engine.registry import handles
from channels_sync.models import CatalogImport, SyncJob
from channels_sync.platforms.errors import PlatformError

from .services import catalog_import_execute, catalog_import_read


@contextmanager
def _errors_shown_on(catalog_import: CatalogImport) -> Iterator[None]:
    """A platform error stops the job (the engine retries or fails it as for any job); the import's page shows
    it meanwhile, and a later success clears it."""
    try:
        yield
    except PlatformError as error:
        CatalogImport.objects.filter(pk=catalog_import.pk).update(error=str(error)[:2000])
        raise
    CatalogImport.objects.filter(pk=catalog_import.pk).exclude(error="").update(error="")


def _catalog_import(ctx: JobContext) -> CatalogImport | None:
    return CatalogImport.objects.filter(pk=ctx.job.target_id, shop=ctx.shop).first()


@handles(SyncJob.Kind.CATALOG_PREVIEW)
def handle_catalog_preview(ctx: JobContext) -> dict:
    """Read the shop's products and keep what an import would do with each."""
    catalog_import = _catalog_import(ctx)
    if catalog_import is None:
        return {"skipped": "import deleted"}
    with _errors_shown_on(catalog_import):
        return catalog_import_read(ctx=ctx, catalog_import=catalog_import)


@handles(SyncJob.Kind.CATALOG_IMPORT)
def handle_catalog_import(ctx: JobContext) -> dict:
    """Create or bind the previewed products as the merchant chose."""
    catalog_import = _catalog_import(ctx)
    if catalog_import is None:
        return {"skipped": "import deleted"}
    with _errors_shown_on(catalog_import):
        return catalog_import_execute(ctx=ctx, catalog_import=catalog_import)
