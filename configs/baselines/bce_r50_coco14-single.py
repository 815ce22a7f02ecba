# BCE baseline (missing labels as negatives; the authors' log clamp at 1e-8;
# global sum) on COCO 2014 "single" (Hill/SPLC list coco_train_singlelabel.txt,
# unlisted = -1 = negative); ResNet-50 448, Adam 1e-4, OneCycle(80 ep) stopped
# at 31, EMA 0.9997, batch 128 in total, AMP. Test: COCO val2014 (last epoch,
# EMA weights). 'global_sum' sums the loss over the global batch (local sum x
# world size), so the objective is the same on any number of GPUs; keep 128
# images in total (8 x 16; e.g. 4 GPUs: train_dataloader.batch_size=32).
# Train with:
#   bash tools/dist_train.sh configs/baselines/bce_r50_coco14-single.py 8
_base_ = [
    '../_base_/models/r50_mlc-448.py',
    '../_base_/datasets/coco14_missing-labels_448.py',
    '../_base_/schedules/adam_onecycle-80e-stop31.py',
    '../_base_/ema_runtime.py',
]

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedBCELoss', eps=1e-8,
    reduction='global_sum')))
train_dataloader = dict(dataset=dict(ann_file='train_single.json'))

