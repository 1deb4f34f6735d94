"""A small shop used to show what docent reports."""

from .orders import Order, place_order
from .pricing import price_with_discounts

__all__ = ["Order", "place_order", "price_with_discounts"]
