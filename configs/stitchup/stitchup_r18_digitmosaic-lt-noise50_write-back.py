# DigitMosaic-LT-Noise, project option: corrections are written back to a
# per-branch label memory (synchronised, checkpointed) and later corrections
# start from it, instead of being recomputed from the loaded labels.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(write_back=True)
