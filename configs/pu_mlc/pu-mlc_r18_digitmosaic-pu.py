# PU-MLC on DigitMosaic-PU: the PU-MLC protocol (keep_entries p=0.4: each
# (image, class) entry, positive or negative, kept with probability 0.4, the
# rest -1). Kept negatives are "unlabeled" too (negatives='discard', as the
# code). Same model and recipe as the -pl40 config.
_base_ = ['./pu-mlc_r18_digitmosaic-pl40.py']

train_dataloader = dict(dataset=dict(variant='pu'))
val_dataloader = dict(dataset=dict(variant='pu'))
test_dataloader = dict(dataset=dict(variant='pu'))
