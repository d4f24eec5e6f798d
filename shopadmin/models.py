"""The project's own view of django-axes' records: failed logins, shown and unlocked in the admin."""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _


class FailedLogin(AccessAttempt):
    """axes' record of failed logins for one user name, address and browser, under a translated name.

    A proxy: no table of its own, only the admin page, its permissions and its labels.
    """

    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address}"
