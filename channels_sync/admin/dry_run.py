"""The products' *Dry run (send nothing)* action: asks which shops, then shows per product and shop the pre-flight's
findings and the payload a publish would send (``channels_sync.dry_run``). Writes nothing."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..dry_run import dry_run
from ..forms import ChooseShopsForm
from .common import enabled_shops


@admin.action(description=_("Dry run (send nothing)…"), permissions=["view"])
def shops_dry_run(modeladmin, request, queryset):
    form = ChooseShopsForm(request.POST if "apply" in request.POST else None, shops=enabled_shops())
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Dry run (send nothing)"),
        "objects": list(queryset.select_related("freight_template")),
        "form": form,
        "opts": modeladmin.model._meta,
        "action": "shops_dry_run",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "submit_label": _("Dry run"),
    }
    if "apply" in request.POST and form.is_valid():
        rows = dry_run(products=context["objects"], shops=form.cleaned_data["shops"])
        return TemplateResponse(request, "admin/channels_sync/dry_run.html", {**context, "rows": rows})
    return TemplateResponse(request, "admin/channels_sync/choose_shops.html", context)
