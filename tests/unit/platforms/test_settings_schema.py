"""The settings schema (``platforms/settings_schema.py``): every kind is stored as plain JSON and read back typed,
a secret is encrypted and kept when left empty, the form's fields check what the schema declares, and the adapter
receives only what it reads."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from channels_sync.crypto import decrypt_secret
from channels_sync.platforms.settings_schema import FORM_PREFIX, Kind, SettingField, SettingsSchema


def _even(value):
    if value % 2:
        raise ValidationError("Enter an even number.")


SCHEMA = SettingsSchema(
    title="test",
    fields=(
        SettingField("name", Kind.TEXT, "name", required=True, max_length=10, max_bytes=6),
        SettingField("count", Kind.INTEGER, "count", default=2, min_value=0, validators=(_even,)),
        SettingField("share", Kind.DECIMAL, "share", max_digits=5, decimal_places=2),
        SettingField("mode", Kind.CHOICE, "mode", choices=(("A", "a"), ("B", "b"))),
        SettingField("on", Kind.BOOLEAN, "on"),
        SettingField("link", Kind.URL, "link", max_length=100),
        SettingField("rows", Kind.JSON, "rows", required=True, required_message="Give the rows."),
        SettingField("until", Kind.DATETIME, "until", for_adapter=False),
        SettingField("token", Kind.SECRET, "token", required=True),
    ),
    rules=(
        lambda values: {"link": "A link is needed when on."} if values.get("on") and not values.get("link") else {},
    ),
    adapter_secret="token",
)
UNTIL = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
VALUES = {
    "name": "店",
    "count": 4,
    "share": Decimal("12.5"),
    "mode": "B",
    "on": True,
    "link": "https://example.com/a",
    "rows": [{"a": 1}],
    "until": UNTIL,
    "token": "plain-token",
}


class _Form(forms.Form):
    """A form holding the schema's fields, cleaned as the shop form cleans them."""

    def __init__(self, data, stored):
        super().__init__(data)
        self.fields.update(SCHEMA.form_fields(stored))
        self.stored = stored

    def clean(self):
        values = {name: self.cleaned_data.get(FORM_PREFIX + name) for name in SCHEMA.by_name}
        failed = {name for name in SCHEMA.by_name if FORM_PREFIX + name in self.errors}
        for name, message in SCHEMA.clean(values, stored=self.stored, failed=failed).items():
            self.add_error(FORM_PREFIX + name, message)
        return self.cleaned_data


def _errors(data, stored=None):
    form = _Form({FORM_PREFIX + name: value for name, value in data.items()}, stored or {})
    form.is_valid()
    return {name.removeprefix(FORM_PREFIX): errors for name, errors in form.errors.items()}


def test_every_kind_is_stored_as_plain_json_and_read_back_typed():
    stored = SCHEMA.store(VALUES)

    assert {name: value for name, value in stored.items() if name != "token"} == {
        "name": "店",
        "count": 4,
        "share": "12.50",
        "mode": "B",
        "on": True,
        "link": "https://example.com/a",
        "rows": [{"a": 1}],
        "until": "2027-01-02T03:04:05+00:00",
    }
    assert decrypt_secret(stored["token"]) == "plain-token"
    assert "plain-token" not in str(stored)
    assert SCHEMA.load(stored) == {**{k: v for k, v in VALUES.items() if k != "token"}, "share": Decimal("12.50")}


def test_the_adapter_gets_the_values_it_reads_and_the_secret_decrypted():
    stored = SCHEMA.store(VALUES)

    assert SCHEMA.adapter_options(stored) == {
        "name": "店",
        "count": 4,
        "share": "12.50",
        "mode": "B",
        "on": True,
        "link": "https://example.com/a",
        "rows": [{"a": 1}],
    }
    assert SCHEMA.adapter_extra_secret(stored) == "plain-token"


def test_a_secret_left_empty_keeps_the_stored_one_and_blank_values_are_left_out():
    first = SCHEMA.store(VALUES)

    again = SCHEMA.store({"name": "店", "count": 0, "on": False, "link": "", "token": ""}, previous=first)

    assert again == {"name": "店", "count": 0, "on": False, "token": first["token"]}


def test_a_name_the_schema_does_not_declare_is_refused():
    with pytest.raises(ValueError, match="unknown settings: colour"):
        SCHEMA.store({"colour": "red"})


def test_the_form_shows_the_stored_values_or_the_defaults_and_never_a_secret():
    assert SCHEMA.initial({}) == {
        FORM_PREFIX + "name": None,
        FORM_PREFIX + "count": 2,
        FORM_PREFIX + "share": None,
        FORM_PREFIX + "mode": None,
        FORM_PREFIX + "on": None,
        FORM_PREFIX + "link": None,
        FORM_PREFIX + "rows": None,
        FORM_PREFIX + "until": None,
    }
    stored = SCHEMA.store(VALUES)
    assert SCHEMA.initial(stored)[FORM_PREFIX + "share"] == Decimal("12.50")
    assert FORM_PREFIX + "token" not in SCHEMA.initial(stored)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"name": ["This field is required."], "rows": ["Give the rows."], "token": ["This field is required."]}),
        (
            {"name": "门店门", "rows": "[1]", "token": "t"},
            {"name": ["At most 6 bytes (a Chinese character takes 3); this is 9."]},
        ),
        ({"name": "a", "rows": "[]", "token": "t"}, {"rows": ["Give the rows."]}),
        ({"name": "a", "rows": "{", "token": "t"}, {"rows": ["Enter a valid JSON."]}),
        ({"name": "a", "rows": "[1]", "token": "t", "count": "3"}, {"count": ["Enter an even number."]}),
        (
            {"name": "a", "rows": "[1]", "token": "t", "mode": "C"},
            {"mode": ["Select a valid choice. C is not one of the available choices."]},
        ),
        ({"name": "a", "rows": "[1]", "token": "t", "on": "on"}, {"link": ["A link is needed when on."]}),
        (
            {"name": "a", "rows": "[1]", "token": "t", "share": "1.234"},
            {"share": ["Ensure that there are no more than 2 decimal places."]},
        ),
    ],
)
def test_the_form_fields_check_what_the_schema_declares(data, errors, english):
    assert _errors(data) == errors


def test_a_stored_secret_need_not_be_typed_again(english):
    stored = SCHEMA.store(VALUES)

    assert _errors({"name": "a", "rows": "[1]"}, stored) == {}
    assert 'placeholder="Saved; leave empty to keep it."' in str(_Form({}, stored)[FORM_PREFIX + "token"])
