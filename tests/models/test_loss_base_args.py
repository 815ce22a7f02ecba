"""The base-class arguments (reduction, loss_weight, unknown_as) every
element-wise loss passes on to :class:`MLCLossBase`, and the call of its
functional form."""
import inspect

import pytest
import torch

import mlc.models  # noqa: F401  registers the losses
from mlc.models.losses import HillLoss, MLCLossBase, masked_asl_loss
from mlc.registry import MODELS

# (reduction, unknown_as) each element-wise loss is built with by default
DEFAULTS = {
    'DistributionBalancedLoss': ('mean', 'negative'),
    'HillLoss': ('sum', 'negative'),
    'MaskedASLLoss': ('sum', 'negative'),
    'MaskedBCELoss': ('mean', 'negative'),
    'MaskedFocalLoss': ('sum', 'negative'),
    'MultiFocalModifierLoss': ('sum', 'negative'),
    'RLCLoss': ('sum', 'negative'),
    'SPLCLoss': ('sum', 'negative'),
    'WANLoss': ('mean', 'weak_negative'),
}
CLASSES = [MODELS.get(name) for name in DEFAULTS]


def test_table_covers_every_registered_loss():
    registered = {name for name, cls in MODELS.module_dict.items()
                  if isinstance(cls, type) and issubclass(cls, MLCLossBase)}
    assert registered == set(DEFAULTS)


@pytest.mark.parametrize('name', DEFAULTS)
def test_defaults(name):
    reduction, unknown_as = DEFAULTS[name]
    loss = MODELS.get(name)()
    assert (loss.reduction, loss.unknown_as, loss.loss_weight) == (
        reduction, unknown_as, 1.0)


@pytest.mark.parametrize('cls', CLASSES)
def test_base_args_pass_through(cls):
    loss = cls(reduction='batchmean', loss_weight=2.0, unknown_as='ignore')
    assert (loss.reduction, loss.unknown_as, loss.loss_weight) == (
        'batchmean', 'ignore', 2.0)


@pytest.mark.parametrize('cls', CLASSES)
def test_bad_base_arg_is_one_line(cls):
    with pytest.raises(ValueError, match=f'{cls.__name__}.*reduction'):
        cls(reduction='avg')


@pytest.mark.parametrize('cls', CLASSES)
def test_misspelled_argument_names_the_loss(cls):
    with pytest.raises(TypeError, match=f'{cls.__name__}.*lamda'):
        cls(lamda=1.0)


def test_loss_weight_scales_hill():
    z = torch.tensor([[0.3, -1.2], [2.0, 0.1]])
    t = torch.tensor([[1., 0.], [-1., 1.]])
    assert torch.allclose(HillLoss(loss_weight=3.0)(z, t),
                          3 * HillLoss()(z, t))


@pytest.mark.parametrize(
    'cls', [c for c in CLASSES if 'loss_function' not in vars(c)])
def test_hyper_parameters_follow_the_functional_signature(cls):
    """The base's loss_function passes ``hyper_parameters`` positionally
    between ``weight`` and ``reduction``: they must be the functional's
    arguments there, in order, and attributes of the module."""
    args = list(inspect.signature(cls.functional).parameters)
    names = list(cls.hyper_parameters)
    assert args == ['pred', 'target', 'weight', *names, 'reduction',
                    'avg_factor', 'unknown_as']
    loss = cls()
    assert all(hasattr(loss, name) for name in names)


def test_module_calls_functional_with_its_settings():
    z = torch.tensor([[0.3, -1.2, 0.7], [2.0, 0.1, -0.4]])
    t = torch.tensor([[1., 0., -1.], [-1., 1., 0.]])
    settings = dict(gamma_pos=0.5, gamma_neg=2.0, clip=0.1, eps=1e-6,
                    detach_focal=False)
    module = MODELS.get('MaskedASLLoss')(**settings, reduction='mean')
    expected = masked_asl_loss(z, t, None, *settings.values(), 'mean', None,
                               'negative')
    assert torch.equal(module(z, t), expected)
