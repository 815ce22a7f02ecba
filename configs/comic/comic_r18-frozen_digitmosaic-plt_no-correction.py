# Frozen-trunk ablation: no Correction (no RLC).
_base_ = ['./comic_r18-frozen_digitmosaic-plt.py']

model = dict(head=dict(rlc_loss=None))
