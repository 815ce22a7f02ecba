"""Timing helpers shared by the benchmark scripts of this folder."""
import statistics
import time
from typing import Callable, Dict, List

#: Loss benchmark scales: (batch size, number of classes).
SCALES = {'COCO (B 64, C 80)': (64, 80),
          'OpenImages (B 64, C 9600)': (64, 9600)}


def interleaved(fns: Dict[str, Callable], reps: int) -> Dict[str, float]:
    """Median seconds of each function, repetitions interleaved."""
    times: Dict[str, List[float]] = {k: [] for k in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(reps):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}
