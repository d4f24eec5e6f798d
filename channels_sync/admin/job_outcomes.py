"""A job's result in words for its page: what the handler answered (``SyncJob.result``), as sentences with the
remote id and the status in Chinese; a key these sentences do not know stays in the technical details only."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import SyncJob
from .common import REMOTE_EDIT_STATUS_LABELS, REMOTE_STATUS_LABELS

# Why a job did nothing, as the handlers say it (``{"skipped": …}``).
SKIPPED = {
    "product deleted": lambda: _("Nothing was done: the product was deleted meanwhile."),
    "not published": lambda: _("Nothing was done: the product is not in this shop yet."),
    "not pushed": lambda: _("Nothing was done: it was never pushed to this shop."),
    "template deleted": lambda: _("Nothing was done: the freight template was deleted meanwhile."),
    "group deleted": lambda: _("Nothing was done: the group was deleted meanwhile."),
    "shelf deleted": lambda: _("Nothing was done: the shelf was deleted meanwhile."),
    "declaration deleted": lambda: _("Nothing was done: the declaration was deleted meanwhile."),
}


def job_outcome_lines(job: SyncJob) -> list[str]:
    """The job's outcome as sentences, in a fixed order; ``[]`` while it has none."""
    result = job.result if isinstance(job.result, dict) else {}
    lines: list[str] = []
    if "skipped" in result:
        reason = SKIPPED.get(str(result["skipped"]))
        lines.append(reason() if reason else _("Nothing was done."))
    if result.get("created"):
        lines.append(_("Created in the shop."))
    if result.get("updated"):
        lines.append(_("Updated in the shop."))
    if result.get("unchanged"):
        lines.append(_("Nothing had changed since the last push: nothing was sent."))
    if result.get("deleted"):
        lines.append(_("Deleted in the shop."))
    if "listed" in result:
        lines.append(_("Listed in the shop.") if result["listed"] else _("Delisted in the shop."))
    if result.get("replaces"):
        lines.append(_("It replaces the product the shop had lost (remote id %(id)s).") % {"id": result["replaces"]})
    if result.get("remote_id"):
        lines.append(_("Remote id in the shop: %(id)s") % {"id": result["remote_id"]})
    if result.get("status"):
        status = REMOTE_STATUS_LABELS.get(result["status"], result["status"])
        lines.append(_("Status in the shop: %(status)s") % {"status": status})
    if result.get("edit_status"):
        status = REMOTE_EDIT_STATUS_LABELS.get(result["edit_status"], result["edit_status"])
        lines.append(_("Draft in the shop: %(status)s") % {"status": status})
    if "products" in result:
        lines.append(_("Products in it: %(count)s") % {"count": result["products"]})
    if "bound" in result:
        lines.append(_("Bound to the catalog: %(count)s") % {"count": result["bound"]})
    if "orders" in result:
        lines.append(
            _("Orders read: %(orders)s, new: %(new)s") % {"orders": result["orders"], "new": result.get("new", 0)}
        )
    elif result.get("order"):
        lines.append(_("Order: %(order)s") % {"order": result["order"]})
    if "parcels" in result:
        lines.append(_("Parcels sent: %(count)s") % {"count": result["parcels"]})
    if result.get("already_applied") or result.get("already_decided"):
        lines.append(_("The shop already had it: nothing was sent again."))
    if result.get("aftersale"):
        lines.append(_("After-sale: %(id)s") % {"id": result["aftersale"]})
    if result.get("third_party_source_id"):
        lines.append(_("Declaration id in the shop: %(id)s") % {"id": result["third_party_source_id"]})
    for warning in result.get("warnings") or ():
        lines.append(_("Note: %(warning)s") % {"warning": warning})
    return lines
