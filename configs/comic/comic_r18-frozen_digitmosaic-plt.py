# COMIC on DigitMosaic-PLT with the paper's frozen pre-trained trunk (a
# linear probe on fixed features).
_base_ = ['./_base_/comic_r18-frozen_digitmosaic.py']
