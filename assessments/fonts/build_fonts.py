"""Rebuild the vendored fonts: Noto Sans CJK SC, subset to what mlfit writes.

Run from the repository root, with the fonts-noto-cjk package's collections
installed (Debian and Ubuntu: `apt-get install fonts-noto-cjk`):

    .venv/bin/python assessments/fonts/build_fonts.py

fontTools comes with fpdf2, a runtime dependency. The output is the same for
the same source fonts, content and translations, so a rebuild shows in
`git diff` only when one of them changed. See README in this directory.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
# Regular and Bold: the collections hold the font for each CJK locale; the
# Simplified Chinese one ("Noto Sans CJK SC") has the glyph forms a reader in
# mainland China expects.
WEIGHTS = {"Regular": "NotoSansCJK-Regular.ttc", "Bold": "NotoSansCJK-Bold.ttc"}
FAMILY = "Noto Sans CJK SC"
OUTPUT = "NotoSansSC-mlfit-{weight}.ttf"

# Unicode blocks a results page, a preview image or a PDF may write.
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x2190, 0x21FF),  # Arrows
    (0x2212, 0x2212),  # minus sign
    (0x2264, 0x2265),  # less/greater than or equal to
    (0x25A0, 0x25FF),  # Geometric Shapes (white square, a ballot box's stand-in)
    (0x2610, 0x2612),  # ballot boxes (not in Noto Sans CJK: kept if a future source has them)
    (0x2713, 0x2713),  # check mark
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms (Chinese commas, colons, brackets)
)

# Characters the Simplified Chinese font draws a full em wide, mapped instead
# to the proportional forms its `locl` feature gives Latin text: curly quotes
# and the middle dot. Neither Pillow's basic layout nor fpdf2 applies `locl`,
# and an English “quote” with an em of space inside each mark looks broken.
# A results page in a browser shows these marks from a Latin font too.
PROPORTIONAL = "\u2018\u2019\u201c\u201d\u00b7"


def gb2312_hanzi() -> str:
    """Return the 6,763 hanzi of GB 2312: level 1 (3,755 most common) and level 2."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            # The last cells of some rows are unassigned.
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes([high, low]).decode("gb2312"))
    return "".join(chars)


def site_text() -> str:
    """Return every character of the questionnaire's content and of the Chinese translations."""
    files = sorted((ROOT / "assessments" / "content").glob("*.json"))
    files.append(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    return "".join(path.read_text(encoding="utf-8") for path in files)


def wanted() -> set[int]:
    codepoints = {ord(char) for char in gb2312_hanzi() + site_text() if char.isprintable()}
    for first, last in RANGES:
        codepoints.update(range(first, last + 1))
    return codepoints


def build(weight: str, collection: str, codepoints: set[int]) -> Path:
    fonts = TTCollection(SOURCE_DIR / collection).fonts
    font = next(f for f in fonts if f["name"].getDebugName(1) == FAMILY)
    use_proportional_forms(font)
    options = subset.Options()
    options.layout_features = []  # no GSUB/GPOS: neither Pillow's basic layout nor fpdf2 uses them
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "GSUB", "GPOS", "GDEF"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True  # a missing character draws as a box, not as nothing
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints & set(font.getBestCmap()))
    subsetter.subset(font)
    to_truetype(font)
    font.recalcTimestamp = False  # keep the source's date: the same input gives the same bytes
    out = HERE / OUTPUT.format(weight=weight)
    font.save(out)
    return out


def use_proportional_forms(font: TTFont) -> None:
    """Point the PROPORTIONAL characters at the glyphs the font's `locl` feature substitutes."""
    gsub = font["GSUB"].table
    lookups = {
        index
        for record in gsub.FeatureList.FeatureRecord
        if record.FeatureTag == "locl"
        for index in record.Feature.LookupListIndex
    }
    substitutes = {}
    for index in sorted(lookups):
        lookup = gsub.LookupList.Lookup[index]
        for table in lookup.SubTable:
            table = table.ExtSubTable if lookup.LookupType == 7 else table
            substitutes.update(getattr(table, "mapping", {}))
    for subtable in font["cmap"].tables:
        for char in PROPORTIONAL:
            glyph = subtable.cmap.get(ord(char))
            if glyph in substitutes:
                subtable.cmap[ord(char)] = substitutes[glyph]


def to_truetype(font: TTFont) -> None:
    """Redraw the CFF (cubic) outlines as TrueType (quadratic) ones, within 1/1000 em.

    fpdf2 embeds TrueType fonts the common way (CIDFontType2 with an
    Identity-H encoding), which every PDF reader, and pypdf's text extraction,
    reads back word for word; its newer CFF path writes text pypdf extracts
    with a space between every letter. Pillow reads either.
    After fontTools' Snippets/otf2ttf.py.
    """
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing reads them, and they would add 60 kB
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\0\1\0\0"


def main() -> None:
    codepoints = wanted()
    for weight, collection in WEIGHTS.items():
        out = build(weight, collection, codepoints)
        print(f"{out.relative_to(ROOT)}: {out.stat().st_size:,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
