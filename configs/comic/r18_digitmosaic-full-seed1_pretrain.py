# Pre-training for the frozen-trunk DigitMosaic-PLT study (a stand-in for the
# paper's ImageNet weights): BCE on DigitMosaic-full built with data seed 1 --
# other mosaics than the PLT benchmark (data seed 0), all labels clean and
# balanced. Its epoch_12.pth initialises the frozen trunk of
# comic_r18-frozen_digitmosaic-plt.py and bce_r18-frozen_digitmosaic-plt.py:
#   python tools/train.py configs/comic/r18_digitmosaic-full-seed1_pretrain.py
_base_ = ['../baselines/bce_r18_digitmosaic-plt.py']

build = dict(data_root='data/digitmosaic-seed1', variant='full', seed=1)
train_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
