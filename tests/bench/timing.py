"""The one timing helper of the benchmarks: best of several rounds, per call."""

import time
from collections.abc import Callable


def best_per_call(function: Callable[[], object], calls: int, rounds: int = 5) -> float:
    """Seconds per call, the best of ``rounds`` rounds of ``calls`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def report(name: str, ours: float, reference_name: str, reference: float) -> None:
    print(
        f"{name}: {ours * 1e3:.3f} ms per call; {reference_name}: {reference * 1e3:.3f} ms;"
        f" ratio {ours / reference:.2f}x"
    )
