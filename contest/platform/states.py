"""States as enums: the value stored in the database, a translated label, one transition table.

Every stateful model of every package declares its states here in the same shape:

    class EntryState(State): DRAFT = "draft"; …
    describe(EntryState, labels={…}, transitions={…})

and changes state only through `advance`, which refuses what the table does not allow."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l

from contest.platform.errors import IllegalTransition

S = TypeVar("S", bound="State")

_LABELS: dict[type, Mapping[Any, Any]] = {}
_TRANSITIONS: dict[type, Mapping[Any, frozenset]] = {}


class State(StrEnum):
    """Base of every package's state enums (it has no members, so it can be subclassed)."""

    @property
    def label(self) -> str:
        """The state in the interface's language."""
        return str(_LABELS[type(self)][self])

    def can_become(self, target: State) -> bool:
        return target in _TRANSITIONS[type(self)][self]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored strings, for a filter's allowed choices."""
        return tuple(member.value for member in cls)


def describe(
    enum: type[S], *, labels: Mapping[S, Any], transitions: Mapping[S, tuple[S, ...]]
) -> None:
    """Attach labels and the transition table; every member must have both."""
    missing = {m for m in enum if m not in labels or m not in transitions}
    assert not missing, f"{enum.__name__}: no label or transitions for {missing}"
    _LABELS[enum] = labels
    _TRANSITIONS[enum] = {state: frozenset(targets) for state, targets in transitions.items()}


def advance(obj: object, target: S, attribute: str = "state") -> S:
    """Move `obj` to `target` if its model's table allows it; return the state it left."""
    current = type(target)(getattr(obj, attribute))
    if not current.can_become(target):
        raise IllegalTransition(
            _l(
                "Không thể chuyển từ trạng thái «%(current)s» sang «%(target)s».",
                current=current.label,
                target=target.label,
            )
        )
    setattr(obj, attribute, target)
    return current
