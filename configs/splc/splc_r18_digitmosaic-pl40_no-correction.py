# Ablation on DigitMosaic-PL: SPLC's focal-margin loss without self-paced
# correction (missing labels stay negatives; the epoch hook stays, unread).
_base_ = ['./_base_/splc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(correction=False)))
