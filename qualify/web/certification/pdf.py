"""The printable certificate (PDF, fpdf2) with a Chinese font from the system.

fpdf2 embeds (a subset of) a TrueType/OpenType font; a collection (``.ttc``) needs the face index
(``collection_font_number``), found here by the face's name so that the simplified-Chinese face of
Noto Sans CJK is used whatever its position in the file.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF

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


def certificate_pdf(text: CertificateText) -> bytes:
    """An A4 landscape certificate in Chinese and English."""
    font, face = chinese_font()
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate {text.number}")
    pdf.set_creator("Qualify")
    pdf.add_font("cjk", "", str(font), collection_font_number=face)
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
    pdf.cell(0, 14, "任职资格证书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 8, "Certificate of Job Qualification", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(31, 41, 51)
    pdf.ln(12)
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(
        0,
        10,
        f"兹证明 {text.person_zh}（工号 {text.employee_id}）通过{text.standard_zh}"
        f"认证，获得{text.level_zh}任职资格。",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=12)
    pdf.ln(2)
    pdf.multi_cell(
        0,
        7,
        f"This certifies that {text.person_en} (employee {text.employee_id}) has been certified "
        f"at {text.level_en} of the {text.standard_en}.",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(10)
    rows = [
        ("证书编号 Number", text.number),
        ("标准版本 Standard", text.standard_id),
        ("有效期 Valid", f"{text.valid_from.isoformat()} — {text.valid_until.isoformat()}"),
        ("颁发日期 Issued", text.issued_on.isoformat()),
    ]
    pdf.set_font("cjk", size=12)
    for label, value in rows:
        pdf.set_x(70)
        pdf.cell(60, 9, label, border="B")
        pdf.cell(90, 9, value, border="B", new_x="LMARGIN", new_y="NEXT")
    if text.verify_url:
        pdf.image(qr_png(text.verify_url), x=240, y=150, w=32, h=32)
        pdf.set_xy(225, 182)
        pdf.set_font("cjk", size=7)
        pdf.cell(62, 4, "扫码查验 Scan to verify", align="C")
    pdf.set_y(180)
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(123, 135, 148)
    pdf.cell(
        0,
        6,
        "Qualify · 任职资格认证平台 · 证书真伪可凭编号在系统中查验 / verify the number in Qualify",
        align="C",
    )
    return bytes(pdf.output())
