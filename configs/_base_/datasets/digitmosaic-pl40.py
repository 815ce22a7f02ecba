# DigitMosaic-PL (`pl` variant: balanced mosaics, the Hill/SPLC "0.4left"
# rule, unlisted classes -1) with the plain DigitMosaic pipelines.
_base_ = ['./digitmosaic.py']

train_dataloader = dict(dataset=dict(variant='pl'))
val_dataloader = dict(dataset=dict(variant='pl'))
test_dataloader = dict(dataset=dict(variant='pl'))
