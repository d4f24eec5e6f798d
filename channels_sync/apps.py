from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsSyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "channels_sync"
    verbose_name = _("Platform sync")
