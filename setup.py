"""Install the ``mlc`` package (``pip install -e .``)."""
import os.path as osp

from setuptools import find_packages, setup


def read_version() -> str:
    namespace: dict = {}
    with open(osp.join(osp.dirname(__file__), 'mlc', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def read_requirements(name: str) -> list:
    path = osp.join(osp.dirname(__file__), 'requirements', name)
    with open(path) as f:
        return [ln.strip() for ln in f
                if ln.strip() and not ln.startswith(('#', '-r'))]


setup(
    name='mlc',
    version=read_version(),
    description='Multi-label classification with imperfect labels, '
    'an OpenMMLab-style toolbox',
    packages=find_packages(
        exclude=('tests', 'tools', 'configs', 'benchmarks')),
    python_requires='>=3.10',
    install_requires=read_requirements('runtime.txt'),
    extras_require={
        'tests': read_requirements('tests.txt'),
        'optional': read_requirements('optional.txt'),
    },
    license='Apache License 2.0',
    zip_safe=False,
)
