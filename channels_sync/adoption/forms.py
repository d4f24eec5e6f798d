"""The merchant's choice per row of an import preview: create, bind to one of the row's candidates, or skip."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from channels_sync.models import CatalogImportRow
from products.models import Product

BIND_PREFIX = "bind:"


class CatalogImportChoicesForm(forms.Form):
    """One field ``row_<id>`` per row; a bind choice is ``"bind:<product id>"`` and only a bindable candidate is
    offered. Two rows bound to one product are refused on the second row's field."""

    def __init__(self, *args, rows: list[CatalogImportRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        titles = dict(
            Product.objects.filter(pk__in={c["id"] for row in rows for c in row.candidates}).values_list("pk", "title")
        )
        for row in rows:
            options = [
                (
                    f"{BIND_PREFIX}{c['id']}",
                    _("Bind to #%(id)s %(title)s") % {"id": c["id"], "title": titles.get(c["id"], "")},
                )
                for c in row.candidates
                if c.get("bindable", True) and c["id"] in titles
            ]
            options += [
                (CatalogImportRow.Choice.CREATE, CatalogImportRow.Choice.CREATE.label),
                (CatalogImportRow.Choice.SKIP, CatalogImportRow.Choice.SKIP.label),
            ]
            self.fields[self.field_name(row)] = forms.ChoiceField(
                label=row.title or row.remote_id, choices=options, initial=self.initial_choice(row)
            )

    @staticmethod
    def field_name(row: CatalogImportRow) -> str:
        return f"row_{row.pk}"

    @staticmethod
    def initial_choice(row: CatalogImportRow) -> str:
        if row.choice == CatalogImportRow.Choice.BIND and row.chosen_product_id:
            return f"{BIND_PREFIX}{row.chosen_product_id}"
        if row.choice:
            return row.choice
        if row.action == CatalogImportRow.Action.BIND and row.matched_product_id:
            return f"{BIND_PREFIX}{row.matched_product_id}"
        if row.action == CatalogImportRow.Action.CREATE:
            return CatalogImportRow.Choice.CREATE
        return CatalogImportRow.Choice.SKIP

    def clean(self):
        cleaned = super().clean()
        claimed: dict[int, str] = {}
        for row in self.rows:
            name = self.field_name(row)
            value = cleaned.get(name, "")
            if value.startswith(BIND_PREFIX):
                product_id = int(value.removeprefix(BIND_PREFIX))
                if product_id in claimed:
                    self.add_error(
                        name, _("This product is already chosen for %(title)s.") % {"title": claimed[product_id]}
                    )
                claimed.setdefault(product_id, row.title or row.remote_id)
        return cleaned

    def choices(self) -> dict[int, tuple[str, int | None]]:
        """Row id -> (choice, product id to bind to), for ``catalog_import_choose``."""
        result = {}
        for row in self.rows:
            value = self.cleaned_data[self.field_name(row)]
            if value.startswith(BIND_PREFIX):
                result[row.pk] = (CatalogImportRow.Choice.BIND, int(value.removeprefix(BIND_PREFIX)))
            else:
                result[row.pk] = (value, None)
        return result
