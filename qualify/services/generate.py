"""A realistic synthetic organisation in the HR data contract (``qualify generate``).

Everything is drawn from the standard passed in (its levels, vocabularies, exams, elements and the
requirements of its measurement standards), never from hard-coded codes, and vectorised with numpy
and Polars: 200,000 employees with 25 evidence records each take seconds. The same seed gives the
same organisation.

- org units: a tree of 总部 / regions / offices (``ORG_UNITS``), written as the path of names;
- current levels mostly 0-3, tenure that grows with the level, a family start within the tenure;
- quarterly ratings for the last 8 closed quarters, roughly A 13%, B+ 20%, B 50%, C 12%, D 5% on a
  five-rung scale (a bell over other scales), with some quarters missing;
- exam sittings of the last two years: most sit every exam, some miss one, some skip a sitting;
- evidence that grows with the level: most records are made to (nearly) meet a requirement of the
  person's level or the next, the rest are everyday records from the vocabulary;
- assessor ratings of every element of the next level for some applicants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from qualify.core.periods import last_closed_quarter, period_of_index, quarter_end
from qualify.core.standard import Requirement, Standard
from qualify.formats.hrdata import HRFrames
from qualify.formats.hrdata_columns import SHEETS, part_label
from qualify.formats.xlsx_write import EXCEL_MAX_ROWS, save_workbook

IntArray = npt.NDArray[np.int64]
Rng = np.random.Generator

ORG_UNITS: tuple[tuple[str, str], ...] = (
    ("hq.marketing", "总部/服务营销部"),
    ("hq.solutions", "总部/解决方案部"),
    ("north.beijing", "总部/华北区/北京办事处"),
    ("north.tianjin", "总部/华北区/天津办事处"),
    ("north.hebei", "总部/华北区/河北办事处"),
    ("north.shanxi", "总部/华北区/山西办事处"),
    ("east.shanghai", "总部/华东区/上海办事处"),
    ("east.jiangsu", "总部/华东区/江苏办事处"),
    ("east.zhejiang", "总部/华东区/浙江办事处"),
    ("east.shandong", "总部/华东区/山东办事处"),
    ("south.guangdong", "总部/华南区/广东办事处"),
    ("south.guangxi", "总部/华南区/广西办事处"),
    ("south.fujian", "总部/华南区/福建办事处"),
    ("central.hubei", "总部/华中区/湖北办事处"),
    ("central.hunan", "总部/华中区/湖南办事处"),
    ("central.henan", "总部/华中区/河南办事处"),
    ("southwest.sichuan", "总部/西南区/四川办事处"),
    ("southwest.chongqing", "总部/西南区/重庆办事处"),
    ("southwest.yunnan", "总部/西南区/云南办事处"),
    ("northwest.shaanxi", "总部/西北区/陕西办事处"),
    ("northwest.xinjiang", "总部/西北区/新疆办事处"),
    ("northeast.liaoning", "总部/东北区/辽宁办事处"),
    ("northeast.heilongjiang", "总部/东北区/黑龙江办事处"),
)
"""(English-safe code, path of Chinese names); ``org_unit`` holds the path."""

_ORG_WEIGHTS = (6, 4, 8, 3, 4, 3, 8, 7, 7, 6, 9, 3, 4, 5, 4, 5, 5, 3, 3, 3, 2, 3, 2)

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
             "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
_GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁"
          "梅琳素云莲真环雪荣爱妹霞香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛"
          "青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜"
          "纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽峰"
          "浩宇鹏飞志强文博子涵")

_RATING_WEIGHTS_5 = (0.05, 0.12, 0.50, 0.20, 0.13)  # worst first: D, C, B, B+, A
_BEHAVIOUR_WEIGHTS_4 = (0.05, 0.17, 0.58, 0.20)  # worst first: not met, partial, meets, exceeds
_LEVEL_WEIGHTS = (0.22, 0.30, 0.25, 0.13, 0.07, 0.03)
QUARTERS_OF_RATINGS = 8
ASSESSORS = 60
APPLICANTS = 0.15


def _bell(n: int, centre: float) -> npt.NDArray[np.float64]:
    x = np.arange(n, dtype=np.float64)
    w = np.exp(-((x - centre * (n - 1)) ** 2) / (2 * max(n / 4, 0.5) ** 2))
    return np.asarray(w / w.sum(), dtype=np.float64)


def _weights(n: int, five: tuple[float, ...], centre: float) -> npt.NDArray[np.float64]:
    if n == len(five):
        return np.asarray(five, dtype=np.float64)
    return _bell(n, centre)


def _pick(values: list[str] | tuple[str, ...], index: IntArray) -> pl.Series:
    """``values[index]`` as a Polars string series; an index of -1 gives null."""
    table = pl.Series([*values, None], dtype=pl.String)
    safe = np.where(index < 0, len(values), index)
    return table.gather(pl.Series(safe, dtype=pl.UInt32))


def _days(values: IntArray) -> pl.Series:
    return pl.Series(values, dtype=pl.Int64)


def _date_column(as_of: dt.date, days_before: IntArray) -> pl.Series:
    """``as_of`` minus so many days, as a Date series."""
    epoch = (as_of - dt.date(1970, 1, 1)).days
    return pl.Series(epoch - days_before, dtype=pl.Int32).cast(pl.Date)


# --- employees ------------------------------------------------------------------------------------


def _employees(rng: Rng, n: int, standard: Standard, as_of: dt.date,
               id_prefix: str = "") -> tuple[pl.DataFrame, IntArray, IntArray]:
    top = max(standard.level_numbers, default=0)
    weights = np.asarray(_LEVEL_WEIGHTS[: top + 1] if top + 1 <= len(_LEVEL_WEIGHTS)
                         else _bell(top + 1, 0.2), dtype=np.float64)
    level = rng.choice(top + 1, size=n, p=weights / weights.sum()).astype(np.int64)
    # tenure grows with the level: ~20 months per level plus a long tail
    tenure = (level * 600 + rng.gamma(2.0, 330.0, size=n) + 45).astype(np.int64)
    tenure = np.minimum(tenure, 38 * 365)
    in_family = (tenure * (1.0 - 0.6 * rng.beta(1.0, 3.0, size=n))).astype(np.int64)
    width = max(8, len(str(n)) + 1)
    ids = id_prefix + pl.Series(np.arange(1, n + 1), dtype=pl.Int64).cast(pl.String).str.zfill(width)
    surname = _pick(list(_SURNAMES), rng.integers(0, len(_SURNAMES), size=n))
    given1 = _pick(list(_GIVEN), rng.integers(0, len(_GIVEN), size=n))
    given2 = _pick(list(_GIVEN), np.where(rng.random(n) < 0.7, rng.integers(0, len(_GIVEN), size=n), -1))
    org_w = np.asarray(_ORG_WEIGHTS, dtype=np.float64)
    org = _pick([path for _, path in ORG_UNITS], rng.choice(len(ORG_UNITS), size=n, p=org_w / org_w.sum()))
    frame = pl.DataFrame({
        "employee_id": ids,
        "name": surname + given1 + given2.fill_null(""),
        "org_unit": org,
        "job_family": pl.Series([standard.family] * n, dtype=pl.String),
        "current_level": pl.Series(level, dtype=pl.Int64),
        "hire_date": _date_column(as_of, tenure),
        "family_start_date": _date_column(as_of, in_family),
    })
    # some start exactly a whole number of months before the as-of date (boundaries of the gates)
    exact = rng.random(n) < 0.03
    months = pl.Series(np.maximum(tenure // 30, 1), dtype=pl.Int64)
    on_boundary = pl.lit(as_of).dt.offset_by(pl.format("-{}mo", months))
    frame = frame.with_columns(
        pl.when(pl.Series(exact)).then(on_boundary).otherwise(pl.col("hire_date")).alias("hire_date"))
    frame = frame.with_columns(pl.max_horizontal("hire_date", "family_start_date").alias("family_start_date"))
    return frame, level, tenure


# --- performance ----------------------------------------------------------------------------------


def _performance(rng: Rng, ids: pl.Series, tenure: IntArray, standard: Standard,
                 as_of: dt.date) -> pl.DataFrame:
    scale = standard.vocabularies.codes("performance_ratings")
    n = len(ids)
    last = last_closed_quarter(as_of)
    quarters = np.arange(last - QUARTERS_OF_RATINGS + 1, last + 1)
    ends_before = np.asarray([(as_of - quarter_end(int(q))).days for q in quarters], dtype=np.int64)
    person = np.repeat(np.arange(n), len(quarters))
    quarter = np.tile(np.arange(len(quarters)), n)
    # rated when employed by the end of the quarter, and 97% of the time even then
    keep = (tenure[person] > ends_before[quarter] + 30) & (rng.random(len(person)) < 0.97)
    person, quarter = person[keep], quarter[keep]
    weights = _weights(len(scale), _RATING_WEIGHTS_5, 0.55)
    rating = rng.choice(len(scale), size=len(person), p=weights)
    return pl.DataFrame({
        "employee_id": ids.gather(pl.Series(person, dtype=pl.UInt32)),
        "period": _pick([period_of_index(int(q)) for q in quarters], quarter),
        "rating": _pick(scale, rating),
    })


# --- exams ----------------------------------------------------------------------------------------


def _exams(rng: Rng, ids: pl.Series, level: IntArray, tenure: IntArray, standard: Standard,
           as_of: dt.date) -> pl.DataFrame:
    codes = [e.code for e in standard.knowledge.exams]
    n = len(ids)
    latest = as_of.year if as_of.month >= 7 else as_of.year - 1  # the contest is held mid-year
    sittings = [str(latest - 1), str(latest)]
    ability = rng.normal(0.0, 1.0, size=n)
    frames = []
    for s, sitting in enumerate(sittings):
        held = dt.date(int(sitting), 6, 15)
        employed = tenure > (as_of - held).days
        sits = employed & (rng.random(n) < (0.72 if s == 0 else 0.85))
        people = np.flatnonzero(sits)
        for e, code in enumerate(codes):
            took = people[rng.random(len(people)) < 0.94]
            raw = (58 + 4 * level[took] + 9 * ability[took] + rng.normal(0, 8, size=len(took)) + 2 * e)
            score = np.clip(np.round(raw * 2) / 2, 0, 100)
            frames.append(pl.DataFrame({
                "employee_id": ids.gather(pl.Series(took, dtype=pl.UInt32)),
                "sitting": pl.Series([sitting] * len(took), dtype=pl.String),
                "exam": pl.Series([code] * len(took), dtype=pl.String),
                "score": pl.Series(score, dtype=pl.Float64),
            }))
    return pl.concat(frames).sort("employee_id", "sitting", maintain_order=True) if frames else \
        HRFrames.empty().exams


# --- evidence -------------------------------------------------------------------------------------


def _requirements(standard: Standard) -> list[tuple[int, Requirement]]:
    """Every requirement of every measure, with its level, lowest level first."""
    found = [(measure.level, req) for module in standard.modules for measure in module.measures
             if measure.applies for req in measure.requirements]
    return sorted(found, key=lambda item: item[0])


def _choose_from(rng: Rng, options: list[list[int]], template: IntArray, fallback: int) -> IntArray:
    """For each row, one of the option indexes of its template (or ``fallback`` with no options)."""
    width = max((len(o) for o in options), default=0) or 1
    table = np.full((len(options) + 1, width), fallback, dtype=np.int64)
    counts = np.ones(len(options) + 1, dtype=np.int64)
    for i, o in enumerate(options):
        if o:
            table[i, : len(o)] = o
            counts[i] = len(o)
    column = (rng.random(len(template)) * counts[template]).astype(np.int64)
    return np.asarray(table[template, column], dtype=np.int64)


def _rung(rng: Rng, minimum: IntArray, top: int) -> IntArray:
    """A rung near the minimum: one below 20%, at it 40%, one above 30%, two above 10%."""
    offset = rng.choice(np.array([-1, 0, 1, 2]), size=len(minimum), p=[0.2, 0.4, 0.3, 0.1])
    return np.asarray(np.clip(minimum + offset, 0, top), dtype=np.int64)


def _focused(rng: Rng, applicant: IntArray, target: IntArray, reqs: list[tuple[int, Requirement]],
             standard: Standard) -> tuple[IntArray, IntArray]:
    """Records an applicant brings for their target level: each requirement of its measures, the
    minimum count (one more 30% of the time). Returns (person, template) per record."""
    persons: list[IntArray] = []
    templates: list[IntArray] = []
    index = {id(req): i for i, (_, req) in enumerate(reqs)}
    for level in standard.level_numbers:
        people = applicant[target[applicant] == level]
        if not len(people):
            continue
        for _, measure in standard.measures_at(level):
            for req in measure.requirements:
                count = req.min_count + (rng.random(len(people)) < 0.3).astype(np.int64)
                persons.append(np.repeat(people, count))
                templates.append(np.full(int(count.sum()), index[id(req)], dtype=np.int64))
    if not persons:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(persons), np.concatenate(templates)


def _evidence(rng: Rng, ids: pl.Series, level: IntArray, tenure: IntArray, applicant: IntArray,
              standard: Standard, as_of: dt.date, per_person: float) -> pl.DataFrame:
    v = standard.vocabularies
    activities, roles = v.codes("activities"), v.codes("roles")
    audiences, scopes = v.codes("audience_ranks"), v.codes("scopes")
    kinds, outcomes, deliverables = v.codes("project_kinds"), v.codes("outcomes"), v.codes("deliverables")
    n = len(ids)
    reqs = _requirements(standard)
    t = len(reqs)
    focus_person, focus_template = _focused(rng, applicant, level + 1, reqs, standard)
    # everyday records: more with a higher level, so that the average stays ``per_person``
    weight = 0.5 + level.astype(np.float64)
    mean = max(per_person - len(focus_person) / max(n, 1), 0.5 * per_person)
    counts = rng.poisson(mean * weight / weight.mean()) if n else np.zeros(0, dtype=np.int64)
    daily = np.repeat(np.arange(n), counts)
    req_levels = np.asarray([lvl for lvl, _ in reqs], dtype=np.int64)
    # an everyday record is made to (nearly) meet a requirement up to the person's next level 75% of
    # the time (those requirements are a prefix of ``reqs``), else it is any activity
    allowed = np.searchsorted(req_levels, level[daily] + 1, side="right")
    from_template = (rng.random(len(daily)) < 0.75) & (allowed > 0)
    pick = (rng.random(len(daily)) * np.maximum(allowed, 1)).astype(np.int64)
    daily_template = np.where(from_template, pick, t)
    person = np.concatenate([daily, focus_person])
    template = np.concatenate([daily_template, focus_template])
    # a focused record meets its requirement 92% of the time; everyday ones are looser
    exact = np.concatenate([np.zeros(len(daily), dtype=bool), rng.random(len(focus_person)) < 0.92])
    order = np.argsort(person, kind="stable")
    person, template, exact = person[order], template[order], exact[order]
    m = len(person)

    def codes_of(values: list[str], wanted: list[str]) -> list[int]:
        return [values.index(c) for c in wanted if c in values]

    req_activity = np.asarray([activities.index(r.activity) if r.activity in activities else 0
                               for _, r in reqs] + [-1], dtype=np.int64)
    activity = np.where(template < t, req_activity[template], rng.integers(0, len(activities), size=m))

    role_opts = [codes_of(roles, r.roles) for _, r in reqs]
    role = _choose_from(rng, role_opts, template, -1)
    random_role = np.where(rng.random(m) < 0.7, rng.integers(0, len(roles), size=m), -1)
    role = np.where(~exact & ((role < 0) | (rng.random(m) < 0.12)), random_role, role)

    def ladder(values: list[str], minimum: list[str | None]) -> IntArray:
        mins = np.asarray([values.index(x) if x in values else -1 for x in minimum] + [-1], dtype=np.int64)
        wanted = mins[template]
        near = _rung(rng, np.maximum(wanted, 0), len(values) - 1)
        above = rng.choice(3, size=m, p=[0.6, 0.3, 0.1])
        at_least = np.minimum(np.maximum(wanted, 0) + above, len(values) - 1)
        loose = np.where(rng.random(m) < 0.35, rng.integers(0, len(values), size=m), -1)
        return np.asarray(np.where(wanted >= 0, np.where(exact, at_least, near), loose), dtype=np.int64)

    audience = ladder(audiences, [r.min_audience for _, r in reqs])
    scope = ladder(scopes, [r.min_scope for _, r in reqs])
    kind = _choose_from(rng, [codes_of(kinds, r.project_kinds) for _, r in reqs], template, -1)
    kind = np.where(~exact & (kind >= 0) & (rng.random(m) < 0.12), rng.integers(0, len(kinds), size=m), kind)
    req_outcome = np.asarray([outcomes.index(r.outcome) if r.outcome in outcomes else -1
                              for _, r in reqs] + [-1], dtype=np.int64)
    outcome = np.where(exact | (rng.random(m) < 0.82), req_outcome[template], -1)

    # deliverables: the template's (all of them 85% of the time, else all but the first), or a
    # random one of the vocabulary on an everyday record
    variants: list[str] = [""]
    full = np.zeros(t + 1, dtype=np.int64)
    short = np.zeros(t + 1, dtype=np.int64)
    for i, (_, r) in enumerate(reqs):
        wanted = [c for c in r.deliverables if c in deliverables]
        variants.append(";".join(wanted))
        full[i] = len(variants) - 1
        variants.append(";".join(wanted[1:]))
        short[i] = len(variants) - 1
    single = len(variants)
    variants.extend(deliverables)
    everyday = np.where(rng.random(m) < 0.25, single + rng.integers(0, max(len(deliverables), 1), size=m), 0)
    complete = exact | (rng.random(m) < 0.85)
    chosen = np.where(template < t, np.where(complete, full[template], short[template]), everyday)

    # dated within the last three years, never before the person joined
    span = np.minimum(tenure[person], 3 * 365)
    days_before = (rng.random(m) * span).astype(np.int64)
    width = max(9, len(str(m)) + 1)
    frame = pl.DataFrame({
        "employee_id": ids.gather(pl.Series(person, dtype=pl.UInt32)),
        "evidence_id": "EV" + pl.Series(np.arange(1, m + 1), dtype=pl.Int64).cast(pl.String).str.zfill(width),
        "activity": _pick(activities, activity),
        "date": _date_column(as_of, days_before),
        "role": _pick(roles, role),
        "audience": _pick(audiences, audience),
        "scope": _pick(scopes, scope),
        "project_kind": _pick(kinds, kind),
        "outcome": _pick(outcomes, outcome),
        "deliverables": _pick(variants, chosen),
        "note": pl.repeat("", m, eager=True, dtype=pl.String),
    })
    return frame.with_columns(
        pl.col("deliverables").str.split(";").list.eval(pl.element().filter(pl.element() != "")))


# --- ratings --------------------------------------------------------------------------------------


def _ratings(rng: Rng, ids: pl.Series, level: IntArray, applicant: IntArray,
             standard: Standard) -> pl.DataFrame:
    """Two assessors rate every element of an applicant's target level. Most applicants (70%) are
    ready: rated at a passing rating nearly everywhere; the others are rated across the scale."""
    scale = standard.vocabularies.codes("behaviour_ratings")
    weights = _weights(len(scale), _BEHAVIOUR_WEIGHTS_4, 0.6)
    passing = [scale.index(c) for c in standard.behaviour_rule.passing if c in scale] or \
        list(range(len(scale) // 2, len(scale)))
    passing_weights = np.asarray([0.7] + [0.3 / max(len(passing) - 1, 1)] * (len(passing) - 1))
    ready = rng.random(len(ids)) < 0.7
    assessors = [f"A{i:03d}" for i in range(1, ASSESSORS + 1)]
    frames = []
    for target in standard.level_numbers:
        people = applicant[level[applicant] + 1 == target]
        elements = [element.code for _, element, _ in standard.elements_at(target)]
        if not len(people) or not elements:
            continue
        first: IntArray | None = None
        for round_ in range(2):  # two different assessors per applicant (a repeated rating is an error)
            drawn = rng.integers(0, ASSESSORS, size=len(people))  # drawn each round: the same stream
            first = drawn if first is None else first  # the second is offset from the first: never equal
            who = (first + round_ * (1 + rng.integers(0, ASSESSORS - 1, size=len(people)))) % ASSESSORS
            person = np.repeat(people, len(elements))
            element = np.tile(np.arange(len(elements)), len(people))
            rating = rng.choice(len(scale), size=len(person), p=weights)
            good = np.asarray(passing)[rng.choice(len(passing), size=len(person),
                                                  p=passing_weights / passing_weights.sum())]
            rating = np.where(ready[person] & (rng.random(len(person)) < 0.99), good, rating)
            frames.append(pl.DataFrame({
                "employee_id": ids.gather(pl.Series(person, dtype=pl.UInt32)),
                "level": pl.Series([target] * len(person), dtype=pl.Int64),
                "element": _pick(elements, element),
                "assessor": _pick(assessors, np.repeat(who, len(elements))),
                "rating": _pick(scale, rating),
                "comment": pl.repeat("", len(person), eager=True),
            }))
    return pl.concat(frames) if frames else HRFrames.empty().ratings


def generate_organisation(employees: int, seed: int, standard: Standard, as_of: dt.date, *,
                          evidence_per_person: float = 25.0, id_prefix: str = "") -> HRFrames:
    """A synthetic organisation of ``employees`` people of ``standard``'s job family on ``as_of``.

    Employee ids are ``id_prefix`` and a zero-padded number (``00000001``); the demo's people have
    their own prefix (``D00000001``), so an organisation from ``qualify generate`` imported into the
    demo adds people and never overwrites the demo's."""
    rng = np.random.default_rng(seed)
    people, level, tenure = _employees(rng, employees, standard, as_of, id_prefix)
    ids = people.get_column("employee_id")
    top = max(standard.level_numbers, default=0)
    # applicants to the next level (some 15% of those below the top): rated by assessors, with the
    # evidence that level asks for
    applicant = np.flatnonzero((rng.random(employees) < APPLICANTS) & (level < top))
    return HRFrames.of(
        employees=people,
        performance=_performance(rng, ids, tenure, standard, as_of),
        exams=_exams(rng, ids, level, tenure, standard, as_of),
        evidence=_evidence(rng, ids, level, tenure, applicant, standard, as_of, evidence_per_person),
        ratings=_ratings(rng, ids, level, applicant, standard),
    )


# --- writing --------------------------------------------------------------------------------------


def _flat(frames: HRFrames, name: str) -> pl.DataFrame:
    """The sheet as cells: deliverables joined with ``;``, empty text as an empty cell."""
    frame = frames.sheet(name)
    if name == "evidence":
        frame = frame.with_columns(pl.col("deliverables").list.join(";"))
    return frame.with_columns(pl.when(pl.col(pl.String) != "").then(pl.col(pl.String)).name.keep())


def write_hr_data(frames: HRFrames, path: Path, *, max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write the contract's sheets: a ``.xlsx`` path gives a workbook (a sheet holds at most
    ``max_rows`` rows, header included), anything else a folder of CSVs."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_workbook(frames, path, max_rows)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for sheet in SHEETS:
            _flat(frames, sheet.name).write_csv(path / f"{sheet.name}.csv", date_format="%Y-%m-%d")
    return path


def _write_workbook(frames: HRFrames, path: Path, max_rows: int = EXCEL_MAX_ROWS) -> None:
    """One sheet per table; a table longer than a sheet holds goes on in ``evidence 2`` and so on (the
    reader joins them again). Fixed timestamps: the same seed gives the same bytes."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in SHEETS:
        frame = _flat(frames, sheet.name)
        ws: Any = None
        part = rows = 0
        # An empty table still gets its sheet with the header: one pass with no row.
        table_rows: Iterable[tuple[Any, ...] | None] = frame.iter_rows() if frame.height else [None]
        for row in table_rows:
            if ws is None or rows >= max_rows:
                part += 1
                ws = workbook.create_sheet(part_label(sheet.name, part))
                ws.append(frame.columns)
                rows = 1
            if row is not None:
                ws.append(row)
                rows += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, path)
