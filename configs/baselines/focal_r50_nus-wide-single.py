# Focal baseline on NUS-WIDE single positive (Hill/SPLC list
# nus_train_singlelabel.txt, 81 classes), Hill/SPLC recipe.
_base_ = ['./_base_/focal_r50_448.py',
          '../_base_/datasets/nus-wide_missing-labels_448.py']

model = dict(head=dict(num_classes=81))
