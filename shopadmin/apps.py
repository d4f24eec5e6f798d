from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopadminConfig(AppConfig):
    name = "shopadmin"
    verbose_name = _("Shop admin")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
