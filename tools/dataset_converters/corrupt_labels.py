"""Apply corruption-toolkit ops to a standard annotation file.

Example::

    python tools/dataset_converters/corrupt_labels.py train.json out.json \\
        --op longtail_subsample:profile=pareto,n_max=1400,b=10 \\
        --op keep_positives_bernoulli:p_keep=0.6 --seed 0

Values are Python literals (``0.4``, ``None``, ``[[0,1],[2]]``) or plain
strings. ``split_holdout:frac=F`` may only be the last op; it writes the
train part to OUT and the val part to ``--holdout-val``. When
``longtail_subsample`` is applied, the shot-group split of the output's
observed counts is written to ``--class-split``.
"""
import argparse
import ast
import json
import os.path as osp
import re
from typing import Tuple

import converter_cli as cli

from mlc.datasets.annotation import load_annotation
from mlc.datasets.corruptions import (
    OPS,
    audit,
    class_split,
    save_annotation,
    split_holdout,
)


def parse_op(text: str) -> Tuple[str, dict]:
    """``'name:k=v,k=v'`` -> (name, params); commas inside brackets stay."""
    name, _, rest = text.partition(':')
    if name not in OPS and name != 'split_holdout':
        raise argparse.ArgumentTypeError(
            f'unknown op {name!r}; known: {sorted(OPS) + ["split_holdout"]}')
    params = {}
    for item in re.split(r',(?=\s*\w+\s*=)', rest) if rest else []:
        key, sep, value = item.partition('=')
        if not sep:
            raise argparse.ArgumentTypeError(f'bad parameter {item!r} in '
                                             f'{text!r} (want key=value)')
        try:
            params[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            params[key.strip()] = value.strip()
    return name, params


def summary(ann: dict) -> str:
    s = audit(ann)
    if s['task'] == 'pll':
        return (f"{s['num_images']} images, mean candidate-set size "
                f"{s['mean_candidate_size']:.3f}, true-label coverage "
                f"{s['true_label_coverage']:.3f}")
    text = (f"{s['num_images']} images, {s['labels_per_image']:.3f} observed "
            f"positives/img, unknown fraction {s['unknown_fraction']:.3f}, "
            f"{s['images_without_positive']} images without positive")
    if 'kept_fraction' in s:
        text += (f", kept fraction {s['kept_fraction']:.3f}, flips 1->0 "
                 f"{s['flip_pos_to_neg']:.3f} 0->1 {s['flip_neg_to_pos']:.4f}")
    return text


def main() -> None:
    parser = cli.converter_parser(__doc__)
    parser.add_argument('input', help='input annotation JSON')
    parser.add_argument('output', help='output annotation JSON')
    parser.add_argument('--op', action='append', type=parse_op, required=True,
                        help='NAME:key=val,key=val (repeatable, in order)')
    parser.add_argument('--seed', type=int, default=0, help='data seed')
    parser.add_argument('--class-split', help='class split JSON (default: '
                        'OUT with .class_split.json)')
    parser.add_argument('--many-min', type=int, default=100)
    parser.add_argument('--few-max', type=int, default=20)
    parser.add_argument('--holdout-val', help='val part of split_holdout '
                        '(default: OUT with _holdout_val.json)')
    parser.add_argument('--audit-out', help='write the audit statistics of '
                        'the output to this JSON file')
    args = parser.parse_args()

    stem = osp.splitext(args.output)[0]
    ann = load_annotation(args.input)
    print(f'{args.input}: {summary(ann)}')
    val = None
    for i, (name, params) in enumerate(args.op):
        if name == 'split_holdout':
            if i != len(args.op) - 1:
                parser.error('split_holdout must be the last op')
            ann, val = split_holdout(ann, seed=args.seed, **params)
        else:
            ann = OPS[name](ann, seed=args.seed, **params)
        print(f'{name}({params}, seed={args.seed}): {summary(ann)}')
    save_annotation(args.output, ann)
    print(f'wrote {args.output}')
    if args.audit_out:
        with open(args.audit_out, 'w', encoding='utf-8') as f:
            json.dump(audit(ann), f, sort_keys=True, indent=1)
            f.write('\n')
        print(f'wrote {args.audit_out}')
    if val is not None:
        path = args.holdout_val or f'{stem}_holdout_val.json'
        save_annotation(path, val)
        print(f'wrote {path} ({summary(val)})')
    if any(name == 'longtail_subsample' for name, _ in args.op):
        split = class_split(ann, args.many_min, args.few_max)
        path = args.class_split or f'{stem}.class_split.json'
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(split, f, sort_keys=True)
            f.write('\n')
        print(f'wrote {path}: ' + ', '.join(
            f'{k} {len(v)}' for k, v in split.items()))


if __name__ == '__main__':
    cli.run_converter(main)
