# PLT-VOC (COMIC, docs/datasets.md): 2,569 VOC-2012 trainval images, 20
# classes, 40 % of the positives missing; test VOC-2007 test (4,952 images,
# positive iff the class flag is 1: difficult = negative).
# data/plt-voc/VOCdevkit -> the VOCdevkit holding VOC2012 and VOC2007.
#   python tools/dataset_converters/convert_comic.py --dataset voc \
#       --train drive/voc/40/LT_train.json --full drive/voc/0/LT_train.json \
#       --test drive/voc/LT_voc_test.json \
#       --cooccurrence drive/voc/co-occurrence.npy --out-dir data/plt-voc
# Fallback `plt-voc-mlc`:
#   python tools/dataset_converters/make_voc_multilabel.py \
#       data/plt-voc/VOCdevkit/VOC2012 trainval data/voc2012/trainval_flags.json \
#       --difficult flags
#   python tools/dataset_converters/build_plt.py voc \
#       data/voc2012/trainval_flags.json data/plt-voc-mlc
#   python tools/dataset_converters/make_voc_multilabel.py \
#       data/plt-voc/VOCdevkit/VOC2007 test data/plt-voc-mlc/test.json \
#       --difficult flags
_base_ = ['./voc-mlt.py']

data_root = 'data/plt-voc'
class_split = 'data/plt-voc/class_split.json'
train_dataloader = dict(
    dataset=dict(data_root=data_root, class_split=class_split))
test_dataloader = dict(
    dataset=dict(data_root=data_root, class_split=class_split))
val_dataloader = test_dataloader
