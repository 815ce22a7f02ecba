"""Version of the mlc package."""
__version__ = '0.1.0'
