# The Hill/SPLC recipe: ImageNet ResNet-50 fed [0, 1] inputs at 448 px with the
# BCE head, Adam 1e-4 + OneCycle over 80 epochs stopped at 31, AMP, EMA 0.9997.
# Family bases add their method's loss and hooks.
_base_ = ['../models/r50_mlc-448.py',
          '../schedules/adam_onecycle-80e-stop31.py',
          '../ema_runtime.py']
