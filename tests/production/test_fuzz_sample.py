"""A sample of the reader fuzzing (scripts/fuzz_readers.py runs 10,000 inputs per reader): every mutated input
loads or is refused with one sentence, quickly, writing nothing."""

import os
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.production.fuzzing import READERS, check, mutate, seed_text


@pytest.mark.parametrize("reader", sorted(READERS))
def test_mutated_inputs_load_or_are_refused(reader, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed = seed_text(reader)
    rng = random.Random(reader)
    for _ in range(300):
        t = time.perf_counter()
        check(reader, mutate(seed, rng))
        assert time.perf_counter() - t < 1.0
    assert os.listdir(tmp_path) == []


@settings(max_examples=150, deadline=1000)
@given(st.sampled_from(sorted(READERS)), st.text(max_size=400))
def test_arbitrary_text_loads_or_is_refused(reader, text):
    check(reader, text)
