# The Open Images V6 recipe (the ASL authors' multi-label trainer): the Hill/
# SPLC recipe's ResNet-50, AMP and EMA on 224 inputs with Cutout + RandAugment,
# Adam 2e-4 + OneCycle over 30 epochs (run to the end), batch 128 in total.
_base_ = ['../../_base_/recipes/r50_448.py',
          '../../_base_/datasets/openimages.py']

lr = 2e-4
cycle_epochs = 30
model = dict(head=dict(num_classes=9605))
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = [
    dict(type='OneCycleLR', eta_max=lr, total_steps=cycle_epochs,
         pct_start=0.2, anneal_strategy='cos', div_factor=25.,
         final_div_factor=1e4, by_epoch=True, convert_to_iter_based=True),
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=cycle_epochs, pct_start=0.2, anneal_strategy='cos',
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=cycle_epochs)
