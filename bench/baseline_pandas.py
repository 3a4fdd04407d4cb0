"""A plain pandas screening, written as an HR analyst would (not a test; ``bench/assess.py
--end-to-end`` runs it next to ``qualify assess``): ``python bench/baseline_pandas.py DATA --as-of DATE
-o out.jsonl``.

It reads the same CSV folder (employees, performance, exams), applies the screening gates of the
service-marketing standard as its table states them (company and job-family experience in whole
months, the last three closed quarters' ratings, the knowledge rank within the job family: top 20%
two levels above, top 80% one level above, everybody must have sat both exams), and writes one JSON
object per employee per line with every check of every level, as ``qualify assess --format jsonl``
does. It is a yardstick for speed, not a second implementation: its messages are simpler.
Needs the ``bench`` extra (``pip install -e .[bench]``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pandas as pd

FAMILY = "service-marketing"
# level: (company months, family months, forbidden ratings, at most one C, not all C)
LEVELS = {1: (12, 6, {"D"}, False, True), 2: (24, 12, {"D"}, False, True), 3: (36, 24, {"D"}, False, True),
          4: (48, 24, {"D"}, True, False), 5: (60, 36, {"C", "D"}, False, False)}
BANDS = [(20.0, 2), (80.0, 1)]


def months_between(start: pd.Series, as_of: dt.date) -> pd.Series:
    months = (as_of.year - start.dt.year) * 12 + (as_of.month - start.dt.month)
    return months - (start.dt.day > as_of.day).astype(int)


def last_quarters(as_of: dt.date, n: int = 3) -> list[str]:
    quarter = (as_of.month - 1) // 3  # the current quarter (0-3) is not closed yet
    index = as_of.year * 4 + quarter - 1
    return [f"{(i // 4)}Q{i % 4 + 1}" for i in range(index - n + 1, index + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    as_of = args.as_of

    employees = pd.read_csv(args.data / "employees.csv", dtype={"employee_id": str},
                            parse_dates=["hire_date", "family_start_date"])
    performance = pd.read_csv(args.data / "performance.csv", dtype={"employee_id": str})
    exams = pd.read_csv(args.data / "exams.csv", dtype={"employee_id": str, "sitting": str})
    people = employees[employees["job_family"] == FAMILY].copy()
    people["company_months"] = months_between(people["hire_date"], as_of)
    people["family_months"] = months_between(people["family_start_date"], as_of)

    # performance: the last rating of each of the last three closed quarters
    window = last_quarters(as_of)
    perf = performance[performance["period"].isin(window)]
    perf = perf.drop_duplicates(["employee_id", "period"], keep="last")
    ratings = perf.pivot(index="employee_id", columns="period", values="rating").reindex(columns=window)
    people = people.merge(ratings, left_on="employee_id", right_index=True, how="left")

    # knowledge: the latest sitting, both exams summed, ranked within the family (ties share the best)
    latest = exams["sitting"].max()
    sat = exams[exams["sitting"] == latest].pivot_table(index="employee_id", columns="exam", values="score",
                                                         aggfunc="max")
    sat = sat[sat.index.isin(people["employee_id"])]
    complete = sat.dropna()
    ranks = complete.sum(axis=1).rank(method="min", ascending=False)
    people["score"] = people["employee_id"].map(complete.sum(axis=1))
    people["rank"] = people["employee_id"].map(ranks)
    cohort = len(complete)
    allowed = pd.Series(0, index=people.index)
    for percent, above in reversed(BANDS):
        limit = -(-percent * cohort // 100)
        allowed = allowed.where(~(people["rank"] <= limit), above)

    records = []
    for _, person in people.iterrows():  # as an analyst would: one dict per person and check
        levels = []
        gaps = []
        for level, (company, family, forbidden, one_c, not_all_c) in LEVELS.items():
            seen = [person[q] for q in window]
            known = [r for r in seen if isinstance(r, str)]
            perf_ok = (len(known) == len(window) and not (set(known) & forbidden)
                       and not (one_c and known.count("C") > 1) and not (not_all_c and known.count("C") == 3))
            company_ok = person["company_months"] >= company
            family_ok = person["family_months"] >= family
            perf_outcome = "pass" if perf_ok else ("missing" if len(known) < 3 else "fail")
            shown = ", ".join(f"{q} {r}" for q, r in zip(window, seen, strict=True) if isinstance(r, str))
            checks = [
                {"rule": "company_experience", "outcome": "pass" if company_ok else "fail",
                 "actual": f"{person['company_months']} months", "required": f"{company} months"},
                {"rule": "family_experience", "outcome": "pass" if family_ok else "fail",
                 "actual": f"{person['family_months']} months", "required": f"{family} months"},
                {"rule": "performance", "outcome": perf_outcome, "actual": shown,
                 "required": f"last 3 quarters: no {', '.join(sorted(forbidden))}"},
            ]
            above = level - person["current_level"]
            if pd.isna(person["rank"]):
                knowledge = "missing"
            else:
                knowledge = "pass" if above <= allowed[person.name] else "fail"
            rank = "" if pd.isna(person["rank"]) else f"rank {int(person['rank'])} of {cohort}"
            checks.append({"rule": "knowledge", "outcome": knowledge, "actual": rank,
                           "required": f"{above} levels above"})
            outcomes = {c["outcome"] for c in checks}
            outcome = "not_eligible" if "fail" in outcomes else ("incomplete" if "missing" in outcomes
                                                                else "eligible")
            levels.append({"level": level, "outcome": outcome, "checks": checks})
            if level == person["current_level"] + 1:
                gaps += [{"level": level, "rule": c["rule"], "message": c["required"]}
                         for c in checks if c["outcome"] != "pass"]
        eligible = [lv["level"] for lv in levels if lv["outcome"] == "eligible"]
        records.append({"employee_id": person["employee_id"], "as_of": as_of.isoformat(),
                        "current_level": int(person["current_level"]),
                        "highest_eligible_level": max(eligible, default=0), "levels": levels, "gaps": gaps})
    with args.output.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
