# Co-learning + Stitch-Up (TIP 2023), the published VOC-MLT-Noise recipe:
# cross correction, feature-average Stitch-Up, fused logits 0.1 z_R + 0.9 z_B.
_base_ = ['../../_base_/models/colearning_r50.py',
          '../../_base_/datasets/voc-mlt-noise_stitchup.py',
          '../../_base_/schedules/sgd_colearning-8e.py',
          '../../_base_/default_runtime.py']

model = dict(training_split={{_base_.training_split}})
train_cfg = dict(dataloader_b={{_base_.loader_b}})
randomness = dict(seed=1)  # official default
