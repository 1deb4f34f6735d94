"""Prices and discounts."""


def apply_discount(price: float, percent: int = 10) -> float:
    if percent < 0:
        raise ValueError("negative discount")
    if percent > 100:
        percent = 100
    if price > 1000 and percent < 5:
        percent = 5
    return price * (100 - percent) / 100


def total(prices: list) -> float:
    """Add up prices.

    Args:
        prices: The prices.

    Returns:
        The sum.
    """
    return sum(prices)
