"""A platform's per-shop settings, declared as a schema (as Saleor's plugins declare their configuration): each
platform package lists its fields in ``platforms/<platform>/settings.py: SETTINGS`` and registers it in
``platforms/registry.py``; the shop form, the storage and what the adapter receives all come from that one list.

The values live in one JSON field, ``Shop.platform_settings``: plain JSON values (a decimal as its digits, a
datetime as ISO 8601), a blank value left out, a ``secret`` kind encrypted at rest (``channels_sync.crypto``) and
never rendered back: leaving it empty in the form keeps the stored one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from channels_sync.crypto import decrypt_secret, encrypt_secret

# The shop form names a setting's field with this prefix, so that no setting can shadow a field of the shop.
FORM_PREFIX = "settings__"
BLANK_VALUES = (None, "", [])


class Kind(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    URL = "url"
    JSON = "json"
    DATETIME = "datetime"
    SECRET = "secret"


class _JSONFormField(forms.JSONField):
    """A JSON field where only an empty input is blank: ``{}`` or ``[]`` reach the setting's validators, which
    say what shape is expected, instead of passing as "nothing entered"."""

    empty_values = [None, ""]


@dataclass(frozen=True)
class SettingField:
    """One setting: its kind, its label and help (translated msgids), and what makes a value valid.

    ``validators`` receive the typed value (an ``int``, a ``Decimal``, a parsed JSON value…) and raise
    ``ValidationError``; they run only on a value that was entered. ``for_adapter=False`` keeps a value out of
    what the adapter receives (one only shown to the merchant, such as a token's expiry).
    """

    name: str
    kind: Kind
    label: Any
    help_text: Any = ""
    required: bool = False
    # The error of a required setting left blank; Django's "This field is required." where it says nothing more.
    required_message: Any = ""
    default: Any = None
    choices: tuple[tuple[str, Any], ...] = ()
    min_value: int | Decimal | None = None
    max_value: int | Decimal | None = None
    max_length: int | None = None
    # A limit the platform counts in UTF-8 bytes (字节), checked after the characters' limit.
    max_bytes: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    validators: tuple[Callable[[Any], None], ...] = ()
    for_adapter: bool = True

    @property
    def form_name(self) -> str:
        return FORM_PREFIX + self.name

    def form_field(self, *, secret_stored: bool = False) -> forms.Field:
        """The form field of this setting, with the admin's widgets. A required secret already stored may be left
        empty (it is kept); :meth:`SettingsSchema.clean` checks what is required once more after the fields (an
        empty JSON list is blank, yet a value to the JSON field)."""
        required = self.required and not (self.kind == Kind.SECRET and secret_stored)
        common = {"label": self.label, "help_text": self.help_text, "required": required}
        if self.required_message:
            common["error_messages"] = {"required": self.required_message}
        validators = list(self.validators)
        if self.max_bytes is not None:
            validators.append(_max_bytes(self.max_bytes))
        kind = self.kind
        if kind == Kind.TEXT:
            return forms.CharField(
                max_length=self.max_length, validators=validators, widget=admin_widgets.AdminTextInputWidget, **common
            )
        if kind == Kind.INTEGER:
            return forms.IntegerField(
                min_value=self.min_value,
                max_value=self.max_value,
                validators=validators,
                # An id of up to 64 bits needs the wider input, as a BigIntegerField has.
                widget=admin_widgets.AdminIntegerFieldWidget
                if self.max_value is not None and self.max_value <= 2**31 - 1
                else admin_widgets.AdminBigIntegerFieldWidget,
                **common,
            )
        if kind == Kind.DECIMAL:
            return forms.DecimalField(
                min_value=self.min_value,
                max_value=self.max_value,
                max_digits=self.max_digits,
                decimal_places=self.decimal_places,
                validators=validators,
                **common,
            )
        if kind == Kind.CHOICE:
            return forms.ChoiceField(choices=[("", "---------"), *self.choices], validators=validators, **common)
        if kind == Kind.BOOLEAN:
            # A required checkbox would have to be ticked: a boolean setting is never required.
            return forms.BooleanField(validators=validators, **{**common, "required": False})
        if kind == Kind.URL:
            return forms.URLField(
                max_length=self.max_length,
                assume_scheme="https",
                validators=validators,
                widget=admin_widgets.AdminURLFieldWidget,
                **common,
            )
        if kind == Kind.JSON:
            return _JSONFormField(validators=validators, widget=admin_widgets.AdminTextareaWidget, **common)
        if kind == Kind.DATETIME:
            return forms.SplitDateTimeField(widget=admin_widgets.AdminSplitDateTime, validators=validators, **common)
        if kind == Kind.SECRET:
            attrs = {"autocomplete": "new-password"}
            if secret_stored:
                attrs["placeholder"] = _("Saved; leave empty to keep it.")
            return forms.CharField(
                widget=forms.PasswordInput(render_value=False, attrs=attrs),
                max_length=self.max_length,
                validators=validators,
                **common,
            )
        raise ValueError(f"unknown setting kind {kind!r}")

    def to_json(self, value: Any) -> Any:
        """The typed value as stored (a secret is encrypted by the caller, :meth:`SettingsSchema.store`)."""
        if value in BLANK_VALUES:
            return None
        if self.kind == Kind.DECIMAL:
            # At its declared places, as a DecimalField stores it: "90" is kept as "90.00".
            number = Decimal(value)
            if self.decimal_places is not None:
                number = number.quantize(Decimal(1).scaleb(-self.decimal_places))
            return format(number, "f")
        if self.kind == Kind.DATETIME:
            return value.isoformat()
        if self.kind == Kind.BOOLEAN:
            return bool(value)
        if self.kind == Kind.INTEGER:
            return int(value)
        return value

    def from_json(self, stored: Any) -> Any:
        """The stored value, typed; ``None`` where it is absent or cannot be read as this kind."""
        if stored in BLANK_VALUES:
            return None
        try:
            if self.kind == Kind.DECIMAL:
                return Decimal(str(stored))
            if self.kind == Kind.DATETIME:
                return datetime.fromisoformat(stored)
            if self.kind == Kind.INTEGER:
                return int(stored)
        except (InvalidOperation, TypeError, ValueError):
            return None
        return stored


def _max_bytes(limit: int) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        length = len(str(value).encode("utf-8"))
        if length > limit:
            raise ValidationError(
                _("At most %(limit)d bytes (a Chinese character takes 3); this is %(length)d.")
                % {"limit": limit, "length": length},
                code="max_bytes",
            )

    return check


# A rule over several settings: the clean values by name in, the errors by setting name out.
CrossFieldRule = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class SettingsSchema:
    """A platform's settings: the fields, how the shop form groups them, and the rules across fields.

    ``fieldsets`` are ``(title, description, (name or (name, name…), …))``; ``adapter_secret`` names the secret
    the adapter receives decrypted as ``ShopConfig.extra_secret``.
    """

    title: Any
    fields: tuple[SettingField, ...]
    fieldsets: tuple[tuple[Any, Any, tuple], ...] = ()
    rules: tuple[CrossFieldRule, ...] = ()
    adapter_secret: str = ""
    by_name: dict[str, SettingField] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        if self.adapter_secret and self.by_name[self.adapter_secret].kind != Kind.SECRET:
            raise ValueError(f"{self.adapter_secret} is not a secret setting")

    # --- the shop form ------------------------------------------------------------------------------------------

    def form_fields(self, stored: Mapping[str, Any]) -> dict[str, forms.Field]:
        """The form fields by form name, for a shop whose settings are ``stored``."""
        return {
            f.form_name: f.form_field(secret_stored=f.kind == Kind.SECRET and self.has_secret(stored, f.name))
            for f in self.fields
        }

    def initial(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """What the form shows: the stored values, a setting never set its default, never a secret."""
        initial = {}
        for f in self.fields:
            if f.kind == Kind.SECRET:
                continue
            value = f.from_json(stored.get(f.name))
            initial[f.form_name] = f.default if value is None and f.name not in stored else value
        return initial

    def admin_fieldsets(self) -> list[tuple[Any, dict]]:
        def form_names(entry):
            return tuple(FORM_PREFIX + name for name in entry) if isinstance(entry, tuple) else FORM_PREFIX + entry

        fieldsets = self.fieldsets or ((self.title, "", tuple(f.name for f in self.fields)),)
        return [
            (title, {"fields": [form_names(entry) for entry in entries], "description": description})
            for title, description, entries in fieldsets
        ]

    def clean(self, cleaned: Mapping[str, Any], *, stored: Mapping[str, Any], failed: set[str]) -> dict[str, Any]:
        """The errors by setting name, after the fields: a required setting left blank (a secret counts as set
        when one is stored), then the cross-field rules over the settings that are clean. ``cleaned`` is by
        setting name; ``failed`` names the settings whose field already refused its input."""
        errors: dict[str, Any] = {}
        for f in self.fields:
            if not f.required or f.name in failed or cleaned.get(f.name) not in BLANK_VALUES:
                continue
            if f.kind == Kind.SECRET and self.has_secret(stored, f.name):
                continue
            errors[f.name] = f.required_message or forms.Field.default_error_messages["required"]
        clean_values = {name: value for name, value in cleaned.items() if name not in failed and name not in errors}
        for rule in self.rules:
            for name, message in rule(clean_values).items():
                errors.setdefault(name, message)
        return errors

    # --- storage ------------------------------------------------------------------------------------------------

    def store(self, values: Mapping[str, Any], *, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The JSON to keep for typed ``values`` (secrets in plain text, encrypted here). A secret left empty keeps
        the ``previous`` one; a blank value is left out; a name the schema does not declare is refused."""
        unknown = set(values) - set(self.by_name)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        previous = previous or {}
        stored: dict[str, Any] = {}
        for f in self.fields:
            value = values.get(f.name)
            if f.kind == Kind.SECRET:
                if value:
                    stored[f.name] = encrypt_secret(value)
                elif previous.get(f.name):
                    stored[f.name] = previous[f.name]
                continue
            as_json = f.to_json(value)
            if as_json is not None:
                stored[f.name] = as_json
        return stored

    def load(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """The stored settings, typed (``Decimal``, ``datetime``…), without the secrets; blank ones left out."""
        values = {}
        for f in self.fields:
            if f.kind == Kind.SECRET:
                continue
            value = f.from_json(stored.get(f.name))
            if value is not None:
                values[f.name] = value
        return values

    def has_secret(self, stored: Mapping[str, Any], name: str) -> bool:
        """Whether a secret is stored (what the form says instead of showing it)."""
        return bool(stored.get(name))

    def secret(self, stored: Mapping[str, Any], name: str) -> str:
        """A stored secret, decrypted; empty if none is stored."""
        if self.by_name[name].kind != Kind.SECRET:
            raise ValueError(f"{name} is not a secret setting")
        token = stored.get(name)
        return decrypt_secret(token) if token else ""

    # --- what the adapter receives ------------------------------------------------------------------------------

    def adapter_options(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """The settings the payload builders read (``ShopConfig.options``), as plain JSON values (a decimal as its
        digits): the ones that are set, never a secret."""
        return {
            f.name: stored[f.name]
            for f in self.fields
            if f.for_adapter and f.kind != Kind.SECRET and stored.get(f.name) not in BLANK_VALUES
        }

    def adapter_extra_secret(self, stored: Mapping[str, Any]) -> str:
        return self.secret(stored, self.adapter_secret) if self.adapter_secret else ""
