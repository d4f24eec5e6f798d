"""State changes of the project's own records."""

from django.db import transaction
from django.db.models import Q, QuerySet

from .models import FailedLogin


def failed_logins_clear(*, failed_logins: QuerySet[FailedLogin]) -> int:
    """Unlock the user name and address pairs of ``failed_logins``: forget every failure recorded for them (from
    any browser, since axes adds those up). Returns how many pairs were unlocked."""
    pairs = set(failed_logins.values_list("username", "ip_address"))
    if not pairs:
        return 0
    matching = Q()
    for username, ip_address in pairs:
        matching |= _equals("username", username) & _equals("ip_address", ip_address)
    with transaction.atomic():
        FailedLogin.objects.filter(matching).delete()
    return len(pairs)


def _equals(field: str, value: str | None) -> Q:
    return Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})
