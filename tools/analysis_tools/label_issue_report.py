"""The outputs of ``find_label_issues.py``: the issue tables, the contact
sheet and the corrected annotation, and the method evidence of a
checkpoint."""
import argparse
import csv
import json
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader

import mlc  # noqa: F401  (installs the safe checkpoint loader)
from mlc.datasets.corruptions import save_annotation
from mlc.datasets.readers.standard import file_sha1
from mlc.evaluation.label_issues import (
    MISSING,
    SPURIOUS,
    SheetItem,
    contact_sheet,
    corrected_annotation,
    flagged_images,
    image_scores,
    method_evidence,
)
from mlc.utils.strict_load import checkpoint_state_dict


def load_evidence(checkpoint: str, observed: np.ndarray
                  ) -> Optional[np.ndarray]:
    """The method's own corrections stored in ``checkpoint``, or None."""
    ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    evidence, keys = method_evidence(checkpoint_state_dict(ckpt), observed)
    if keys:
        print_log(f'find_label_issues: method evidence from {keys}: '
                  f'{int(evidence.sum())} labels contradicted',
                  logger='current')
    return evidence


def issue_records(issues: Dict[str, np.ndarray], ann: dict,
                  classes: List[str]) -> List[dict]:
    data_list = ann['data_list']
    return [dict(rank=int(r), kind=str(k), img_path=str(
        data_list[i].get('img_path', data_list[i].get('img_index'))),
        index=int(i), cls=classes[c], observed=int(o),
        score=round(float(s), 5))
        for i, c, o, s, k, r in zip(*(issues[key] for key in (
            'row', 'col', 'observed', 'score', 'kind', 'rank')))]


def write_tables(out: str, records: List[dict], summary: dict,
                 classes: List[str], meta: dict) -> None:
    fields = ['rank', 'kind', 'img_path', 'index', 'cls', 'observed',
              'score']
    with open(osp.join(out, 'issues.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow([k if k != 'cls' else 'class' for k in fields])
        for rec in records:
            writer.writerow([rec[k] for k in fields])
    with open(osp.join(out, 'issues.json'), 'w') as f:
        json.dump(dict(meta=meta, issues=[
            {('class' if k == 'cls' else k): v for k, v in rec.items()}
            for rec in records]), f, indent=1)
    keys = ['positives', MISSING, SPURIOUS, 't_pos', 't_neg']
    with open(osp.join(out, 'per_class.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['class'] + keys)
        for c, name in enumerate(classes):
            writer.writerow([name] + [
                round(float(summary[k][c]), 5) if k.startswith('t_') else
                int(summary[k][c]) for k in keys])


def sheet(out: str, margins: np.ndarray, observed: np.ndarray,
          thresholds: Tuple[np.ndarray, np.ndarray], ann: dict, images: str,
          classes: List[str], top: int) -> None:
    img_score = image_scores(margins, observed, thresholds)
    order = np.argsort(-img_score, kind='stable')
    order = order[flagged_images(margins)[order]][:top]
    if not len(order):
        print_log('find_label_issues: no suspected issue, no contact sheet',
                  logger='current')
        return
    items = []
    for rank, i in enumerate(order.tolist(), 1):
        flagged = margins[i] > 0
        obs = observed[i]
        items.append(SheetItem(
            path=osp.join(images, ann['data_list'][i]['img_path']),
            rank=rank,
            observed=[classes[c] for c in np.flatnonzero(obs == 1)],
            add=[classes[c] for c in np.flatnonzero(flagged & (obs != 1))],
            remove=[classes[c] for c in np.flatnonzero(flagged & (obs == 1))]))
    contact_sheet(items, osp.join(out, 'contact_sheet.png'))


def select_fixes(issues: Dict[str, np.ndarray],
                 args: argparse.Namespace) -> Dict[str, np.ndarray]:
    """The issues the corrected annotation applies (best first)."""
    keep = np.isin(issues['kind'], args.fix_kinds) & (
        issues['score'] > args.fix_margin)
    sel = np.flatnonzero(keep)
    if args.fix_top is not None:
        sel = sel[:args.fix_top]
    return {k: v[sel] for k, v in issues.items()}


def write_annotation(ann: dict, ann_path: str, issues: Dict[str, np.ndarray],
                     args: argparse.Namespace) -> None:
    target = args.write_annotation
    if osp.exists(target) and osp.samefile(target, ann_path):
        raise ValueError(f'--write-annotation {target!r} is the input '
                         'annotation; it is never overwritten')
    fixes = select_fixes(issues, args)
    params = dict(config=args.config, checkpoint=args.checkpoint,
                  folds=args.folds, seed=args.seed,
                  fix_kinds=sorted(args.fix_kinds),
                  fix_margin=args.fix_margin, fix_top=args.fix_top,
                  spurious_to=args.spurious_to,
                  evidence_weight=args.evidence_weight)
    fixed, changes = corrected_annotation(ann, fixes, args.spurious_to,
                                          params, file_sha1(ann_path))
    if args.dry_run:
        print(f'dry run: {len(changes)} change(s) to {ann_path} '
              f'(nothing written to {target})')
        for c in changes:
            print(f"  {c['img_path']}  class {c['class']}: {c['old']} -> "
                  f"{c['new']}  (score {c['score']})")
        return
    save_annotation(target, fixed)
    print_log(f'find_label_issues: {len(changes)} change(s) written to '
              f'{target}', logger='current')

