"""Autocomplete widgets whose chosen options are read once per formset, not once per row.

Django's autocomplete widget reads the option it shows as chosen with a query of its own: a product's 20 SKU rows
with an image each cost 20 queries, and a row with nothing chosen still builds one. Here the formset
(``PreloadedChoicesFormSetMixin``) reads the chosen objects of all its rows in one query per field and gives
them to each row's widget; the HTML is the one Django's widget renders (``tests/unit/products/test_autocomplete.py``).
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import ModelChoiceField
from django.utils.functional import cached_property


class PreloadedChoicesWidgetMixin:
    """An autocomplete widget that takes its chosen objects from ``preloaded`` (pk as text → object) when every
    chosen value is there, and reads nothing when nothing is chosen."""

    # pk as text → object, or a RowChoices shared by the rows of a formset (read when the first row renders).
    preloaded: "dict[str, object] | RowChoices | None" = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        preloaded = self.preloaded.objects if isinstance(self.preloaded, RowChoices) else self.preloaded
        if not selected or (preloaded is not None and selected <= preloaded.keys()):
            return self._groups_without_query(name, value, selected, preloaded or {})
        return super().optgroups(name, value, attr)

    def _groups_without_query(self, name, value, selected: set[str], preloaded: dict[str, object]):
        # As AutocompleteMixin.optgroups builds them, from the preloaded objects in the queryset's order.
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        has_selected = False
        chosen = [obj for key, obj in preloaded.items() if key in selected]
        for obj in chosen:
            option_value = getattr(obj, self._to_field_attname)
            is_selected = str(option_value) in value and (has_selected is False or self.allow_multiple_selected)
            has_selected |= is_selected
            option_label = self.choices.field.label_from_instance(obj)
            default[1].append(self.create_option(name, option_value, option_label, selected, len(default[1])))
        return [default]

    @cached_property
    def _to_field_attname(self) -> str:
        remote_opts = self.field.remote_field.model._meta
        to_field_name = getattr(self.field.remote_field, "field_name", remote_opts.pk.attname)
        return remote_opts.get_field(to_field_name).attname


class PreloadedAutocompleteSelect(PreloadedChoicesWidgetMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedChoicesWidgetMixin, AutocompleteSelectMultiple):
    pass


def preloading_widget(field) -> PreloadedChoicesWidgetMixin | None:
    """The preloading autocomplete widget of a form field, inside the admin's related-widget wrapper or not."""
    widget = field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget if isinstance(widget, PreloadedChoicesWidgetMixin) else None


class RowChoices:
    """The chosen objects of one autocomplete field in all the rows of a formset, read once, when the first row's
    widget renders (after validation, so a refused save shows what was submitted; a saved one reads nothing)."""

    def __init__(self, forms, name: str):
        self.forms = forms
        self.name = name

    @cached_property
    def objects(self) -> dict[str, object] | None:
        field = self.forms[0].fields[self.name]
        attname = preloading_widget(field)._to_field_attname
        opts = self.forms[0].instance._meta
        chosen: set[str] = set()
        # A row's own related object, where the inline's queryset loaded it with the row (select_related) or
        # validation put the submitted one on the row.
        found: dict[str, object] = {}
        for form in self.forms:
            value = form[self.name].value()
            values = value if isinstance(value, list | tuple) else [value]
            chosen.update(str(v) for v in values if v is not None and str(v) not in field.empty_values)
            related = _loaded_related(form.instance, opts, self.name, field)
            if related is not None:
                found[str(getattr(related, attname))] = related
        if chosen <= found.keys():
            return {key: found[key] for key in chosen}
        try:
            objects = list(field.queryset.filter(**{f"{attname}__in": chosen}))
        except (ValueError, TypeError):
            return None  # a typed value that is no key: each row's widget asks, as Django's would
        # In the queryset's order, the order the rows' own queries would have.
        return {str(getattr(obj, attname)): obj for obj in objects}


def preload_choices(forms) -> None:
    """Give the preloading autocomplete widgets of ``forms`` (one formset's rows) one shared source of chosen
    objects per field: one query per field for all rows, none where the rows hold them already."""
    if not forms:
        return
    for name, field in forms[0].fields.items():
        if not isinstance(field, ModelChoiceField) or preloading_widget(field) is None:
            continue
        shared = RowChoices(forms, name)
        for form in forms:
            preloading_widget(form.fields[name]).preloaded = shared


def _loaded_related(instance, opts, name: str, field) -> object | None:
    """The instance's related object of the foreign key ``name``, if loaded already and shown as Django's widget
    would show it: a field limited to some choices (limit_choices_to) shows only those, which a query decides."""
    try:
        model_field = opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if not model_field.many_to_one or not model_field.is_cached(instance) or field.get_limit_choices_to():
        return None
    return getattr(instance, name)


class PreloadedChoicesFormSetMixin:
    """A formset whose rows' preloading autocomplete widgets get their chosen objects in one query per field."""

    @cached_property
    def forms(self):
        forms = [self._construct_form(i, **self.get_form_kwargs(i)) for i in range(self.total_form_count())]
        preload_choices(forms)
        return forms


def preload_from_instance(form) -> None:
    """Give a form's preloading autocomplete widgets of foreign keys the related object its instance has loaded
    already (``select_related``), so they read nothing."""
    opts = form.instance._meta
    for name, field in form.fields.items():
        widget = preloading_widget(field)
        if widget is None:
            continue
        related = _loaded_related(form.instance, opts, name, field)
        if related is not None:
            widget.preloaded = {str(getattr(related, widget._to_field_attname)): related}


class PreloadedAutocompleteAdminMixin:
    """An admin (or inline) whose autocomplete fields use the preloading widgets: an inline's formset preloads
    them (``PreloadedChoicesFormSetMixin``), a change form from its instance (``preload_from_instance``)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
