"""A device is first heard at any seq: later and older seqs are handled without growing memory."""

from __future__ import annotations

from desktop.models.dedup import DuplicateFilter


def test_in_order_from_an_arbitrary_first_seq_keeps_no_gap_sets() -> None:
    f = DuplicateFilter(max_gaps=8)
    for seq in range(1000, 3000):
        assert not f.check_and_remember("obu:A", seq)
    w = f._windows["obu:A"]
    assert (w.start, w.floor, w.above, w.below) == (1000, 2999, set(), set())
    assert f.check_and_remember("obu:A", 2500) and f.duplicates == 1


def test_older_seqs_forwarded_after_a_newer_one_are_accepted_once() -> None:
    f = DuplicateFilter(max_gaps=8)
    assert not f.check_and_remember("seal:S", 50)
    assert not f.check_and_remember("seal:S", 48)  # stored earlier, forwarded later
    assert f.check_and_remember("seal:S", 48)
    assert not f.check_and_remember("seal:S", 49)
    assert f.check_and_remember("seal:S", 50)
    assert f.duplicates == 2


def test_the_set_below_the_first_seq_is_bounded() -> None:
    f = DuplicateFilter(max_gaps=4)
    f.check_and_remember("gate:G", 100)
    for seq in (1, 2, 3, 4):
        assert not f.check_and_remember("gate:G", seq)
    assert f.check_and_remember("gate:G", 5)  # full: anything older counts as seen
    assert len(f._windows["gate:G"].below) == 4
