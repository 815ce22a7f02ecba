# COMIC, CPU setting on DigitMosaic: trained shared trunk, the data, schedule
# (Adam 1e-3, cosine, 12 epochs) and runtime of the DigitMosaic baselines.
_base_ = ['../../_base_/models/comic_r18-cifar.py',
          '../../_base_/datasets/digitmosaic.py',
          '../../_base_/schedules/digitmosaic_adam.py',
          '../../_base_/digitmosaic_runtime.py']

# class counts / co-occurrence from the observed training labels, epoch
# bookkeeping of RLC, precision/recall of the recovered labels vs gt_clean
custom_hooks = [dict(type='ComicCorrectionHook')]
