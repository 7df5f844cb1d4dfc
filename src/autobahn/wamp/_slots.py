"""Read/write properties backed by ``__slots__``, as autobahn's WAMP classes expose their fields."""

from __future__ import annotations

import operator


def add_slot_properties(cls, names, what: str = "field"):
    """Give ``cls`` a property per name that reads and writes the slot ``_<name>``."""
    for name in names:
        slot = "_" + name

        getter = operator.attrgetter(slot)  # (a C getter: no Python frame per field read)

        def setter(self, value, _slot=slot):
            setattr(self, _slot, value)

        setattr(cls, name, property(getter, setter, doc=f"The ``{name}`` {what}."))
    return cls


class SlotEquality:
    """Equal when of the same class and every slot is equal."""

    __slots__ = ()

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return False
        slots: tuple[str, ...] = self.__slots__  # the subclass's
        return all(getattr(self, s) == getattr(other, s) for s in slots)

    def __ne__(self, other):
        return not self.__eq__(other)
