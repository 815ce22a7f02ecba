# COMIC on PLT-VOC without Modification (summed BCE, unknowns as negatives,
# instead of MFM, also in HTB); paper Tab. 2 "-MFM".
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-voc_comic.py',
          '../_base_/schedules/comic_adam-40e_voc.py']

num_classes = 20
_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(num_classes=20, cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
