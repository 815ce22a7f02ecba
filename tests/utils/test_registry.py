"""mlc registries are children of mmpretrain's and resolve both packages."""
import pytest
from mmengine.registry import DefaultScope
from mmpretrain import registry as mmpretrain_registry

from mlc import registry as mlc_registry
from mlc.utils import register_all_modules

NODES = [name for name in dir(mlc_registry)
         if name.isupper() and not name.startswith('_')]


@pytest.mark.parametrize('name', NODES)
def test_node_is_child_of_mmpretrain(name):
    node = getattr(mlc_registry, name)
    assert node.scope == 'mlc'
    assert node.parent is getattr(mmpretrain_registry, name)
    assert any(loc.startswith('mmpretrain.') for loc in node._locations)
    assert any(loc.startswith('mlc.') for loc in node._locations)


def test_build_mlc_and_mmpretrain_components_in_mlc_scope():
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mlc'):
        head = mlc_registry.MODELS.build(
            dict(type='MLCLinearHead', num_classes=3, in_channels=4))
        backbone = mlc_registry.MODELS.build(
            dict(type='ResNet_CIFAR', depth=18, base_channels=8,
                 stem_channels=8))
        vis = mlc_registry.VISUALIZERS.build(
            dict(type='UniversalVisualizer', name='reg-test'))
    assert type(head).__name__ == 'MLCLinearHead'
    assert type(backbone).__name__ == 'ResNet_CIFAR'
    assert type(vis).__name__ == 'UniversalVisualizer'


def test_unknown_type_names_the_registry():
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mlc'):
        with pytest.raises(KeyError, match='NoSuchHead.*mlc::model'):
            mlc_registry.MODELS.build(dict(type='NoSuchHead'))
