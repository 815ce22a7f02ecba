# COCO-MLT (DB loss): 1,909 COCO-2017 train images, 80 classes, head/medium/
# tail 22/33/25; test COCO val2017 (DB rule). `train_ann` = train_noise{r}.json
# for COCO-MLT-Noise. Files and rebuilt fallback: docs/datasets.md.
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
