# DigitMosaic-LT-Noise ablation: co-learning alone -- both branches with cross
# correction, trained on single images (no Stitch-Up).
_base_ = ['./stitchup_r18_digitmosaic-lt-noise50.py']

model = dict(stitch=None)
train_dataloader = dict(dataset=dict(_delete_=True, type='DigitMosaic', data_root='data/digitmosaic',
                 variant='lt-noise', split='train',
                 pipeline={{_base_.train_pipeline}}))
train_cfg = dict(dataloader_b=dict(dataset=dict(_delete_=True, type='DigitMosaic', data_root='data/digitmosaic',
                 variant='lt-noise', split='train',
                 pipeline={{_base_.train_pipeline}})))
