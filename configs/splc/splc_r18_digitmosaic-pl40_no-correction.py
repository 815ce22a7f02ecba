# Ablation: SPLC's focal-margin loss without self-paced correction
# (correction=False: missing labels stay negatives for the whole run), to
# separate what the margin and what the pseudo-positives add on DigitMosaic-PL.
# (SPLCEpochHook stays: without correction the loss never reads the epoch.)
_base_ = ['./splc_r18_digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(correction=False)))
