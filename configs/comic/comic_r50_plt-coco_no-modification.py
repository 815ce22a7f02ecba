# COMIC on PLT-COCO without Modification (summed BCE, unknowns as negatives,
# instead of MFM, also in HTB); paper Tab. 2 "-MFM".
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-coco_comic.py',
          '../_base_/schedules/comic_adam-40e.py']

_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
