"""Print the widget's transfer size: all JS modules + CSS, gzipped (budget: 30 KB).

Run: .venv/bin/python benchmarks/widget_size.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

WIDGET_DIR = Path(__file__).resolve().parents[1] / "web_widget"
BUDGET_BYTES = 30 * 1024


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def main() -> int:
    files = sorted((WIDGET_DIR / "src").glob("*.mjs")) + [WIDGET_DIR / "widget.css"]
    print(f"{'file':<28}{'raw B':>10}{'gzip B':>10}")
    raw_total = gzip_total = 0
    for path in files:
        data = path.read_bytes()
        raw, packed = len(data), gzipped_size(data)
        raw_total += raw
        gzip_total += packed
        print(f"{path.relative_to(WIDGET_DIR).as_posix():<28}{raw:>10}{packed:>10}")
    print(f"{'JS + CSS (each file gzipped)':<28}{raw_total:>10}{gzip_total:>10}")
    strings = sorted((WIDGET_DIR / "i18n").glob("*.json"))
    sizes = {p.stem: gzipped_size(p.read_bytes()) for p in strings}
    largest = max(sizes, key=lambda lang: sizes[lang])
    print(
        f"language files, gzipped: largest {sizes[largest]} B ({largest}); "
        "a page loads en.json plus one other"
    )
    verdict = "within" if gzip_total <= BUDGET_BYTES else "OVER"
    print(f"widget JS+CSS gzipped: {gzip_total / 1024:.1f} KB ({verdict} the 30 KB budget)")
    print("command: .venv/bin/python benchmarks/widget_size.py")
    return 0 if gzip_total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
