# The DigitMosaic r18 recipe: the small ResNet_CIFAR-18 model with the BCE
# head, Adam 1e-3 + cosine over 12 epochs, the DigitMosaic runtime (best-on-val
# checkpoint). Family bases add their method's loss and hooks.
_base_ = ['../models/r18-cifar_mlc.py',
          '../schedules/digitmosaic_adam.py',
          '../digitmosaic_runtime.py']
