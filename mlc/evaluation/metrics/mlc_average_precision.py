"""mAP with empty-class accounting and shot groups.

Definitions: docs/conventions.md section 7.
"""
import json
import logging
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log
from mmengine.structures import BaseDataElement
from mmpretrain.structures import label_to_onehot

from mlc.registry import METRICS
from ..functional import (
    GROUPS,
    SHOT_RULES,
    average_precision,
    class_freq_from_ann_file,
    describe_shot_rule,
    group_map,
    group_of_classes,
    load_class_split,
    mean_average_precision,
    split_from_counts,
)


def pack_sample(data_sample: Union[dict, BaseDataElement]) -> Dict[str, Any]:
    """Keep what the multi-label metrics need from one predicted sample.

    Args:
        data_sample (dict | DataSample): with ``pred_score`` (C,) sigmoid
            scores, ``gt_score`` (C,) in {1, 0, −1} (or ``gt_label`` indices,
            turned into a one-hot vector) and the metainfo ``sample_idx``.

    Returns:
        dict: ``pred_score`` (C,) and ``gt_score`` (C,) numpy arrays and
        ``sample_idx`` (int, or None when the pipeline did not pack it).
    """
    if isinstance(data_sample, BaseDataElement):
        data_sample = data_sample.to_dict()
    pred_score = torch.as_tensor(
        data_sample['pred_score']).detach().cpu().float()
    if 'gt_score' in data_sample:
        gt_score = torch.as_tensor(data_sample['gt_score'])
    else:
        gt_score = label_to_onehot(data_sample['gt_label'], pred_score.numel())
    sample_idx = data_sample.get('sample_idx')
    return dict(
        pred_score=pred_score.numpy().copy(),
        gt_score=gt_score.detach().cpu().float().numpy().copy(),
        sample_idx=None if sample_idx is None else int(sample_idx))


class PackedSampleMetric(BaseMetric):
    """Base of the metrics that keep every sample as :func:`pack_sample`
    packs it (``self.results``: one dict per sample)."""

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Store ``pred_score``, ``gt_score`` and ``sample_idx`` of every
        sample of the batch."""
        self.results.extend(pack_sample(ds) for ds in data_samples)


def stack_results(
        results: Sequence[dict]) -> Tuple[np.ndarray, np.ndarray, int]:
    """Stack packed samples, keeping the first occurrence of each
    ``sample_idx`` (a distributed sampler pads with repeated samples).
    Samples without ``sample_idx`` are all kept.

    Returns:
        tuple: ``scores`` (N, C), ``targets`` (N, C) and the number of
        dropped duplicates.
    """
    if not results:
        raise ValueError('no results to evaluate')
    seen = set()
    keep = []
    for i, result in enumerate(results):
        idx = result['sample_idx']
        if idx is None or idx not in seen:
            keep.append(i)
            seen.add(idx)
    scores = np.stack([results[i]['pred_score'] for i in keep])
    targets = np.stack([results[i]['gt_score'] for i in keep])
    return scores, targets, len(results) - len(keep)


def resolve_out_dir(out_dir: Optional[str]) -> Optional[str]:
    """``out_dir`` if given, else the directory of the current MMLogger's log
    file, else None."""
    if out_dir is not None:
        return out_dir
    log_file = MMLogger.get_current_instance().log_file
    return osp.dirname(osp.abspath(log_file)) if log_file else None


def dump_json(obj: Any, out_dir: Optional[str], name: str) -> Optional[str]:
    """Write ``obj`` as ``out_dir/name`` (see ``resolve_out_dir``); return the
    path, or None when there is nowhere to write."""
    directory = resolve_out_dir(out_dir)
    if directory is None:
        print_log(f'{name} not written: no out_dir and no log file',
                  logger='current', level=logging.WARNING)
        return None
    os.makedirs(directory, exist_ok=True)
    path = osp.join(directory, name)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1)
    return path


def _json_float(value: float) -> Optional[float]:
    return None if np.isnan(value) else round(float(value), 4)


@METRICS.register_module()
class MLCAveragePrecision(PackedSampleMetric):
    """Mean of per-class non-interpolated AP, −1 targets ignored.

    Classes without a positive in the evaluated set are excluded from every
    mean and counted in ``num_empty_classes``. When a class split is known,
    ``mAP_many``, ``mAP_medium``, ``mAP_few`` (mean AP over the non-empty
    classes of the group) and ``mAP_group_avg`` (mean of the group mAPs that
    exist; COMIC's "average mAP") are added. All mAPs are ×100. Samples are
    de-duplicated by ``sample_idx``.

    The split comes from, in order: ``class_split``; the positives per class
    of ``train_ann_file``; ``dataset_meta['class_split']`` (dict or JSON
    path); ``dataset_meta['train_class_freq']``. Counts are split by
    ``shot_rule``: ``'count'`` (many ≥ ``many_thr``, few < ``few_thr``),
    ``'rank'`` (the top ``many_frac`` of classes by training positives are
    many, the bottom ``few_frac`` few) or ``'quantile'`` (count quantiles;
    see :mod:`mlc.evaluation.functional.shot_groups`); the rule used is
    logged with the summary and stored in the per-class table. A count
    split with an empty group is logged as a warning. ``dataset_meta
    ['class_freq']`` (counts of the evaluated file) is never used. Split
    keys head/middle/tail (DB loss) are mapped to many/medium/few.

    A per-class table (name, AP, positives, group) is written as JSON to
    ``out_dir``, or to the directory of the current log file.

    Args:
        class_split (dict | str, optional): ``{"many": [...], "medium":
            [...], "few": [...]}`` or a JSON path holding it.
        train_ann_file (str, optional): annotation file of the training set
            in any format the datasets read (standard JSON, COCO instances
            JSON, CSV table, list file); counts its observed positives.
        shot_rule (str): ``'count'``, ``'rank'`` or ``'quantile'``.
        many_thr (int): ``'count'``: many-shot if training positives ≥ this.
            Default 100.
        few_thr (int): ``'count'``: few-shot if training positives < this.
            Default 20.
        many_frac (float): ``'rank'``/``'quantile'``: share of many-shot
            classes / upper quantile mass. Default 1/3.
        few_frac (float): ``'rank'``/``'quantile'``: share of few-shot
            classes / lower quantile mass. Default 1/3.
        out_dir (str, optional): directory of the per-class JSON table.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): metric name prefix; default
            ``'multi-label'`` (as mmpretrain's multi-label metrics).
    """
    default_prefix: Optional[str] = 'multi-label'

    def __init__(self,
                 class_split: Optional[Union[dict, str]] = None,
                 train_ann_file: Optional[str] = None,
                 shot_rule: str = 'count',
                 many_thr: int = 100,
                 few_thr: int = 20,
                 many_frac: float = 1 / 3,
                 few_frac: float = 1 / 3,
                 out_dir: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if class_split is not None and train_ann_file is not None:
            raise ValueError('give either class_split or train_ann_file')
        if few_thr > many_thr:
            raise ValueError(f'few_thr ({few_thr}) must not exceed many_thr '
                             f'({many_thr})')
        if shot_rule not in SHOT_RULES:
            raise ValueError(f'shot_rule must be one of {SHOT_RULES}, got '
                             f'{shot_rule!r}')
        if not (0 <= many_frac <= 1 and 0 <= few_frac <= 1
                and many_frac + few_frac <= 1):
            raise ValueError(f'many_frac ({many_frac}) and few_frac '
                             f'({few_frac}) must lie in [0, 1] and sum to at '
                             'most 1')
        self.class_split = (None if class_split is None else
                            load_class_split(class_split))
        self.train_ann_file = train_ann_file
        self.train_class_freq = (None if train_ann_file is None else
                                 class_freq_from_ann_file(train_ann_file))
        self.shot_rule = shot_rule
        self.many_thr = many_thr
        self.few_thr = few_thr
        self.many_frac = many_frac
        self.few_frac = few_frac
        self.out_dir = out_dir

    @property
    def shot_rule_text(self) -> str:
        """The rule that splits training counts, as logged."""
        return describe_shot_rule(self.shot_rule, self.many_thr, self.few_thr,
                                  self.many_frac, self.few_frac)

    def _from_freq(self, class_freq: Sequence[int],
                   num_classes: int) -> Dict[str, List[int]]:
        if len(class_freq) != num_classes:
            raise ValueError(f'training class_freq has {len(class_freq)} '
                             f'entries, predictions have {num_classes} '
                             'classes')
        split = split_from_counts(class_freq, self.shot_rule, self.many_thr,
                                  self.few_thr, self.many_frac,
                                  self.few_frac)
        empty = [g for g in GROUPS if not split[g]]
        if empty and self.shot_rule == 'count':
            print_log(
                f'{type(self).__name__}: no {"/".join(empty)}-shot class '
                f'under the {self.shot_rule_text}; on a small data set set '
                "shot_rule='rank' or 'quantile'", logger='current',
                level=logging.WARNING)
        return split

    def resolve_class_split(
            self, num_classes: int) -> Tuple[Optional[dict], str]:
        """The class split to use and a description of its source."""
        meta = self.dataset_meta or {}
        if self.class_split is not None:
            return (load_class_split(self.class_split, num_classes),
                    'class_split')
        if self.train_class_freq is not None:
            freq = self.train_class_freq
            if len(freq) < num_classes:  # a list file names no classes
                freq = class_freq_from_ann_file(self.train_ann_file,
                                                num_classes)
            return (self._from_freq(freq, num_classes),
                    f'train_ann_file counts, {self.shot_rule_text}')
        if meta.get('class_split') is not None:
            return (load_class_split(meta['class_split'], num_classes),
                    "dataset_meta['class_split']")
        if meta.get('train_class_freq') is not None:
            return (self._from_freq(meta['train_class_freq'], num_classes),
                    f"dataset_meta['train_class_freq'], "
                    f'{self.shot_rule_text}')
        return None, 'none'

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Compute mAP, ``num_empty_classes`` and the group mAPs.

        Args:
            results (list[dict]): packed samples from every rank.

        Returns:
            dict: ``mAP``, ``num_empty_classes`` and, with a split,
            ``mAP_many``, ``mAP_medium``, ``mAP_few``, ``mAP_group_avg``.
        """
        scores, targets, num_dup = stack_results(results)
        num_classes = scores.shape[1]
        ap, num_pos = average_precision(scores, targets)
        mAP, num_empty = mean_average_precision(ap)
        metrics: Dict[str, float] = dict(mAP=mAP, num_empty_classes=num_empty)
        split, source = self.resolve_class_split(num_classes)
        groups = None if split is None else group_map(ap, split)
        if groups is not None:
            for group in GROUPS:
                metrics[f'mAP_{group}'] = groups[group]['mAP']
            group_maps = [g['mAP'] for g in groups.values()
                          if not np.isnan(g['mAP'])]
            metrics['mAP_group_avg'] = (float(np.mean(group_maps))
                                        if group_maps else float('nan'))
        self._log_summary(len(scores), num_dup, num_classes, metrics, groups,
                          source)
        self._write_table(ap, num_pos, metrics, split, source)
        return metrics

    def _log_summary(self, num_samples: int, num_dup: int, num_classes: int,
                     metrics: dict, groups: Optional[dict],
                     source: str) -> None:
        rows = [('total', num_classes, metrics['num_empty_classes'],
                 metrics['mAP'])]
        unassigned = ''
        if groups is not None:
            rows += [(g, groups[g]['size'], groups[g]['num_empty'],
                      groups[g]['mAP']) for g in GROUPS]
            num_unassigned = num_classes - sum(r[1] for r in rows[1:])
            if num_unassigned:
                unassigned = f' ({num_unassigned} classes in no group)'
        lines = [f'{"group":<8}{"classes":>9}{"empty":>7}{"mAP":>9}']
        lines += [f'{name:<8}{size:>9d}{empty:>7d}{value:>9.2f}'
                  for name, size, empty, value in rows]
        print_log(
            f'{type(self).__name__}: {num_samples} samples ({num_dup} '
            f'duplicates dropped), {metrics["num_empty_classes"]} empty '
            f'classes excluded, class split: {source}{unassigned}\n' +
            '\n'.join(lines),
            logger='current')

    def _write_table(self, ap: np.ndarray, num_pos: np.ndarray, metrics: dict,
                     split: Optional[dict], source: str) -> None:
        num_classes = len(ap)
        names = (self.dataset_meta or {}).get('classes')
        if names is None or len(names) != num_classes:
            names = [str(c) for c in range(num_classes)]
        group = (group_of_classes(split, num_classes) if split is not None
                 else [''] * num_classes)
        table = dict(
            summary={k: (_json_float(v) if isinstance(v, float) else v)
                     for k, v in metrics.items()},
            class_split_source=source,
            classes=[
                dict(index=c, name=names[c], ap=_json_float(ap[c] * 100),
                     num_pos=int(num_pos[c]), group=group[c])
                for c in range(num_classes)
            ])
        name = (f'{self.prefix.replace("/", "_")}_per_class_ap.json'
                if self.prefix else 'per_class_ap.json')
        path = dump_json(table, self.out_dir, name)
        if path is not None:
            print_log(f'per-class AP table written to {path}',
                      logger='current')
