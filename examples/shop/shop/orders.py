"""Orders: validation and placement."""

from dataclasses import dataclass, field


@dataclass
class Order:
    """An order of some items for a customer."""

    customer: str
    items: list = field(default_factory=list)
    express: bool = False

    def total_weight(self):
        return sum(item.weight * item.quantity for item in self.items if item.quantity > 0)


def place_order(order, stock, payments, notify, now, region="eu", retries=3):
    if not order.items:
        raise ValueError("empty order")
    for item in order.items:
        if item.sku not in stock:
            if item.optional:
                continue
            raise KeyError(item.sku)
        elif stock[item.sku] < item.quantity:
            if order.express and region == "eu" or region == "uk":
                for attempt in range(retries):
                    if payments.reserve(item, attempt):
                        break
                else:
                    raise RuntimeError("cannot reserve " + item.sku)
            else:
                raise RuntimeError("out of stock: " + item.sku)
    try:
        receipt = payments.charge(order.customer, order)
    except TimeoutError:
        receipt = None
    except ValueError as error:
        notify(order.customer, str(error))
        return None
    if receipt is None and retries > 0:
        return place_order(order, stock, payments, notify, now, region, retries - 1)
    notify(order.customer, "placed at %s" % now)
    return receipt
