# The partial-label model of the RECORDS CIFAR recipe for CIFAR-100(-LT,
# -LT-NU): resnet18-cifar_pll.py with the CIFAR-100 statistics of the
# authors' code, (0.5071, 0.4867, 0.4408) / (0.2675, 0.2565, 0.2761), in the
# preprocessor's 0-255 units (train and test alike), and 100 classes. The
# statistics live here, not in datasets/cifar100-lt_pll.py, because a config
# may not take the `model` key from two bases.
_base_ = ['./resnet18-cifar_pll.py']
model = dict(
    data_preprocessor=dict(
        mean=[129.3105, 124.1085, 112.404],
        std=[68.2125, 65.4075, 70.4055]),
    head=dict(num_classes=100))
