"""Collect every ``BENCH name value unit key=value...`` line of a ``make bench`` run into one table."""

from __future__ import annotations

import sys


def main(path: str) -> None:
    rows = []
    for line in open(path, encoding="utf-8", errors="replace"):
        idx = line.find("BENCH ")
        if idx < 0:
            continue
        parts = line[idx:].split()
        if len(parts) < 4:
            continue
        name, value, unit = parts[1], parts[2], parts[3]
        extra = dict(p.split("=", 1) for p in parts[4:] if "=" in p)
        baseline = next((f"{k}={v}" for k, v in extra.items() if k.startswith("baseline")), "")
        ratio, goal = extra.pop("ratio", ""), extra.pop("goal", "")
        rest = " ".join(f"{k}={v}" for k, v in extra.items() if not k.startswith("baseline"))
        rows.append((name, f"{value} {unit}", baseline, ratio, goal, rest))
    header = ("benchmark", "value", "baseline (same run)", "ratio", "goal", "details")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header[:5], widths, strict=True)) + "  " + header[5])
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row[:5], widths, strict=True)) + "  " + row[5])


if __name__ == "__main__":
    main(sys.argv[1])
