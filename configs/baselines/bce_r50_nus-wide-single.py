# BCE baseline (missing labels as negatives; the authors' log clamp at 1e-8;
# global sum) on NUS-WIDE single-label (Hill/SPLC list
# nus_train_singlelabel.txt, unlisted = -1 = negative; test nus_val.txt, 81
# classes); same recipe as COCO. 'global_sum' sums the loss over the global
# batch (local sum x world size), so the objective is the same on any number of
# GPUs; keep 128 images in total (8 x 16; e.g. 4 GPUs:
# train_dataloader.batch_size=32).
# Train with:
#   bash tools/dist_train.sh configs/baselines/bce_r50_nus-wide-single.py 8
_base_ = [
    '../_base_/models/r50_mlc-448.py',
    '../_base_/datasets/nus-wide_missing-labels_448.py',
    '../_base_/schedules/adam_onecycle-80e-stop31.py',
    '../_base_/ema_runtime.py',
]

model = dict(head=dict(num_classes=81, loss=dict(
    _delete_=True, type='MaskedBCELoss', eps=1e-8,
    reduction='global_sum')))

