"""The form renderer of the site: Django's templates, with the plainest of them written out in Python.

A product's change form renders about 400 widgets (20 SKU rows of a dozen fields, the inlines' empty rows), and
interpreting ``input.html``, ``attrs.html``, ``select.html``, ``label.html``, ``clearable_file_input.html`` without
a current file and the empty error lists through the template engine was most of the page's time.
``WidgetRenderer`` produces the same bytes as those templates (``tests/unit/shopadmin/test_renderers.py`` renders
both ways and compares) and hands everything else, and any of these templates that an app overrides, to the
template engine as ``DjangoTemplates`` does.
"""

from collections.abc import Callable, Mapping
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.templatetags.static import static
from django.utils.html import escape, strip_spaces_between_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

# Where Django's own templates are: a template found anywhere else is an override, rendered by the engine.
DJANGO_TEMPLATE_DIRS = (
    Path(django.__file__).resolve().parent / "forms" / "templates",
    Path(django.__file__).resolve().parent / "contrib" / "admin" / "templates",
)

# The templates' rendering context: autoescape on, localization and time zone as the settings say (None).
_CONTEXT = Context()

INPUT = "django/forms/widgets/input.html"
WIDGET_ATTRS = "django/forms/widgets/attrs.html"
FORM_ATTRS = "django/forms/attrs.html"
SELECT = "django/forms/widgets/select.html"
CLEARABLE_FILE_INPUT = "django/forms/widgets/clearable_file_input.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
ERRORS_UL = "django/forms/errors/list/ul.html"
ERRORS_DEFAULT = "django/forms/errors/list/default.html"
RELATED_WIDGET_WRAPPER = "admin/widgets/related_widget_wrapper.html"

# Widget templates that are exactly ``{% include "django/forms/widgets/input.html" %}``.
INPUT_INCLUDES = tuple(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "number",
        "hidden",
        "email",
        "password",
        "url",
        "checkbox",
        "color",
        "date",
        "datetime",
        "file",
        "search",
        "tel",
        "time",
    )
)


class Unsupported(Exception):
    """The context holds something the Python version does not reproduce: the template renders it."""


def _display(value) -> str:
    """``{{ value }}``."""
    if type(value) is str:
        return escape(value)  # what localizing and conditional_escape come to for a plain string
    if callable(value):
        raise Unsupported  # the template engine would call it
    return render_value_in_context(value, _CONTEXT)


def _display_s(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe (``is_safe=True``)."""
    if callable(value):
        raise Unsupported
    formatted = stringformat(value, "s")
    return _display(mark_safe(formatted) if isinstance(value, SafeData) else formatted)


def _attrs(attrs) -> str:
    """``attrs.html`` (the widgets' and the forms' are the same loop)."""
    if not isinstance(attrs, Mapping) or "items" in attrs:
        # ``attrs.items`` looks the key "items" up first; a non-dict is not what the templates are given.
        raise Unsupported
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _display(name))
            if value is not True:
                parts.append('="' + _display_s(value) + '"')
    return "".join(parts)


def _widget(context) -> Mapping:
    widget = context.get("widget") if isinstance(context, Mapping) else None
    if not isinstance(widget, Mapping):
        raise Unsupported
    return widget


def _input(widget: Mapping) -> str:
    value = widget["value"]
    value_html = ' value="' + _display_s(value) + '"' if value != None else ""  # noqa: E711  (the template's `!=`)
    return (
        '<input type="' + _display(widget["type"]) + '" name="' + _display(widget["name"]) + '"' + value_html
        + _attrs(widget["attrs"]) + ">"
    )  # fmt: skip


def render_input(context) -> str:
    return _input(_widget(context))


def render_clearable_file_input(context) -> str:
    # Without a current file (an upload field of its own, as the image fields' "or upload"): the input alone.
    widget = _widget(context)
    if widget["is_initial"]:
        raise Unsupported
    return (
        '<input type="'
        + _display(widget["type"])
        + '" name="'
        + _display(widget["name"])
        + '"'
        + _attrs(widget["attrs"])
        + ">"
    )


def _option(option: Mapping) -> str:
    if option.get("template_name") != SELECT_OPTION:
        raise Unsupported
    return (
        '<option value="'
        + _display_s(option["value"])
        + '"'
        + _attrs(option["attrs"])
        + ">"
        + _display(option["label"])
        + "</option>\n"
    )  # fmt: skip  (included, not stripped: the file's last newline stays)


def render_select(context) -> str:
    widget = _widget(context)
    parts = ['<select name="', _display(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="' + _display(group_name) + '">')
        for option in group_choices:
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_label(context) -> str:
    if not isinstance(context, Mapping):
        raise Unsupported
    if context["use_tag"]:
        tag = _display(context["tag"])
        return "<" + tag + _attrs(context["attrs"]) + ">" + _display(context["label"]) + "</" + tag + ">"
    return _display(context["label"])


def render_errors(context) -> str:
    # Only the empty list, by far the most frequent (every field of every row has one): nothing.
    if not isinstance(context, Mapping) or context.get("errors"):
        raise Unsupported
    return ""


# The admin's links beside a related field's widget, as the template writes them (inside {% spaceless %}).
_RELATED_LINKS = {
    "can_change_related": (
        '<a class="related-widget-wrapper-link change-related" id="change_id_{name}"\n'
        '            data-href-template="{change_related_template_url}?{url_params}"\n'
        '            data-popup="yes"\n'
        '            title="{title}">\n'
        '            <img src="{icon}" alt="" width="24" height="24">\n'
        "        </a>",
        "Change selected %(model)s",
        "admin/img/icon-changelink.svg",
    ),
    "can_add_related": (
        '<a class="related-widget-wrapper-link add-related" id="add_id_{name}"\n'
        '            data-popup="yes"\n'
        '            href="{add_related_url}?{url_params}"\n'
        '            title="{title}">\n'
        '            <img src="{icon}" alt="" width="24" height="24">\n'
        "        </a>",
        "Add another %(model)s",
        "admin/img/icon-addlink.svg",
    ),
    "can_delete_related": (
        '<a class="related-widget-wrapper-link delete-related" id="delete_id_{name}"\n'
        '            data-href-template="{delete_related_template_url}?{url_params}"\n'
        '            data-popup="yes"\n'
        '            title="{title}">\n'
        '            <img src="{icon}" alt="" width="24" height="24">\n'
        "        </a>",
        "Delete selected %(model)s",
        "admin/img/icon-deletelink.svg",
    ),
    "can_view_related": (
        '<a class="related-widget-wrapper-link view-related" id="view_id_{name}"\n'
        '             data-href-template="{change_related_template_url}?{view_related_url_params}"\n'
        '             title="{title}">\n'
        '            <img src="{icon}" alt="" width="24" height="24">\n'
        "          </a>",
        "View selected %(model)s",
        "admin/img/icon-viewlink.svg",
    ),
}
_LINK_VARIABLES = (
    "name",
    "change_related_template_url",
    "url_params",
    "add_related_url",
    "delete_related_template_url",
    "view_related_url_params",
)


def render_related_widget_wrapper(context) -> str:
    """``admin/widgets/related_widget_wrapper.html``: the widget and the change, add, delete and view links."""
    if not isinstance(context, Mapping):
        raise Unsupported
    links = []
    if not context["is_hidden"]:
        values = {key: _display(context[key]) if key in context else "" for key in _LINK_VARIABLES}
        model = _display(context["model"])
        for flag, (html, title, icon) in _RELATED_LINKS.items():
            if context[flag]:
                # {% blocktranslate %}: the translation, its variable escaped; {% static %}: the URL, escaped.
                links.append(
                    html.format(**values, title=gettext(title) % {"model": model}, icon=_display(static(icon)))
                )
    model_ref = (
        "" if context["model_has_limit_choices_to"] else 'data-model-ref="' + _display(context["model_name"]) + '"'
    )
    return (
        '<div class="related-widget-wrapper" ' + model_ref + ">\n    " + _display(context["rendered_widget"])
        + "\n    \n        " + strip_spaces_between_tags("\n        ".join(links)) + "\n    \n</div>"
    )  # fmt: skip


# Template → (its Python version, the templates it consists of).
FAST_TEMPLATES: dict[str, tuple[Callable[[object], str], tuple[str, ...]]] = {
    INPUT: (render_input, (INPUT, WIDGET_ATTRS)),
    **{name: (render_input, (name, INPUT, WIDGET_ATTRS)) for name in INPUT_INCLUDES},
    CLEARABLE_FILE_INPUT: (render_clearable_file_input, (CLEARABLE_FILE_INPUT, WIDGET_ATTRS)),
    SELECT: (render_select, (SELECT, SELECT_OPTION, WIDGET_ATTRS)),
    LABEL: (render_label, (LABEL, FORM_ATTRS)),
    ERRORS_UL: (render_errors, (ERRORS_UL,)),
    ERRORS_DEFAULT: (render_errors, (ERRORS_DEFAULT, ERRORS_UL)),
    RELATED_WIDGET_WRAPPER: (render_related_widget_wrapper, (RELATED_WIDGET_WRAPPER,)),
}


class WidgetRenderer(DjangoTemplates):
    """``DjangoTemplates`` with the templates of ``FAST_TEMPLATES`` rendered in Python, byte for byte."""

    def __init__(self):
        super().__init__()
        self._fast: dict[str, Callable[[object], str] | None] = {}

    def render(self, template_name, context, request=None):
        fast = self._fast.get(template_name, ...)
        if fast is ...:
            fast = self._fast[template_name] = self._fast_version(template_name)
        if fast is not None:
            try:
                # BaseRenderer.render strips the template's output (the files end with a newline).
                return fast(context).strip()
            except (Unsupported, LookupError, TypeError, AttributeError):
                pass  # the template renders it (and raises what it raises)
        return super().render(template_name, context, request=request)

    def _fast_version(self, template_name: str) -> Callable[[object], str] | None:
        """The Python version of a template, if every file it consists of is Django's own (not overridden)."""
        if template_name not in FAST_TEMPLATES:
            return None
        function, parts = FAST_TEMPLATES[template_name]
        for part in parts:
            origin = Path(self.get_template(part).origin.name).resolve()
            if not any(origin.is_relative_to(directory) for directory in DJANGO_TEMPLATE_DIRS):
                return None
        return function
