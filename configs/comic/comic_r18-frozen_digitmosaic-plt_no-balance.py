# Frozen-trunk ablation: no Balance stage (only the balanced branch: no
# head/tail branches, attention or HTB).
_base_ = ['./comic_r18-frozen_digitmosaic-plt.py']

model = dict(head=dict(balance=False))
