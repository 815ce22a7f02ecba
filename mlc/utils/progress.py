"""Progress text for long steps run outside the training loop (sweeps of
runs, dataset builds): steps done / left, time per step and the ETA."""
from typing import Sequence


def format_duration(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``12s``."""
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f'{seconds // 3600}h{seconds % 3600 // 60:02d}m'
    if seconds >= 60:
        return f'{seconds // 60}m{seconds % 60:02d}s'
    return f'{seconds}s'


def progress_line(done: int, total: int, step_times: Sequence[float],
                  unit: str = 'runs') -> str:
    """``2/5 runs done, 3 left, 2m00s per run, ETA 6m00s``.

    The time per step and the ETA of the steps left come from the steps
    that did work (``step_times``); steps that reused a finished result are
    counted as done but take no time.

    Args:
        done (int): Steps finished (worked or reused).
        total (int): Steps in all.
        step_times (Sequence[float]): Seconds of each step that did work.
        unit (str): Plural name of a step.
    """
    left = total - done
    text = f'{done}/{total} {unit} done, {left} left'
    if step_times and left:
        per_step = sum(step_times) / len(step_times)
        text += (f', {format_duration(per_step)} per {unit.rstrip("s")}, '
                 f'ETA {format_duration(per_step * left)}')
    return text
