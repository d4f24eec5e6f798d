import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The package's __init__ only names the handler modules (no models): safe to import before the apps are ready.
from .engine import handlers


class ChannelsSyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "channels_sync"
    verbose_name = _("Platform sync")

    def ready(self) -> None:
        # Importing the handler modules registers each job kind's handler (engine/registry.py): the outbox looks
        # handlers up by kind and never imports them itself.
        for module in handlers.MODULES:
            importlib.import_module(module)
