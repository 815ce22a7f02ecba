# COMIC (ICCV 2023) on PLT-VOC: the PLT-COCO recipe with 20 classes and the
# VOC step schedule (head and tail periods swapped relative to COCO). Test:
# VOC-2007 test, last epoch.
# Data (see configs/_base_/datasets/plt-voc.py and configs/comic/README.md):
#   python tools/dataset_converters/convert_comic.py --dataset voc \
#       --train drive/voc/40/LT_train.json --full drive/voc/0/LT_train.json \
#       --test drive/voc/LT_voc_test.json \
#       --cooccurrence drive/voc/co-occurrence.npy --out-dir data/plt-voc
# Train:
#   bash tools/dist_train.sh configs/comic/comic_r50_plt-voc.py 1
_base_ = ['./comic_r50_plt-coco.py']

num_classes = 20
model = dict(head=dict(num_classes=20))

# the paths of configs/_base_/datasets/plt-voc.py, the COMIC pipelines
train_dataloader = dict(dataset=dict(
    data_root='data/plt-voc', ann_file='train.json',
    data_prefix=dict(img_path='VOCdevkit/VOC2012'),
    class_split='data/plt-voc/class_split.json'))
test_dataloader = dict(dataset=dict(
    data_root='data/plt-voc', ann_file='test.json',
    data_prefix=dict(img_path='VOCdevkit/VOC2007'),
    class_split='data/plt-voc/class_split.json'))
param_scheduler = [
    dict(type='GroupStepLR', by_epoch=True, gamma=0.1,
         step_sizes=dict(b_fc=12, b_attn=18, b_cls=18, h_fc=12, h_cls=12,
                         t_fc=24, t_cls=24)),
]
