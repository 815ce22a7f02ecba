# COCO-MLT (DB loss, docs/datasets.md): 1,909 COCO-2017 train images, 80
# classes, head/medium/tail 22/33/25; test COCO val2017 (5,000 images; DB
# rule: annotations with ignore, area <= 0, w < 1 or h < 1 left out, images
# without annotations kept all-zero). `train_ann` = `train_noise{r}.json` for
# COCO-MLT-Noise. Official files (appendix/coco of the DB repo):
#   python tools/dataset_converters/convert_db_mlt.py appendix/coco \
#       data/coco-mlt/train.json --dataset coco
#   python tools/dataset_converters/make_coco_multilabel.py \
#       data/coco-mlt/annotations/instances_val2017.json \
#       data/coco-mlt/test.json --year 2017 --split val --rule db \
#       --keep-unannotated
# Rebuilt fallback `coco-mlt-mlc` (+ `-noise{r}-mlc`) from the COCO-2017
# train file of coco2017.py:
#   python tools/dataset_converters/build_mlt.py coco \
#       data/coco2017/train2017.json data/coco-mlt-mlc --noise 0.3 0.5 0.7 0.9
_base_ = ['./voc-mlt.py']

data_root = 'data/coco-mlt'
class_split = 'data/coco-mlt/class_split.json'
train_dataloader = dict(
    dataset=dict(data_root=data_root,
                 data_prefix=dict(img_path='train2017'),
                 class_split=class_split))
test_dataloader = dict(
    dataset=dict(data_root=data_root,
                 data_prefix=dict(img_path='val2017'),
                 class_split=class_split))
val_dataloader = test_dataloader
