"""The printable certificate embeds exactly the characters it prints, rare ones in names included, and
carries the QR code of its public verification page."""

from __future__ import annotations

import datetime as dt
import io

from fontTools.ttLib import TTFont

from qualify.web.certification.pdf import CertificateText, certificate_pdf, chinese_font, subset_font

TEXT = CertificateText(
    number="MINI-L2-2026-00001",
    person_zh="王堃",  # 堃: a name character outside GB2312
    person_en="Wang Kun",
    employee_id="E001",
    level_zh="二级",
    level_en="level 2",
    standard_zh="迷你标准",
    standard_en="mini standard",
    standard_id="mini@1.0",
    valid_from=dt.date(2026, 12, 4),
    valid_until=dt.date(2028, 12, 3),
    issued_on=dt.date(2026, 12, 4),
    verify_url="https://qualify.example.com/certificates/verify/MINI-L2-2026-00001/",
)


def test_the_font_cut_for_a_certificate_keeps_every_character_of_the_name() -> None:
    font, face = chinese_font()
    cut = TTFont(io.BytesIO(subset_font(font, face, ["王堃 E001"])))
    cmap = cut.getBestCmap()
    assert {ord(c) for c in "王堃E001 "} <= set(cmap)
    assert len(cut.getGlyphOrder()) < 20  # the character set asked for, not the 60,000 glyphs of the font


def test_the_certificate_pdf_has_the_qr_code_and_a_small_embedded_font() -> None:
    body = certificate_pdf(TEXT)
    assert body.startswith(b"%PDF") and b"/Subtype /Image" in body
    assert len(body) < 100_000  # a subset font, not 20 MB of CJK
