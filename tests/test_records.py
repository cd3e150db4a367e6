"""ttuplan.records.dataclass: frozen classes defined faster, behaving as the standard
library's: the same repr, equality, hash, frozenness and dataclass functions."""

from __future__ import annotations

import dataclasses
import math
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ttuplan import records


@records.dataclass(frozen=True, slots=True, kw_only=True)
class Spot:  # at module level: a class pickle can name
    x: int
    around: tuple[Spot, ...] = ()


def point_classes() -> tuple[type[Any], type[Any]]:
    """The same class made by each decorator (same name, same qualified name)."""

    def make(decorate: Any) -> type[Any]:
        @decorate(frozen=True, slots=True, kw_only=True)
        class Point:
            x: Any
            label: Any = "p"
            note: Any = dataclasses.field(default=None, compare=False, repr=False)
            only_hash: Any = dataclasses.field(default=0, compare=True, hash=False)

        return Point

    return make(records.dataclass), make(dataclasses.dataclass)


VALUES = st.one_of(
    st.integers(-3, 3),
    st.text(max_size=3),
    st.none(),
    st.just(math.nan),
    st.tuples(st.integers(0, 2), st.text(max_size=2)),
)
FIELDS = st.fixed_dictionaries(
    {"x": VALUES, "label": VALUES, "note": VALUES, "only_hash": st.integers(0, 2)}
)


@given(FIELDS, FIELDS)
def test_a_frozen_record_behaves_as_the_standard_dataclass(
    one: dict[str, Any], other: dict[str, Any]
) -> None:
    lean, standard = point_classes()
    a, b = lean(**one), lean(**other)
    a_std, b_std = standard(**one), standard(**other)
    assert repr(a) == repr(a_std)
    assert (a == b) == (a_std == b_std)
    assert (a != b) == (a_std != b_std)
    same, same_std = lean(**one), standard(**one)  # nan: the same object, equal in a tuple
    assert (a == same) == (a_std == same_std)
    assert hash(a) == hash(a_std)
    if a == b:
        assert hash(a) == hash(b)
    assert (a == a_std) is False  # another class, even of the same name
    assert a.__eq__(a_std) is NotImplemented


def test_a_record_is_a_frozen_slotted_dataclass_in_every_other_respect() -> None:
    lean, _ = point_classes()
    point = lean(x=1, note="n")
    assert dataclasses.is_dataclass(point)
    assert not hasattr(point, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2
    assert dataclasses.replace(point, x=2) == lean(x=2, note="other")  # note is not compared
    assert dataclasses.asdict(point) == {"x": 1, "label": "p", "note": "n", "only_hash": 0}
    spot = Spot(x=1, around=(Spot(x=2),))
    assert pickle.loads(pickle.dumps(spot)) == spot
    assert point.__match_args__ == ()  # kw_only, as the standard decorator says


def test_methods_a_record_defines_itself_are_kept() -> None:
    @records.dataclass(frozen=True, slots=True)
    class ByName:
        name: str
        size: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, ByName) and other.name == self.name

        def __hash__(self) -> int:
            return hash(self.name)

        def __repr__(self) -> str:
            return f"<{self.name}>"

    @records.dataclass(frozen=True)
    class EqOnly:  # noqa: PLW1641 (__eq__ alone: the fields' hash, as the standard decorator)
        value: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, EqOnly) and other.value % 10 == self.value % 10

    assert ByName("a", 1) == ByName("a", 2)
    assert hash(ByName("a", 1)) == hash("a")
    assert repr(ByName("a", 1)) == "<a>"
    assert EqOnly(3) == EqOnly(13)
    assert hash(EqOnly(3)) == hash((3,))


def test_what_the_shortcut_does_not_cover_goes_to_the_standard_decorator() -> None:
    @records.dataclass(frozen=True, order=True)
    class Ordered:
        rank: int

    @records.dataclass
    class Mutable:
        value: int

    assert Ordered(1) < Ordered(2)
    assert Ordered.__dataclass_params__.eq  # type: ignore[attr-defined]
    changed = Mutable(1)
    changed.value = 2
    assert changed == Mutable(2)
