# ASL baseline (gamma- 4, gamma+ 0, clip 0.05, detached focal weights, global
# sum; ResNet-50 instead of the ASL paper's TResNet, so not comparable with the
# ASL model zoo) on COCO 2014 "0.75left" (Hill/SPLC list
# coco_train_0.75left.txt, unlisted = -1 = negative); ResNet-50 448, Adam 1e-4,
# OneCycle(80 ep) stopped at 31, EMA 0.9997, batch 128 in total, AMP. Test:
# COCO val2014 (last epoch, EMA weights). 'global_sum' sums the loss over the
# global batch (local sum x world size), so the objective is the same on any
# number of GPUs; keep 128 images in total (8 x 16; e.g. 4 GPUs:
# train_dataloader.batch_size=32).
# Train with:
#   bash tools/dist_train.sh configs/baselines/asl_r50_coco14-0.75left.py 8
_base_ = [
    '../_base_/models/r50_mlc-448.py',
    '../_base_/datasets/coco14_missing-labels_448.py',
    '../_base_/schedules/adam_onecycle-80e-stop31.py',
    '../_base_/ema_runtime.py',
]

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0., gamma_neg=4.,
    clip=0.05, detach_focal=True, reduction='global_sum')))
train_dataloader = dict(dataset=dict(ann_file='train_0.75left.json'))

