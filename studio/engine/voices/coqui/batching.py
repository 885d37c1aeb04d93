"""Cutting work into padded batches, shared by the VITS and ForwardTTS batch renders.

Items are sorted by size (less padding), then taken in order into batches whose total size stays within a
budget asked for before each batch (it may change as memory is measured). An out-of-memory error halves the
budget for the rest of the call and retries, and says so in the log; a batch of one that still fails raises.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Callable, Sequence, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def in_batches(sizes: Sequence[float], budget: Callable[[], float], run: Callable[[list[int]], list[T]]
               ) -> list[T]:
    """`run(indices)` over batches of item indices; the results, one per item, in the items' order."""
    import torch

    order = sorted(range(len(sizes)), key=lambda i: sizes[i])
    results: list = [None] * len(sizes)
    start, cap = 0, float("inf")
    while start < len(order):
        limit = min(budget(), cap)
        end, total = start, 0.0
        while end < len(order) and (end == start or total + sizes[order[end]] <= limit):
            total += sizes[order[end]]
            end += 1
        chunk = order[start:end]
        try:
            out = run(chunk)
        except torch.OutOfMemoryError:
            if len(chunk) == 1:
                raise
            cap = max(1, int(min(limit, total)) // 2)  # at most half of what failed, for the rest of this call
            log.warning("Out of memory in a batch of %d segments; halving the batch to %d frames.", len(chunk),
                        cap)
            torch.cuda.empty_cache()
            continue
        for i, result in zip(chunk, out):
            results[i] = result
        start = end
    return results


@contextlib.contextmanager
def masked_convs(module, mask):
    """Every Conv1d in `module` sees its input zeroed beyond each segment's end while the context is open."""
    import torch

    def hook(_conv, args):
        x = args[0]
        if x.shape[-1] == mask.shape[-1]:
            return (x * mask.to(x.dtype),) + tuple(args[1:])
        return None
    handles = [m.register_forward_pre_hook(hook) for m in module.modules() if isinstance(m, torch.nn.Conv1d)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()
