# VOC-MLT (DB loss, docs/datasets.md): 1,142 VOC-2012 trainval images, 20
# classes, head/medium/tail 6/6/8; test VOC-2007 test (4,952 images, every
# object incl. difficult positive). Set `train_ann` to
# `train_noise{0.3,0.5,0.7,0.9}.json` for VOC-MLT-Noise (Stitch-Up).
# data/voc-mlt/VOCdevkit -> the VOCdevkit holding VOC2012 and VOC2007.
# Official files (appendix/VOCdevkit/longtail2012 of the DB repo):
#   python tools/dataset_converters/convert_db_mlt.py \
#       appendix/VOCdevkit/longtail2012 data/voc-mlt/train.json --dataset voc
#   python tools/dataset_converters/convert_db_mlt.py <stitchup_dir> \
#       data/voc-mlt/train_noise0.5.json --dataset voc \
#       --noise-pkl class_freq_0.5noise.pkl
#   python tools/dataset_converters/make_voc_multilabel.py \
#       data/voc-mlt/VOCdevkit/VOC2007 test data/voc-mlt/test.json \
#       --difficult positive --check-images
# Rebuilt fallback `voc-mlt-mlc` (+ `-noise{r}-mlc`):
#   python tools/dataset_converters/make_voc_multilabel.py \
#       data/voc-mlt/VOCdevkit/VOC2012 trainval data/voc2012/trainval.json \
#       --difficult positive
#   python tools/dataset_converters/build_mlt.py voc \
#       data/voc2012/trainval.json data/voc-mlt-mlc --noise 0.3 0.5 0.7 0.9
_base_ = ['./coco2017.py']

data_root = 'data/voc-mlt'
train_ann = 'train.json'
# shot groups of the metric come from the test dataset's metainfo
class_split = 'data/voc-mlt/class_split.json'
img_scale = (224, 224)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    dataset=dict(data_root=data_root, ann_file=train_ann,
                 data_prefix=dict(img_path='VOCdevkit/VOC2012'),
                 class_split=class_split,
                 pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='test.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007'),
                 class_split=class_split,
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
