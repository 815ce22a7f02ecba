"""The method's own training-time evidence about its labels."""
import re
from typing import Dict, List, Optional, Tuple

import numpy as np

#: per-sample label tables that methods keep in their checkpoints: (N, C)
#: corrected labels in {1, 0, -1} (co-learning's label memory)
_CORRECTED_LABELS = re.compile(r'(^|\.)label_memory\.[A-Za-z0-9_]+$')


def method_evidence(state_dict: Dict, observed: np.ndarray
                    ) -> Tuple[Optional[np.ndarray], List[str]]:
    """Labels that the method itself corrected during training.

    Methods that keep per-sample corrected labels store them in the model
    (co-learning's ``label_memory.<branch>``, (N, C) int8 in {1, 0, -1},
    indexed by training sample). A label counts as contradicted when any
    branch's corrected label disagrees with the observed one in the
    direction of an issue (a 0/-1 corrected to 1, or a 1 corrected to 0/-1).
    Methods whose corrections are a function of the current predictions
    (SPLC's pseudo positives, COMIC's reflective correction) keep no
    per-sample state: the probabilities already carry that evidence.

    Args:
        state_dict (dict): Model weights of a checkpoint of a run trained
            on exactly the scored annotation.
        observed (np.ndarray): (N, C) int8 observed labels.

    Returns:
        tuple: (N, C) int8 in {0, 1} (1 = contradicted by the method) or
        None when the checkpoint holds no such table, and the keys used.
    """
    evidence, used = None, []
    for key, value in state_dict.items():
        if not _CORRECTED_LABELS.search(key):
            continue
        table = np.asarray(value.cpu().numpy() if hasattr(value, 'cpu')
                           else value)
        if table.shape != observed.shape:
            raise ValueError(
                f'checkpoint entry {key} has shape {table.shape}, the '
                f'scored annotation {observed.shape}: the checkpoint was '
                'not trained on this annotation')
        flip = (table == 1) != (observed == 1)
        evidence = flip if evidence is None else evidence | flip
        used.append(key)
    return (None if evidence is None else evidence.astype(np.int8)), used
