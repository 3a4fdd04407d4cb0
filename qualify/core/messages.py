"""Every check message, gap message and ``actual``/``required`` string of every rule, in zh and en.

Each rule's texts are written from its facts (``qualify.core.facts``) by ``*_texts(facts, …)``
at the end of this module, which call the functions above it. These are PURE functions of primitive
values and facts (ints, strings, dates, codes) and of the standard's own ``Text`` names, so that
the reference evaluator (``qualify.core.evaluate``) and the batch evaluator (Polars) produce
byte-identical decisions: the batch computes the facts, then calls these (once per distinct
combination of values).

Each ``*_check`` and ``*_gap`` function returns ``(zh, en)``. ``actual`` and ``required`` are short
language-neutral strings ("11 months", "2026Q1 B, 2026Q2 C, 2026Q3 -").

Formats used throughout:
- dates ISO (``2026-11-26``); periods ``2026Q3``; a missing quarterly rating is ``-`` inside the
  performance window; no value at all is ``none`` (no cell starts with ``-``: see the exports);
- a score is ``str(float)`` (``172.5``, ``170.0``), a percentage ``pct_text`` (``20``, ``12.5``);
- English plurals only where the noun is ours ("1 month", "2 months", "1 level", "2 levels").

The judgements themselves live in ``qualify.core.periods`` (whole months, quarter windows),
``qualify.core.performance`` (the performance gate) and ``qualify.core.knowledge`` (ranks, bands).
What counts as evidence for a measure is described in ``qualify.core.evaluate``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from qualify.core.facts import (
    BehaviourFacts,
    ExperienceFacts,
    KnowledgeFacts,
    MeasureFacts,
    PerformanceFacts,
    UnknownFacts,
    UnknownPart,
)
from qualify.core.performance import PerformanceFindings, judge_performance
from qualify.core.periods import leaves_window_on, period_of_index, quarter_index
from qualify.core.text import Text

Pair = tuple[str, str]
"""(zh, en)"""

COMPANY = "company_experience"
FAMILY = "family_experience"
PERFORMANCE = "performance"
KNOWLEDGE = "knowledge"
BEHAVIOUR_PREFIX = "behaviour:"
MEASURE_PREFIX = "measure:"


def behaviour_rule(element_code: str) -> str:
    return f"{BEHAVIOUR_PREFIX}{element_code}"


def measure_rule(module_code: str) -> str:
    return f"{MEASURE_PREFIX}{module_code}"


def plural(count: int, noun: str) -> str:
    """``1 month``, ``2 months`` (English nouns with a regular plural only)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def pct_text(percent: float) -> str:
    """``20.0`` → ``20``; ``12.5`` → ``12.5``."""
    return str(int(percent)) if float(percent).is_integer() else repr(float(percent))


def score_text(score: float) -> str:
    return str(float(score))


# --- company_experience, family_experience ------------------------------------------------------

_WHERE = {COMPANY: ("在公司", "in the company"), FAMILY: ("在本职位族", "in the job family")}
_SINCE = {COMPANY: ("入职公司", "in the company"), FAMILY: ("从事本职位族", "in the job family")}


def experience_actual(months: int) -> str:
    """``11 months``"""
    return plural(months, "month")


def experience_required(required_months: int) -> str:
    """``12 months``"""
    return plural(required_months, "month")


def experience_check(rule: str, months: int, required_months: int, start: dt.date,
                     requirement: Text) -> Pair:
    """The check message. ``rule`` is ``company_experience`` or ``family_experience``; ``start`` the
    hire date or the family start date; ``requirement`` the gate's text (``一年`` / ``one year``)."""
    since_zh, since_en = _SINCE[rule]
    zh = (f"自 {start.isoformat()} {since_zh}，满 {months} 个月；"
          f"要求 {required_months} 个月（{requirement.zh}）")
    en = (f"{plural(months, 'whole month')} {since_en} since {start.isoformat()}; "
          f"{required_months} required ({requirement.en})")
    if months < required_months:
        short = required_months - months
        zh += f"，还差 {short} 个月"
        en += f": {short} short"
    return zh, en


def experience_gap(rule: str, months_short: int, pass_date: dt.date) -> Pair:
    """What to do: ``months_short`` more months; met on ``pass_date`` (start + required months)."""
    where_zh, where_en = _WHERE[rule]
    return (f"还需{where_zh}工作 {months_short} 个月：{pass_date.isoformat()} 起满足",
            f"{plural(months_short, 'more month')} {where_en}: met on {pass_date.isoformat()}")


# --- performance --------------------------------------------------------------------------------


def performance_actual(window: tuple[tuple[str, str | None], ...]) -> str:
    """``2026Q1 B, 2026Q2 C, 2026Q3 -`` (oldest first, ``-`` = no rating)."""
    return ", ".join(f"{period} {rating if rating is not None else '-'}" for period, rating in window)


def performance_required(quarters: int, forbidden: tuple[str, ...], max_count: tuple[tuple[str, int], ...],
                         not_all: tuple[str, ...]) -> str:
    """``last 3 quarters: no D, not all C`` / ``last 3 quarters: no D, at most 1 C``."""
    parts = [f"no {r}" for r in forbidden]
    parts += [f"at most {n} {r}" for r, n in max_count]
    if not_all:
        parts.append(f"not all {'/'.join(not_all)}")
    return f"last {quarters} quarters: {', '.join(parts) or 'any'}"


def performance_check(findings: PerformanceFindings, requirement: Text) -> Pair:
    """The check message; ``requirement`` is the gate's text."""
    seen = performance_actual(findings.window)
    zh_reasons: list[str] = []
    en_reasons: list[str] = []
    for period, rating in findings.forbidden_hits:
        zh_reasons.append(f"{period} 为 {rating}，不允许")
        en_reasons.append(f"{period} is {rating}, not allowed")
    for rating, allowed, periods in findings.over_max:
        zh_reasons.append(f"有 {len(periods)} 个 {rating}（{'、'.join(periods)}），最多允许 {allowed} 个")
        en_reasons.append(f"{len(periods)} {rating} ({', '.join(periods)}), at most {allowed} allowed")
    if findings.all_of:
        zh_reasons.append(f"各季度均为 {'/'.join(findings.all_of)}")
        en_reasons.append(f"every quarter is {'/'.join(findings.all_of)}")
    if zh_reasons:
        return (f"{seen}：{'；'.join(zh_reasons)}（{requirement.zh}）",
                f"{seen}: {'; '.join(en_reasons)} ({requirement.en})")
    if findings.missing:
        return (f"{seen}：缺少 {'、'.join(findings.missing)} 的绩效（{requirement.zh}）",
                f"{seen}: no rating for {', '.join(findings.missing)} ({requirement.en})")
    return f"{seen}：符合要求（{requirement.zh}）", f"{seen}: meets the rule ({requirement.en})"


def performance_gap(findings: PerformanceFindings, quarters: int) -> Pair:
    """Which quarter blocks and when it leaves the window, or which quarter's rating is missing."""
    zh: list[str] = []
    en: list[str] = []
    for period, rating in findings.forbidden_hits:
        leaves = leaves_window_on(period, quarters).isoformat()
        zh.append(f"{period} 的 {rating} 使本级不满足，{leaves} 移出考察期后不再计入")
        en.append(f"the {rating} of {period} blocks this level until it leaves the window on {leaves}")
    for rating, allowed, periods in findings.over_max:
        # the count falls to the allowance once the (len - allowed) oldest of them have left
        leaves = leaves_window_on(periods[len(periods) - allowed - 1], quarters).isoformat()
        zh.append(f"考察期内有 {len(periods)} 个 {rating}，最多 {allowed} 个："
                  f"若不再出现 {rating}，{leaves} 起满足")
        en.append(f"{len(periods)} {rating} in the window, at most {allowed}: "
                  f"met on {leaves} if no further {rating}")
    if findings.all_of:
        oldest = findings.window[0][0]
        following = period_of_index(quarter_index(findings.window[-1][0]) + 1)
        counted = leaves_window_on(oldest, quarters).isoformat()
        ratings = "/".join(findings.all_of)
        zh.append(f"各季度均为 {ratings}：{following} 须取得 {ratings} 以外的绩效（{counted} 起计入）")
        en.append(f"every quarter is {ratings}: a rating other than {ratings} is needed for {following} "
                  f"(counted from {counted})")
    if not zh and findings.missing:
        periods_zh = "、".join(findings.missing)
        periods_en = ", ".join(findings.missing)
        zh.append(f"缺少 {periods_zh} 的绩效：请 HR 补录")
        en.append(f"no rating for {periods_en}: ask HR to record it")
    return "；".join(zh), "; ".join(en)


# --- knowledge ----------------------------------------------------------------------------------
# Outcomes (see qualify.core.knowledge and qualify.core.evaluate):
#   no_results   the job family has no exam results at all                      missing
#   not_sat      the person did not sit every exam of the latest sitting        missing
#   beyond       the level is more levels above the current one than any band allows   fail
#   sat          the level needs only every exam sat (at or below the current level,
#                or within ``otherwise_max_levels_above``)                       pass
#   in_band / not_in_band   the rank is / is not within the band needed          pass / fail


def knowledge_actual(sitting: str | None, missing: tuple[str, ...], score: float | None,
                     rank: int | None, cohort: int) -> str:
    """``rank 3 of 40, score 172.5 (sitting 2026)`` / ``sitting 2026: not sat professional``."""
    if sitting is None:
        return "no exam results"
    if missing or score is None or rank is None:
        return f"sitting {sitting}: not sat {', '.join(missing)}"
    return f"rank {rank} of {cohort}, score {score_text(score)} (sitting {sitting})"


def knowledge_required(exam_codes: tuple[str, ...], levels_above: int, most_allowed: int,
                       band_percent: float | None, band_limit: int | None, cohort: int) -> str:
    """``sat general, professional`` / ``top 20% (rank <= 8 of 40)`` / ``at most 2 levels above``.

    ``band_percent``/``band_limit`` are the band needed for ``levels_above`` (``None`` if none is)."""
    if levels_above > most_allowed:
        return f"at most {plural(most_allowed, 'level')} above the current level"
    if band_percent is None or band_limit is None:
        return f"sat {', '.join(exam_codes)}"
    return f"top {pct_text(band_percent)}% (rank <= {band_limit} of {cohort})"


def _names(names: tuple[Text, ...]) -> Pair:
    return "、".join(n.zh for n in names), ", ".join(n.en for n in names)


def knowledge_no_results_check(exam_names: tuple[Text, ...]) -> Pair:
    zh, en = _names(exam_names)
    return f"数据中没有本职位族的考试成绩（{zh}）", f"no exam results of the job family in the data ({en})"


def knowledge_no_results_gap(exam_names: tuple[Text, ...]) -> Pair:
    zh, en = _names(exam_names)
    return f"参加下一场次的考试：{zh}", f"sit the exams at the next sitting: {en}"


def knowledge_not_sat_check(sitting: str, missing_names: tuple[Text, ...]) -> Pair:
    zh, en = _names(missing_names)
    return f"未参加 {sitting} 场次的考试：{zh}", f"did not sit {en} in sitting {sitting}"


def knowledge_not_sat_gap(sitting: str, missing_names: tuple[Text, ...]) -> Pair:
    zh, en = _names(missing_names)
    return (f"参加下一场次的考试：{zh}（{sitting} 场次未参加）",
            f"sit {en} at the next sitting (not sat in sitting {sitting})")


def knowledge_beyond_check(level: int, current_level: int, most_allowed: int) -> Pair:
    above = level - current_level
    return (f"{level} 级比当前等级（{current_level} 级）高 {above} 级，政策最多允许高 {most_allowed} 级",
            f"level {level} is {plural(above, 'level')} above the current level {current_level}; "
            f"the policy allows at most {most_allowed}")


def knowledge_beyond_gap(level: int, most_allowed: int) -> Pair:
    first = level - most_allowed
    return (f"最多可申请比当前等级高 {most_allowed} 级：须先取得 {first} 级",
            f"at most {plural(most_allowed, 'level')} above the current level may be applied for: "
            f"reach level {first} first")


def knowledge_sat_check(sitting: str, rank: int, cohort: int, levels_above: int) -> Pair:
    if levels_above <= 0:
        return (f"已参加 {sitting} 场次全部考试（排名 {rank}/{cohort}）；当前等级及以下只需参加考试",
                f"sat every exam of sitting {sitting} (rank {rank} of {cohort}); "
                "a level at or below the current level needs only that")
    return (f"已参加 {sitting} 场次全部考试（排名 {rank}/{cohort}）；"
            f"比当前等级高 {levels_above} 级只需参加考试",
            f"sat every exam of sitting {sitting} (rank {rank} of {cohort}); "
            f"{plural(levels_above, 'level')} above the current level needs only that")


def knowledge_band_check(rank: int, cohort: int, levels_above: int, band_percent: float,
                         band_limit: int) -> Pair:
    pct = pct_text(band_percent)
    if rank <= band_limit:
        return (f"排名 {rank}/{cohort}，在前 {pct}%（第 {band_limit} 名及以内），"
                f"可申请比当前等级高 {levels_above} 级",
                f"rank {rank} of {cohort} is in the top {pct}% (rank <= {band_limit}), enough to apply "
                f"{plural(levels_above, 'level')} above the current level")
    return (f"排名 {rank}/{cohort}，不在前 {pct}%（第 {band_limit} 名及以内），"
            f"不能申请比当前等级高 {levels_above} 级",
            f"rank {rank} of {cohort} is not in the top {pct}% (rank <= {band_limit}) needed to apply "
            f"{plural(levels_above, 'level')} above the current level")


def knowledge_band_gap(rank: int, cohort: int, band_percent: float, band_limit: int) -> Pair:
    pct = pct_text(band_percent)
    return (f"须排名第 {band_limit} 名及以内（{cohort} 人中前 {pct}%），"
            f"目前第 {rank} 名，需提升 {rank - band_limit} 名",
            f"a rank of {band_limit} or better of {cohort} (top {pct}%) is needed; now {rank}: "
            f"{plural(rank - band_limit, 'place')} to gain")


# --- behaviour:ELEMENT --------------------------------------------------------------------------


def behaviour_actual(lowest: str | None, count: int) -> str:
    """``partial`` (one rating), ``partial (lowest of 3)``, ``none`` (no rating)."""
    if lowest is None:
        return "none"
    return lowest if count == 1 else f"{lowest} (lowest of {count})"


def behaviour_required(passing: tuple[str, ...]) -> str:
    """``exceeds or meets``"""
    return " or ".join(passing)


def _passing(passing_names: tuple[Text, ...]) -> Pair:
    return "或".join(f"“{n.zh}”" for n in passing_names), " or ".join(f'"{n.en}"' for n in passing_names)


def behaviour_check(element: Text, level: int, lowest: Text | None, count: int,
                    passing_names: tuple[Text, ...]) -> Pair:
    """``lowest`` is the name of the lowest rating (``None``: not rated); ``count`` the ratings."""
    passing_zh, passing_en = _passing(passing_names)
    if lowest is None:
        return (f"{element.zh}：尚无 {level} 级的评委评分",
                f"{element.en}: no assessor rating at level {level}")
    return (f"{element.zh}：{level} 级 {count} 个评委评分中最低为“{lowest.zh}”；{passing_zh}为通过",
            f'{element.en}: the lowest of {plural(count, "assessor rating")} at level {level} is '
            f'"{lowest.en}"; {passing_en} passes')


def behaviour_gap(element: Text, level: int, lowest: Text | None, passing_names: tuple[Text, ...]) -> Pair:
    passing_zh, passing_en = _passing(passing_names)
    if lowest is None:
        return (f"请评委对“{element.zh}”进行 {level} 级评分",
                f'have "{element.en}" rated by the assessors at level {level}')
    return (f"“{element.zh}”的 {level} 级评分为“{lowest.zh}”，须达到{passing_zh}",
            f'"{element.en}" is rated "{lowest.en}" at level {level}: {passing_en} is needed')


# --- measure:MODULE -----------------------------------------------------------------------------

MeasureRow = tuple[str, Text, int, int]
"""(requirement code, requirement text, matching records counted, min_count)"""


def measure_actual(rows: tuple[MeasureRow, ...]) -> str:
    """``talks 1, slides 0`` (records counted per requirement); ``none`` with no requirement."""
    return ", ".join(f"{code} {count}" for code, _, count, _ in rows) or "none"


def measure_required(rows: tuple[MeasureRow, ...]) -> str:
    """``talks 2, slides 1`` (min_count per requirement); ``none`` with no requirement."""
    return ", ".join(f"{code} {minimum}" for code, _, _, minimum in rows) or "none"


def requirement_gap(missing_count: int, requirement: Text) -> Pair:
    """``1 more presentation to a customer of 省局运维副主任 rank or above``"""
    return f"还需 {missing_count} 次{requirement.zh}", f"{missing_count} more {requirement.en}"


def measure_check(module: Text, level: int, rows: tuple[MeasureRow, ...]) -> Pair:
    if not rows:
        return (f"{module.zh}（{level} 级）：衡量标准没有可计数的要求，由评委判断",
                f"{module.en} at level {level}: the measurement standard has no countable requirement; "
                "the assessors judge it")
    short = [(text, minimum - count) for _, text, count, minimum in rows if count < minimum]
    if short:
        gaps = [requirement_gap(n, text) for text, n in short]
        return (f"{module.zh}（{level} 级）：{'；'.join(zh for zh, _ in gaps)}",
                f"{module.en} at level {level}: {'; '.join(en for _, en in gaps)}")
    return (f"{module.zh}（{level} 级）：{'；'.join(f'{t.zh} {c}/{m} 次' for _, t, c, m in rows)}，已满足",
            f"{module.en} at level {level}: {'; '.join(f'{c} of {m} {t.en}' for _, t, c, m in rows)}: met")


def measure_gap(module: Text, level: int, rows: tuple[MeasureRow, ...]) -> Pair:
    if not rows:
        return (f"{module.zh}（{level} 级）由评委按衡量标准判断",
                f"{module.en} at level {level} is judged by the assessors against the measurement standard")
    gaps = [requirement_gap(minimum - count, text) for _, text, count, minimum in rows if count < minimum]
    return (f"{module.zh}：{'；'.join(zh for zh, _ in gaps)}",
            f"{module.en}: {'; '.join(en for _, en in gaps)}")


# --- every rule's texts from its facts ----------------------------------------------------------
# Both evaluators build a check's facts (qualify.core.facts), then ask these for its texts:
# (actual, required, message (zh, en), gap (zh, en)). The standard's names come in as ``Text``.

Texts = tuple[str, str, Pair, Pair]
"""(actual, required, (message zh, en), (gap zh, en))"""

UNKNOWN = "standard.unknown"


def experience_texts(rule: str, facts: ExperienceFacts, requirement: Text) -> Texts:
    return (experience_actual(facts.months), experience_required(facts.required_months),
            experience_check(rule, facts.months, facts.required_months, facts.start, requirement),
            experience_gap(rule, facts.required_months - facts.months, facts.met_on))


def performance_texts(facts: PerformanceFacts, requirement: Text) -> Texts:
    findings = judge_performance(facts.window, facts.forbidden, facts.max_count, facts.not_all)
    return (performance_actual(facts.window),
            performance_required(facts.quarters, facts.forbidden, facts.max_count, facts.not_all),
            performance_check(findings, requirement), performance_gap(findings, facts.quarters))


def knowledge_texts(facts: KnowledgeFacts, level: int, exam_names: dict[str, Text]) -> Texts:
    """``exam_names``: the standard's exams by code, in the standard's order."""
    f = facts
    actual = knowledge_actual(f.sitting, f.missing, f.score, f.rank, f.cohort)
    required = knowledge_required(f.exams, f.levels_above, f.most_levels_above, f.band_percent, f.band_limit,
                                  f.cohort)
    if f.levels_above > f.most_levels_above:
        return (actual, required, knowledge_beyond_check(level, f.current_level, f.most_levels_above),
                knowledge_beyond_gap(level, f.most_levels_above))
    if f.sitting is None:
        names = tuple(exam_names.values())
        return actual, required, knowledge_no_results_check(names), knowledge_no_results_gap(names)
    if f.missing or f.rank is None:
        missing = tuple(name for code, name in exam_names.items() if code in f.missing)
        return (actual, required, knowledge_not_sat_check(f.sitting, missing),
                knowledge_not_sat_gap(f.sitting, missing))
    if f.band_percent is None or f.band_limit is None:
        return actual, required, knowledge_sat_check(f.sitting, f.rank, f.cohort, f.levels_above), ("", "")
    return (actual, required,
            knowledge_band_check(f.rank, f.cohort, f.levels_above, f.band_percent, f.band_limit),
            knowledge_band_gap(f.rank, f.cohort, f.band_percent, f.band_limit))


def behaviour_texts(facts: BehaviourFacts, element: Text, level: int,
                    rating_name: Callable[[str], Text]) -> Texts:
    """``rating_name``: a behaviour rating's name by its code."""
    lowest = rating_name(facts.lowest) if facts.lowest is not None else None
    passing = tuple(rating_name(code) for code in facts.passing)
    return (behaviour_actual(facts.lowest, facts.count), behaviour_required(facts.passing),
            behaviour_check(element, level, lowest, facts.count, passing),
            behaviour_gap(element, level, lowest, passing))


def measure_texts(facts: MeasureFacts, module: Text, level: int, requirement_texts: dict[str, Text]) -> Texts:
    """``requirement_texts``: the measure's requirements' texts by code."""
    rows = tuple((r.code, requirement_texts.get(r.code, Text(zh=r.code, en=r.code)), r.count, r.min_count)
                 for r in facts.requirements)
    return (measure_actual(rows), measure_required(rows), measure_check(module, level, rows),
            measure_gap(module, level, rows))


_UNKNOWN_KIND = {
    "criterion": ("{name}的准则未知", "the criterion of {name} is unknown"),
    "measure": ("{name}的衡量标准未知", "the measurement standard of {name} is unknown"),
    "cut_off": ("{name}的准则被原文结尾截断", "the criterion of {name} is cut off by the end of the source"),
}


def unknown_actual(parts: tuple[UnknownPart, ...]) -> str:
    """``measure business-guidance, cut_off training``"""
    return ", ".join(f"{p.kind} {p.element or p.module}" for p in parts)


def unknown_required(accepted: bool) -> str:
    return "accepted by the owner" if accepted else "known"


def unknown_texts(facts: UnknownFacts, level: int, names: tuple[Text, ...]) -> Texts:
    """``names``: the name of each part (the element's for a criterion, the module's for a measure)."""
    named = list(zip(facts.parts, names, strict=True))
    zh_parts = [_UNKNOWN_KIND[p.kind][0].format(name=f"“{n.zh}”") for p, n in named]
    en_parts = [_UNKNOWN_KIND[p.kind][1].format(name=f'"{n.en}"') for p, n in named]
    what_zh, what_en = "；".join(zh_parts), "; ".join(en_parts)
    actual, required = unknown_actual(facts.parts), unknown_required(facts.accepted)
    if facts.accepted:
        return (actual, required,
                (f"注意：{level} 级标准有未知部分（{what_zh}），标准负责人已接受，按满足处理",
                 f"warning: the standard of level {level} has unknown parts ({what_en}); "
                 "its owner accepts them, so they count as met"), ("", ""))
    return (actual, required,
            (f"{level} 级标准有未知部分：{what_zh}；无法判断是否满足",
             f"the standard of level {level} has unknown parts: {what_en}; they cannot be judged"),
            (f"{level} 级标准有未知部分（{what_zh}）：须由标准负责人补全标准或接受未知部分",
             f"the standard of level {level} has unknown parts ({what_en}): its owner must complete the "
             "standard or accept them"))
