"""The build's pauses of the cyclic garbage collector leave it as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from generator.collector import made_out_of_sight, unfrozen_after


@pytest.fixture(autouse=True)
def _clean_collector() -> Iterator[None]:
    gc.unfreeze()
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()


def test_objects_made_out_of_sight_are_frozen_and_collection_resumes() -> None:
    with unfrozen_after():
        with made_out_of_sight():
            assert not gc.isenabled()
            made = [[number] for number in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(made)
    assert gc.get_freeze_count() == 0


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    with made_out_of_sight():
        pass
    assert not gc.isenabled()


def test_what_was_frozen_before_stays_frozen_for_its_owner() -> None:
    gc.freeze()
    before = gc.get_freeze_count()
    with unfrozen_after(), made_out_of_sight():
        pass
    assert gc.get_freeze_count() >= before > 0
