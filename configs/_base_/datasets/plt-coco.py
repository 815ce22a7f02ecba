# PLT-COCO (COMIC, docs/datasets.md): 2,962 COCO-2017 train images, 80
# classes, 40 % of the positives missing (unlisted -1, clean_pos from the
# full file); test COCO-2017 val (5,000 images, full labels). Shot groups
# from the loaded partial training counts (many >= 100, few < 20).
# Official Drive files:
#   python tools/dataset_converters/convert_comic.py --dataset coco \
#       --train drive/coco/40/LT_train.json --full drive/coco/0/LT_train.json \
#       --test drive/coco/LT_coco_val.json \
#       --cooccurrence drive/coco/co-occurrence.npy \
#       --distribution drive/coco/distribution.txt --out-dir data/plt-coco
# Rebuilt fallback `plt-coco-mlc` (set data_root='data/plt-coco-mlc' and
# copy/convert the test file there):
#   python tools/dataset_converters/build_plt.py coco \
#       data/coco2017/train2017.json data/plt-coco-mlc
_base_ = ['./voc-mlt.py']

data_root = 'data/plt-coco'
class_split = 'data/plt-coco/class_split.json'
train_dataloader = dict(
    dataset=dict(data_root=data_root,
                 data_prefix=dict(img_path='train2017'),
                 class_split=class_split))
test_dataloader = dict(
    dataset=dict(data_root=data_root,
                 data_prefix=dict(img_path='val2017'),
                 class_split=class_split))
val_dataloader = test_dataloader
