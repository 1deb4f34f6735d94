"""Shopping carts."""


def add_item(cart: dict, name: str, quantity: int = 1) -> dict:
    """Add item.

    Parameters
    ----------
    cart : dict
        TODO: describe cart.
    name : str
        TODO: describe name.
    quantity : int
        TODO: describe quantity. Defaults to 1.

    Returns
    -------
    dict
        TODO: describe the return value.
    """
    cart[name] = cart.get(name, 0) + quantity
    return cart


def remove_item(cart: dict, name: str) -> None:
    """Remove item.

    Parameters
    ----------
    cart : dict
        TODO: describe cart.
    name : str
        TODO: describe name.
    """
    cart.pop(name, None)


class Cart:
    """A cart.

    Attributes
    ----------
    owner : str
        TODO: describe owner.
    items : dict
        TODO: describe items.
    """
    def __init__(self, owner: str) -> None:
        """Initialize the Cart.

        Parameters
        ----------
        owner : str
            TODO: describe owner.
        """
        self.owner = owner
        self.items = {}

    def count(self) -> int:
        """Count.

        Returns
        -------
        int
            TODO: describe the return value.
        """
        return sum(self.items.values())
