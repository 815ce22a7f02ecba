"""The one check of a setting that takes one of a few named values."""
from typing import Any, Collection


def check_choice(owner: str, key: str, value: Any,
                 choices: Collection) -> None:
    """Raise ``ValueError('<owner>: <key> must be one of <choices>, got
    <value>')`` unless ``value`` is one of ``choices``.

    Args:
        owner (str): Class or function named in the message.
        key (str): Argument named in the message.
        value: The given value.
        choices (Collection): The accepted values (shown as given).
    """
    if value not in choices:
        raise ValueError(f'{owner}: {key} must be one of {choices}, got '
                         f'{value!r}')
