"""A contact sheet PNG of the most suspicious images and their labels."""
from dataclasses import dataclass, field
from typing import List, Sequence

from PIL import Image, ImageDraw, ImageFont

TILE = 160
TEXT_LINES = 4
FONT_SIZE = 13


@dataclass
class SheetItem:
    """One tile: an image, its observed positives and the suggestions.

    Args:
        path (str): Image file.
        rank (int): Image rank (1 = most suspicious).
        observed (list[str]): Observed positive class names.
        add (list[str]): Suggested missing positives.
        remove (list[str]): Suggested spurious positives.
    """
    path: str
    rank: int
    observed: List[str] = field(default_factory=list)
    add: List[str] = field(default_factory=list)
    remove: List[str] = field(default_factory=list)


def _fit(text: str, font, width: int, draw: ImageDraw.ImageDraw) -> str:
    while text and draw.textlength(text, font=font) > width:
        text = text[:-2] + '…'
    return text


def contact_sheet(items: Sequence[SheetItem], out_file: str,
                  columns: int = 5) -> None:
    """Draw ``items`` in a grid (image scaled to ``TILE`` px, then four text
    lines: rank, observed positives, suggested missing positives to add
    in green, suggested spurious positives to remove in red) and save a PNG.

    Raises:
        ValueError: ``items`` is empty.
    """
    if not items:
        raise ValueError('contact sheet: no images to draw')
    font = ImageFont.load_default(size=FONT_SIZE)
    line = FONT_SIZE + 4
    cell_h = TILE + TEXT_LINES * line + 8
    columns = min(columns, len(items))
    rows = -(-len(items) // columns)
    sheet = Image.new('RGB', (columns * (TILE + 8) + 8, rows * cell_h + 8),
                      'white')
    draw = ImageDraw.Draw(sheet)
    for i, item in enumerate(items):
        x = 8 + (i % columns) * (TILE + 8)
        y = 8 + (i // columns) * cell_h
        with Image.open(item.path) as img:
            tile = img.convert('RGB')
        tile.thumbnail((TILE, TILE), Image.NEAREST)
        if max(tile.size) < TILE:
            scale = TILE / max(tile.size)
            tile = tile.resize((round(tile.width * scale),
                                round(tile.height * scale)), Image.NEAREST)
        sheet.paste(tile, (x, y))
        texts = [(f'#{item.rank}', 'black'),
                 ('obs: ' + (' '.join(item.observed) or '-'), 'black'),
                 ('add: ' + (' '.join(item.add) or '-'), (0, 128, 0)),
                 ('remove: ' + (' '.join(item.remove) or '-'), (200, 0, 0))]
        for j, (text, colour) in enumerate(texts):
            draw.text((x, y + TILE + 4 + j * line),
                      _fit(text, font, TILE, draw), fill=colour, font=font)
    sheet.save(out_file)
