"""Base of every per-sample state of a model (docs/conventions.md,
section 8)."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn

from mlc.utils.dist import all_gather_rows, keep_last
from .lazy_buffers import resize_buffers_from


class PerSampleState(nn.Module):
    """Buffers that follow the training samples, with one protocol.

    - **Tables** (:meth:`register_table`) are (N, ...) buffers indexed by the
      training set's ``sample_idx`` and written by :meth:`commit`; other
      buffers (:meth:`register_state`: read-only tables, statistics,
      queues) change only through the subclass. All start empty and are
      sized when training starts (the subclass's ``initialize``, called by
      the family's hook) or by a loaded checkpoint.
    - **Stage, then commit.** During a step the model only stages the new
      (K,) indices + (K, ...) rows of a table (:meth:`stage_rows`) and
      values already identical on every rank (:meth:`stage_values`). The
      family's hook calls :meth:`commit` once after the optimiser step: the
      rows of every rank are gathered in rank order and written, the last
      writer in rank order winning for a sample seen twice, for every table
      in registration order (no rows where nothing was staged), so all ranks
      make the same collective calls and hold identical tables; staged
      values go to :meth:`apply_values`. Staging twice without a commit
      raises (the hook is missing).
    - **Checkpoint.** Every buffer is persistent, so the state travels in
      the model's ``state_dict`` under its attribute name (e.g.
      ``state.conf``, ``label_memory.random``); a checkpoint entry of
      another shape resizes its buffer before loading, so a model built for
      testing or before a resume loads the sized state.
    - **Storage.** A table is a dense (N, ...) buffer, or a module with
      ``shape``, ``dtype``, ``device``, ``rows(idx)`` and ``write(idx,
      rows)`` for tables too large to hold densely (``OverrideTable`` in
      ``mlc/models/utils/override_table.py``, ``CandidateTable`` in
      ``mlc/models/utils/candidate_table.py``; ``table_storage`` picks
      by size); all commit alike.

    Subclasses set :attr:`commit_hook` (named in errors) and implement
    ``initialize``.
    """

    #: the hook that calls :meth:`commit`, for error messages
    commit_hook = 'the state hook of the model'

    def __init__(self) -> None:
        super().__init__()
        self.table_names: Tuple[str, ...] = ()
        self._staged_rows: Dict[str, Tuple[torch.Tensor, torch.Tensor]] = {}
        self._staged_values: Optional[dict] = None

    # ----------------------------------------------------------- buffers
    def register_table(self, name: str, dtype: torch.dtype) -> None:
        """An empty (0, 0) per-sample table written by :meth:`commit`."""
        self.register_buffer(name, torch.zeros((0, 0), dtype=dtype))
        self.table_names += (name, )

    def register_state(self, name: str, dtype: torch.dtype,
                       shape: Tuple[int, ...]) -> None:
        """A buffer of the state not written by :meth:`commit`."""
        self.register_buffer(name, torch.zeros(shape, dtype=dtype))

    @property
    def num_samples(self) -> int:
        """N (0 until the state is sized)."""
        return getattr(self, self.table_names[0]).shape[0]

    def table_shape(self) -> Tuple[int, ...]:
        """Shape of the first table, e.g. (N, C)."""
        return tuple(getattr(self, self.table_names[0]).shape)

    def needs_init(self, shape: Tuple[int, ...]) -> bool:
        """True while the state is empty (the hook then initialises it);
        False when it was loaded (e.g. resumed) for a training set of
        table ``shape``; raises when loaded for another one."""
        if self.num_samples == 0:
            return True
        if self.table_shape() != tuple(shape):
            raise RuntimeError(
                f'{type(self).__name__}: the loaded state is '
                f'{self.table_shape()} but the training set gives '
                f'{tuple(shape)}; the checkpoint was made for another '
                'training set')
        return False

    # ------------------------------------------------------ stage/commit
    def stage_rows(self, name: str, idx: torch.Tensor,
                   rows: torch.Tensor) -> None:
        """Stage (K,) sample indices and (K, ...) new rows of table
        ``name`` (this rank's) for the next :meth:`commit`."""
        if name not in self.table_names:
            raise KeyError(f'{type(self).__name__}: no table {name!r} '
                           f'(tables: {self.table_names})')
        if name in self._staged_rows:
            raise RuntimeError(self._missing_commit())
        self._staged_rows[name] = (idx.detach(), rows.detach())

    def stage_values(self, **values) -> None:
        """Stage rank-global values for :meth:`apply_values`."""
        if self._staged_values is not None:
            raise RuntimeError(self._missing_commit())
        self._staged_values = values

    def discard_staged(self) -> None:
        """Forget everything staged since the last commit."""
        self._staged_rows = {}
        self._staged_values = None

    @torch.no_grad()
    def commit(self) -> None:
        """Write the staged rows of every rank, then apply staged values."""
        rows_by_table, values = self._staged_rows, self._staged_values
        self.discard_staged()
        if self.num_samples == 0:
            return
        for name in self.table_names:
            table = getattr(self, name)
            idx, rows = rows_by_table.get(name, (
                torch.zeros(0, dtype=torch.long, device=table.device),
                torch.zeros((0, *table.shape[1:]), dtype=table.dtype,
                            device=table.device)))
            idx, rows = keep_last(*all_gather_rows(
                idx.to(table.device).long(), rows.to(table.device,
                                                     table.dtype)))
            if isinstance(table, torch.Tensor):
                table[idx] = rows
            else:
                table.write(idx, rows)
        if values is not None:
            self.apply_values(values)

    def apply_values(self, values: dict) -> None:
        """Apply the staged rank-global values (subclasses that stage
        values override this)."""
        raise NotImplementedError(
            f'{type(self).__name__} stages no values, got {sorted(values)}')

    def _missing_commit(self) -> str:
        return (f'{type(self).__name__}: the previous step\'s updates were '
                f'never committed; add {self.commit_hook} to custom_hooks')

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        resize_buffers_from(self, state_dict, prefix, list(self._buffers))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def commit_states(model: nn.Module) -> int:
    """:meth:`PerSampleState.commit` every per-sample state of ``model``
    (module order, identical on every rank); returns how many."""
    states = [m for m in model.modules() if isinstance(m, PerSampleState)]
    for state in states:
        state.commit()
    return len(states)
