"""Money conversion (fen in the database, yuan in forms) and the pure SKU-matrix functions."""

from decimal import Decimal

import pytest
from django.utils import translation

from products.fields import YuanFormField
from products.money import fen_to_yuan, format_fen, yuan_to_fen
from products.sku_matrix import (
    CombinationError,
    SpecDefinition,
    SpecValue,
    check_matrix_size,
    combination_key,
    format_combination,
    full_matrix,
    missing_combinations,
    parse_combination,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [("0", 0), ("0.01", 1), ("12.5", 1250), ("12.50", 1250), ("99.99", 9999), ("10000000", 1_000_000_000), (3, 300)],
)
def test_yuan_to_fen_is_exact(yuan, fen):
    assert yuan_to_fen(yuan) == fen


@pytest.mark.parametrize("bad", ["0.001", "abc", "", "NaN", "Infinity"])
def test_yuan_to_fen_refuses_what_is_not_money(bad):
    with pytest.raises(ValueError):  # noqa: PT011
        yuan_to_fen(bad)


def test_fen_to_yuan_and_display():
    assert fen_to_yuan(1) == Decimal("0.01")
    assert fen_to_yuan(123456) == Decimal("1234.56")
    assert format_fen(123456) == "¥1,234.56"
    assert format_fen(0) == "¥0.00"
    assert format_fen(None) == "-"


def test_yuan_form_field_cleans_to_fen_and_shows_yuan():
    field = YuanFormField()

    assert field.clean("19.90") == 1990
    assert field.prepare_value(1990) == Decimal("19.90")
    assert field.has_changed(1990, "19.9") is False
    assert field.has_changed(1990, "19.91") is True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.234", "Enter at most two decimals (fen)."),
        ("-1", "Ensure this value is greater than or equal to 0.00."),
        ("10000000.01", "Ensure this value is less than or equal to 10000000.00."),
        ("cheap", "Enter an amount in yuan, for example 12.50."),
    ],
)
def test_yuan_form_field_errors(value, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        YuanFormField().clean(value)
    assert raised.value.messages == [message]


COLOUR = SpecDefinition(key="1001", name="颜色", values=(SpecValue("2001", "白色"), SpecValue("$黑色", "黑色")))
SIZE = SpecDefinition(key="$尺码", name="尺码", values=(SpecValue("$S", "S"), SpecValue("$M", "M")))


def test_parse_combination_orders_by_spec_and_accepts_both_separators():
    assert parse_combination("尺码：M；颜色：白色", [COLOUR, SIZE]) == [
        {"id": "1001", "vid": "2001", "name": "颜色", "value": "白色"},
        {"id": "$尺码", "vid": "$M", "name": "尺码", "value": "M"},
    ]
    assert parse_combination("颜色: 黑色 / 尺码: S", [COLOUR, SIZE])[0]["vid"] == "$黑色"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter one value for each spec, e.g. 颜色：白色 / 尺码：S."),
        ("颜色", "Write each pair as spec:value, e.g. 颜色：白色 / 尺码：S."),
        ("颜色:白色", "Missing a value for the spec “尺码”."),
        ("颜色:白色;颜色:黑色;尺码:S", "The spec “颜色” appears twice."),
        ("颜色:白色;尺码:S;重量:1kg", "The product has no spec “重量”."),
        ("颜色:红色;尺码:S", "“红色” is not a chosen value of the spec “颜色”."),
    ],
)
def test_parse_combination_errors(text, message):
    with pytest.raises(CombinationError) as raised:
        parse_combination(text, [COLOUR, SIZE])
    assert str(raised.value) == message


def test_uniform_spec_product_has_the_empty_combination():
    assert parse_combination("", []) == []
    assert combination_key([]) == ""
    assert full_matrix([]) == [[]]
    with pytest.raises(CombinationError):
        parse_combination("颜色:白色", [])


def test_full_matrix_and_missing_combinations_keep_matrix_order():
    matrix = full_matrix([COLOUR, SIZE])
    assert [format_combination(row) for row in matrix] == [
        "颜色：白色 / 尺码：S",
        "颜色：白色 / 尺码：M",
        "颜色：黑色 / 尺码：S",
        "颜色：黑色 / 尺码：M",
    ]
    assert [combination_key(row) for row in matrix][0] == "1001:2001;$尺码:$S"

    existing = [parse_combination("颜色:黑色;尺码:S", [COLOUR, SIZE])]
    missing = missing_combinations([COLOUR, SIZE], existing)

    assert [format_combination(row) for row in missing] == [
        "颜色：白色 / 尺码：S",
        "颜色：白色 / 尺码：M",
        "颜色：黑色 / 尺码：M",
    ]


def test_matrix_over_500_combinations_is_refused():
    many = SpecDefinition(key="$a", name="a", values=tuple(SpecValue(f"$v{i}", f"v{i}") for i in range(23)))
    other = SpecDefinition(key="$b", name="b", values=tuple(SpecValue(f"$w{i}", f"w{i}") for i in range(22)))
    check_matrix_size([many, SpecDefinition(key="$c", name="c", values=tuple(other.values[:21]))])  # 483: fine
    with pytest.raises(CombinationError) as raised:
        check_matrix_size([many, other])
    assert str(raised.value) == "These specs make 506 combinations; a product has at most 500 SKUs."
