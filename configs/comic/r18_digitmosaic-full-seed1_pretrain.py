# Pre-training for the frozen-trunk DigitMosaic studies (a stand-in for the
# paper's ImageNet weights): BCE on DigitMosaic `pretrain` of data seed 0 --
# clean, balanced mosaics (like `full`) drawn only from the train-pool source
# digits of data seed 0, so the trunk never sees a source digit of the
# evaluated val/test images; its own mosaics, not the benchmark's. (The file
# name is kept from when it trained on `full` of data seed 1, whose source
# split overlapped the evaluated val/test digits.) Its epoch_12.pth
# initialises the frozen trunk of comic_r18-frozen_digitmosaic-plt.py and
# bce_r18-frozen_digitmosaic-plt.py:
#   python tools/train.py configs/comic/r18_digitmosaic-full-seed1_pretrain.py
_base_ = ['../baselines/bce_r18_digitmosaic-plt.py']

build = dict(data_root='data/digitmosaic', variant='pretrain', seed=0)
train_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
