# COMIC on DigitMosaic-PLT (long-tailed rho 50, 40% of positives missing),
# CPU setting: the trunk is trained and shared by the three branches.
_base_ = ['./_base_/comic_r18_digitmosaic.py']
