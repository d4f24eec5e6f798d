"""Model and form fields for money: fen in the database, yuan with two decimals in forms."""

from decimal import Decimal

from django import forms
from django.core import validators
from django.db import models
from django.utils.translation import gettext_lazy as _

from .money import fen_to_yuan, yuan_to_fen

# The platforms' highest accepted price: 10,000,000 yuan (mini-shop: 1,000,000,000 fen).
MAX_PRICE_FEN = 1_000_000_000


class YuanFormField(forms.DecimalField):
    """Shows and accepts yuan with at most two decimals; cleans to an integer number of fen."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, for example 12.50."),
        "max_decimal_places": _("Enter at most two decimals (fen)."),
    }

    def __init__(self, *, min_fen: int | None = 0, max_fen: int | None = MAX_PRICE_FEN, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.01", "class": "vYuanField"}))
        super().__init__(
            min_value=None if min_fen is None else fen_to_yuan(min_fen),
            max_value=None if max_fen is None else fen_to_yuan(max_fen),
            **kwargs,
        )

    def prepare_value(self, value):
        # Initial data comes from the model in fen; bound data is what the user typed, in yuan.
        if isinstance(value, int) and not isinstance(value, bool):
            return fen_to_yuan(value)
        return value

    def to_python(self, value):
        amount = super().to_python(value)
        if amount is None:
            return None
        return amount

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        return yuan_to_fen(amount)

    def has_changed(self, initial, data):
        try:
            initial_yuan = None if initial in (None, "") else self.prepare_value(initial)
            data_yuan = None if data in (None, "") else Decimal(str(data))
        except (ArithmeticError, ValueError):
            return True
        return initial_yuan != data_yuan


class MoneyField(models.PositiveBigIntegerField):
    """An amount of money in fen. Its form field works in yuan."""

    def __init__(self, *args, max_fen: int = MAX_PRICE_FEN, **kwargs):
        self.max_fen = max_fen
        super().__init__(*args, **kwargs)
        self.validators.append(validators.MaxValueValidator(max_fen))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_fen != MAX_PRICE_FEN:
            kwargs["max_fen"] = self.max_fen
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        defaults = {"form_class": YuanFormField, "max_fen": self.max_fen}
        defaults.update(kwargs)
        # PositiveBigIntegerField passes min_value; the yuan field sets its own bounds.
        defaults.pop("min_value", None)
        defaults.pop("max_value", None)
        return models.Field.formfield(self, **defaults)
