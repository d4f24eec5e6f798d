from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsSyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "channels_sync"
    verbose_name = _("Platform sync")

    def ready(self) -> None:
        # Imported here, not at the top: the rules read models, which exist only once the apps are loaded.
        from products.extensions import register_product_form_rule

        from .admin.catalog import register_catalog_panels
        from .catalog_rules import product_platform_rules

        register_product_form_rule(product_platform_rules)
        register_catalog_panels()
