"""Prices and discounts."""


def apply_discount(price: float, percent: int = 10) -> float:
    """Apply discount.

    Parameters
    ----------
    price : float
        TODO: describe price.
    percent : int
        TODO: describe percent. Defaults to 10.

    Returns
    -------
    float
        TODO: describe the return value.

    Raises
    ------
    ValueError
        TODO: describe when raised.
    """
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
