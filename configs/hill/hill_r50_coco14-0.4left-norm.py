# Hill on COCO 2014 "0.4left" with ImageNet mean/std normalisation, which the
# torchvision weights expect; the official code (and hill_r50_coco14-0.4left.py,
# which this inherits unchanged otherwise) feeds [0, 1] inputs.
_base_ = ['./hill_r50_coco14-0.4left.py']

model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375]))
