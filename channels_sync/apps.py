import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The package's __init__ only names the handler modules (no models): safe to import before the apps are ready.
from .engine import handlers


class ChannelsSyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "channels_sync"
    verbose_name = _("Platform sync")

    def import_models(self) -> None:
        super().import_models()
        # A platform's own records live in its package (``platforms/<platform>/models.py``, this app's label): the
        # registry names the packages, so the shared models package never imports a platform.
        from .platforms.registry import platform_modules

        platform_modules("models")

    def ready(self) -> None:
        # Importing the handler modules registers each job kind's handler (engine/registry.py): the outbox looks
        # handlers up by kind and never imports them itself.
        for module in handlers.MODULES:
            importlib.import_module(module)
        # Imported here, not at the top: the rules and panels read models, which exist only once the apps are
        # loaded; the panels must be registered before the admin's ready() composes the catalog's admins.
        from products.extensions import register_product_form_rule

        from .admin.catalog import register_catalog_panels
        from .catalog_rules import product_platform_rules

        register_product_form_rule(product_platform_rules)
        register_catalog_panels()
