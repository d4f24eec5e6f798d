"""Platform event pushes as received."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .shops import Shop


class PushEvent(models.Model):
    """A platform event push received, kept to refuse replays and to show what arrived."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="push_events")
    nonce = models.CharField(_("nonce"), max_length=64)
    timestamp = models.BigIntegerField(_("timestamp"))
    event = models.CharField(_("event"), max_length=64, blank=True)
    body = models.TextField(_("body"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("push event")
        verbose_name_plural = _("push events")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["shop", "nonce", "timestamp"], name="push_event_unique")]

    def __str__(self) -> str:
        return f"{self.event} @ {self.received_at:%Y-%m-%d %H:%M:%S}"
