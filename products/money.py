"""Money is an integer number of fen everywhere in the database and the payloads; people see yuan."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100


def yuan_to_fen(yuan: Decimal | str | int) -> int:
    """Convert an amount in yuan (at most two decimals) to an integer number of fen.

    Raises ValueError for anything that is not a finite number with at most two decimals.
    """
    try:
        amount = Decimal(str(yuan).strip())
    except InvalidOperation as error:
        raise ValueError(f"not an amount of money: {yuan!r}") from error
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {yuan!r}")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"more than two decimals: {yuan!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    """The exact amount in yuan, always with two decimals (1234 -> Decimal('12.34'))."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_fen(fen: int | None) -> str:
    """Readable money for list pages: 123456 -> '¥1,234.56'; None -> '-'."""
    if fen is None:
        return "-"
    return f"¥{fen_to_yuan(fen):,.2f}"
