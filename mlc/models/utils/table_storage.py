"""Dense or sparse storage of a per-sample table, picked by size."""

#: Largest N x C table held densely by ``storage='auto'`` (256 MB of int8,
#: 1 GB of float32); larger tables are held sparsely.
MAX_DENSE_ENTRIES = 1 << 28
STORAGES = ('auto', 'dense', 'sparse')


def use_sparse(storage: str, num_samples: int, num_classes: int) -> bool:
    """Whether a (num_samples, num_classes) table of ``storage`` is held
    sparsely (``'auto'``: above :data:`MAX_DENSE_ENTRIES` entries)."""
    return storage == 'sparse' or (
        storage == 'auto' and num_samples * num_classes > MAX_DENSE_ENTRIES)
