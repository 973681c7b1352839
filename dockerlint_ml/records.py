"""Small value classes without ``dataclasses``: creating a dataclass costs ~0.6 ms (it compiles its
``__init__``, ``__repr__``, ``__eq__``... with ``exec``), and the plain lint path defined ~60 of them — a
third of mllint's start-up. A class on that path derives from :class:`Record` instead, lists its fields in
``_fields`` and writes its own ``__init__``; this base gives it what the dataclass gave: ``repr``, equality
and hashing over the fields (``_compare`` narrows them), pickling (``--jobs`` sends results between
processes), and :meth:`Record.replace` for ``dataclasses.replace``.

A frozen record also inherits :class:`Frozen`'s ``__setattr__`` guard; its ``__init__`` then sets fields
with ``object.__setattr__`` (what a frozen dataclass's generated ``__init__`` does, so no slower).
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms at start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar

__all__ = ["Frozen", "Record", "setfield"]

#: ``setfield(self, "name", value)`` in a frozen record's ``__init__``
setfield = object.__setattr__


class Record:
    __slots__ = ()
    #: every field, in ``__init__``'s positional order
    _fields: ClassVar[tuple[str, ...]] = ()
    #: the fields equality and hashing compare (default: all); ``None`` for identity (``eq=False``)
    _compare: ClassVar[tuple[str, ...] | None] = None
    _key: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        compared = cls.__dict__.get("_compare", None)
        if "_compare" not in cls.__dict__ and "_fields" in cls.__dict__:
            compared = cls._fields
        if "_compare" in cls.__dict__ and compared is None:  # identity, as ``eq=False``
            cls.__eq__ = object.__eq__  # type: ignore[method-assign]
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]
        elif compared is not None:
            # a tuple even for one field (attrgetter of one name returns the bare value)
            getter = attrgetter(*compared)
            cls._key = getter if len(compared) > 1 else (lambda self, _get=getter: (_get(self),))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in self._fields)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key(self) == other._key(other)  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(getattr(self, name) for name in self._fields))

    def replace(self, **changes: Any) -> Any:
        """A copy with ``changes`` (``dataclasses.replace``); a derived-value cache (``model.memo``) starts empty."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (as ``dataclasses.FrozenInstanceError``)."""


class Frozen(Record):
    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
