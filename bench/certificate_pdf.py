"""Benchmark of the printable certificate (not a test): ``python bench/certificate_pdf.py [--runs 50]``.

Renders the certificate PDF (``qualify.web.certification.pdf.certificate_pdf``: the Chinese font
embedded as a subset, and the QR code of the public verification page) the way the page
``/certificates/NUMBER/pdf/`` does, and prints the first render (font lookup included), then the
median and the slowest of ``--runs`` renders. The goal is under 300 ms a render. The last line is:
``certificate pdf: first X ms, median Y ms, max Z ms over N renders, B bytes``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from qualify.web.certification.pdf import CertificateText, certificate_pdf

TEXT = CertificateText(
    number="SERVICE-MARKETING-L3-2026-00017",
    person_zh="欧阳晓明",
    person_en="欧阳晓明",
    employee_id="E000017",
    level_zh="三级（骨干）",
    level_en="level 3 (core)",
    standard_zh="服务营销任职资格标准 V2.0",
    standard_en="service-marketing qualification standard V2.0",
    standard_id="service-marketing@2.0",
    valid_from=dt.date(2026, 12, 4),
    valid_until=dt.date(2028, 12, 3),
    issued_on=dt.date(2026, 12, 4),
    verify_url="https://qualify.example.com/certificates/verify/SERVICE-MARKETING-L3-2026-00017/",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    start = time.perf_counter()
    body = certificate_pdf(TEXT)
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        certificate_pdf(TEXT)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"certificate pdf: first {first:.0f} ms, median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms over {args.runs} renders, {len(body)} bytes"
    )


if __name__ == "__main__":
    main()
