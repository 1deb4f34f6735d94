"""Shopping carts."""


def add_item(cart: dict, name: str, quantity: int = 1) -> dict:
    cart[name] = cart.get(name, 0) + quantity
    return cart


def remove_item(cart: dict, name: str) -> None:
    cart.pop(name, None)


class Cart:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.items = {}

    def count(self) -> int:
        return sum(self.items.values())
