"""Prices and discounts."""


def price_with_discounts(price, customer, coupons=()):
    """Return the price after the customer's discounts and coupons."""
    if customer.is_member:
        price *= 0.9
    for coupon in coupons:
        if coupon.valid and not coupon.used:
            price -= coupon.amount
    return max(price, 0)


def shipping_cost(weight, express):  # noqa: CCR001
    if weight <= 0:
        return 0
    return 5 + weight * (2 if express else 1)
