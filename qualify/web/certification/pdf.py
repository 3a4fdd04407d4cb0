"""The printable certificate (PDF, fpdf2) with a Chinese font from the system.

fpdf2 embeds (a subset of) a TrueType/OpenType font; a collection (``.ttc``) needs the face index
(``collection_font_number``), found here by the face's name so that the simplified-Chinese face of
Noto Sans CJK is used whatever its position in the file.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from fpdf.fonts import TTFFont

CJK_FONTS = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
]


class NoChineseFont(Exception):
    """No font that can write Chinese was found on this machine."""


@cache
def chinese_font() -> tuple[Path, int]:
    """The first CJK font file that exists, and the face of a collection that is simplified Chinese."""
    for path in CJK_FONTS:
        if not path.is_file():
            continue
        if path.suffix.lower() != ".ttc":
            return path, 0
        from fontTools.ttLib import TTCollection

        collection = TTCollection(str(path), lazy=True)
        names = [str(font["name"].getDebugName(4) or "") for font in collection.fonts]
        collection.close()
        wanted = next((i for i, name in enumerate(names) if name.endswith(" SC") and "Mono" not in name), 0)
        return path, wanted
    raise NoChineseFont("install fonts-noto-cjk (or another Chinese font) to print certificates")


@dataclass(frozen=True)
class CertificateText:
    number: str
    person_zh: str
    person_en: str
    employee_id: str
    level_zh: str
    level_en: str
    standard_zh: str
    standard_en: str
    standard_id: str
    valid_from: dt.date
    valid_until: dt.date
    issued_on: dt.date
    verify_url: str = ""
    """The public verification page (``/certificates/verify/NUMBER/``), printed as a QR code."""


def qr_png(url: str) -> io.BytesIO:
    """The QR code of ``url`` as a PNG (segno, pure Python), for fpdf2 to place."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return buffer


FOOTER = "Qualify · 任职资格认证平台 · 证书真伪可凭编号在系统中查验 / verify the number in Qualify"
SCAN = "扫码查验 Scan to verify"


def _lines(text: CertificateText) -> dict[str, str]:
    """Every text the certificate prints (the font embedded holds exactly their characters)."""
    return {
        "title": "任职资格证书",
        "title_en": "Certificate of Job Qualification",
        "zh": f"兹证明 {text.person_zh}（工号 {text.employee_id}）通过{text.standard_zh}"
        f"认证，获得{text.level_zh}任职资格。",
        "en": f"This certifies that {text.person_en} (employee {text.employee_id}) has been certified "
        f"at {text.level_en} of the {text.standard_en}.",
        "number": "证书编号 Number",
        "standard": "标准版本 Standard",
        "valid": "有效期 Valid",
        "issued": "颁发日期 Issued",
        "number_value": text.number,
        "standard_value": text.standard_id,
        "valid_value": f"{text.valid_from.isoformat()} — {text.valid_until.isoformat()}",
        "issued_value": text.issued_on.isoformat(),
        "scan": SCAN,
        "footer": FOOTER,
    }


def subset_font(font: Path, face: int, characters: Iterable[str]) -> bytes:
    """The face of ``font`` cut down to ``characters`` (HarfBuzz's subsetter: milliseconds, where
    parsing and subsetting a 20 MB CJK font in Python takes seconds)."""
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for ch in set("".join(characters)) | {" "}:
        wanted.unicode_set.add(ord(ch))
    wanted.flags = hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING
    return bytes(hb.subset(hb.Face(_font_blob(font), face), wanted).blob.data)


@cache
def _font_blob(font: Path) -> Any:
    import uharfbuzz as hb

    return hb.Blob.from_file_path(str(font))


def certificate_pdf(text: CertificateText) -> bytes:
    """An A4 landscape certificate in Chinese and English, with the QR code of its verification page."""
    font, face = chinese_font()
    lines = _lines(text)
    with tempfile.TemporaryDirectory(prefix="qualify-cert-") as folder:
        small = Path(folder) / "cjk.otf"
        small.write_bytes(subset_font(font, face, lines.values()))
        return _render(text, lines, small)


def _render(text: CertificateText, lines: dict[str, str], font: Path) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate {text.number}")
    pdf.set_creator("Qualify")
    pdf.add_font("cjk", "", str(font))
    # The font is already cut down (with its bounding boxes) by HarfBuzz: fontTools need not run
    # every glyph program again to recompute them when fpdf2 embeds it (most of a render's time).
    embedded = pdf.fonts["cjk"]
    if isinstance(embedded, TTFFont):
        embedded.ttfont.recalcBBoxes = False
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(11, 92, 173)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)
    pdf.set_text_color(11, 92, 173)
    pdf.set_font("cjk", size=30)
    pdf.set_y(30)
    pdf.cell(0, 14, lines["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 8, lines["title_en"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(31, 41, 51)
    pdf.ln(12)
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, lines["zh"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    pdf.ln(2)
    pdf.multi_cell(0, 7, lines["en"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("cjk", size=12)
    for key in ("number", "standard", "valid", "issued"):
        pdf.set_x(70)
        pdf.cell(60, 9, lines[key], border="B")
        pdf.cell(90, 9, lines[f"{key}_value"], border="B", new_x="LMARGIN", new_y="NEXT")
    if text.verify_url:
        pdf.image(qr_png(text.verify_url), x=240, y=150, w=32, h=32)
        pdf.set_xy(225, 182)
        pdf.set_font("cjk", size=7)
        pdf.cell(62, 4, lines["scan"], align="C")
    pdf.set_y(180)
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(123, 135, 148)
    pdf.cell(0, 6, lines["footer"], align="C")
    return bytes(pdf.output())
