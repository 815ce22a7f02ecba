"""Timing and memory of training iterations for ``gpu_throughput.py``:
the iteration meter (data wait vs step time, images/s, peak memory), the
Runner hooks that feed it, and channels_last batches."""
import resource
import time
from typing import Any, Dict

import torch
from mmengine.hooks import Hook


class StopTiming(Exception):
    """Raised by the timer once enough iterations are measured."""


def count_images(batch: Any) -> int:
    """Decoded images in a data batch (nested lists / dicts of CHW or NCHW
    tensors)."""
    if isinstance(batch, torch.Tensor):
        return batch.shape[0] if batch.dim() == 4 else 1
    if isinstance(batch, dict):
        if 'inputs' in batch:
            return count_images(batch['inputs'])
        return sum(count_images(v) for v in batch.values())
    if isinstance(batch, (list, tuple)):
        return sum(count_images(v) for v in batch)
    return 0


class Meter:
    """Wait (data) and step times of the timed iterations, peak memory."""

    def __init__(self, warmup: int, iters: int) -> None:
        self.warmup, self.iters = warmup, iters
        self.seen = 0
        self.wait = self.step = 0.
        self.images = 0
        self.mark = None

    def fetched(self) -> float:
        now = time.perf_counter()
        if self.mark is not None and self.seen >= self.warmup:
            self.wait += now - self.mark
        return now

    def finished(self, started: float, images: int) -> bool:
        """Record one iteration; True once ``iters`` are timed."""
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        now = time.perf_counter()
        if self.seen >= self.warmup:
            self.step += now - started
            self.images += images
        self.seen += 1
        if self.seen == self.warmup:
            reset_peak_memory()
        self.mark = time.perf_counter()
        return self.seen >= self.warmup + self.iters

    def result(self) -> Dict[str, float]:
        total = self.wait + self.step
        return dict(images_per_s=self.images / total,
                    stall_fraction=self.wait / total,
                    peak_memory_mib=peak_memory_mib(),
                    iterations=self.seen - self.warmup)


def reset_peak_memory() -> None:
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
        return
    try:  # Linux: reset the process's peak RSS (VmHWM)
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass


def peak_memory_mib() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class FetchHook(Hook):
    """Marks the arrival of a batch (runs before the other hooks)."""

    priority = 'HIGHEST'

    def __init__(self, meter: Meter) -> None:
        self.meter, self.started = meter, 0.

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self.started = self.meter.fetched()


class DoneHook(Hook):
    """Ends the iteration's timing (runs after the other hooks)."""

    priority = 'LOWEST'

    def __init__(self, meter: Meter, fetch: FetchHook) -> None:
        self.meter, self.fetch = meter, fetch

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if self.meter.finished(self.fetch.started, count_images(data_batch)):
            raise StopTiming


def to_channels_last(batch: Any) -> Any:
    """Every NCHW tensor in ``batch`` (nested dicts / lists) as
    channels_last."""
    if isinstance(batch, torch.Tensor) and batch.dim() == 4:
        return batch.contiguous(memory_format=torch.channels_last)
    if isinstance(batch, dict):
        return type(batch)({k: to_channels_last(v) for k, v in batch.items()})
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_channels_last(v) for v in batch)
    return batch


def channels_last_inputs(preprocessor: torch.nn.Module) -> None:
    """Make the data preprocessor return channels_last image batches."""
    forward = preprocessor.forward

    def wrapped(*args, **kwargs):
        out = forward(*args, **kwargs)
        if isinstance(out, dict):  # inputs, co-learning's partner_inputs
            for key in [k for k in out if k.endswith('inputs')]:
                out[key] = to_channels_last(out[key])
        return out
    preprocessor.forward = wrapped
