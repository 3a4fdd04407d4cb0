"""Which evidence records count for a requirement of a measurement standard (衡量标准).

Shared meaning (the batch evaluator does the same in Polars). A record counts for a requirement when:

- it is dated ON OR BEFORE the as-of date (a decision as of a date uses what existed by then);
- ``activity`` equals the requirement's activity;
- ``roles`` given: the record's role is one of them;
- ``min_audience`` given: the record has an audience whose rung on the ``audience_ranks`` ladder is
  at or above the minimum's rung;
- ``min_scope`` given: likewise on the ``scopes`` ladder;
- ``project_kinds`` given: the record's project kind is one of them;
- ``outcome`` given: the record's outcome equals it;
- every code of the requirement's ``deliverables`` is among the record's deliverables.

Empty fields of the requirement do not restrict. A record may count for several requirements (of the
same module or of different modules). No matching record is a count of 0, so a measure is ``fail``,
not ``missing``: the evidence sheet is the data, and the gap says what to bring.
"""

from __future__ import annotations

import datetime as dt

from qualify.core.records import EvidenceRecord
from qualify.core.standard import Requirement, Vocabularies


def matches(requirement: Requirement, record: EvidenceRecord, vocabularies: Vocabularies,
            as_of: dt.date) -> bool:
    if record.date > as_of or record.activity != requirement.activity:
        return False
    if requirement.roles and record.role not in requirement.roles:
        return False
    if requirement.min_audience is not None and not _at_or_above(
            vocabularies, "audience_ranks", record.audience, requirement.min_audience):
        return False
    if requirement.min_scope is not None and not _at_or_above(
            vocabularies, "scopes", record.scope, requirement.min_scope):
        return False
    if requirement.project_kinds and record.project_kind not in requirement.project_kinds:
        return False
    if requirement.outcome is not None and record.outcome != requirement.outcome:
        return False
    return all(code in record.deliverables for code in requirement.deliverables)


def _at_or_above(vocabularies: Vocabularies, ladder: str, code: str | None, minimum: str) -> bool:
    if code is None:
        return False
    rung = vocabularies.rank(ladder, code)
    return rung >= 0 and rung >= vocabularies.rank(ladder, minimum)


def count_matching(requirement: Requirement, records: tuple[EvidenceRecord, ...],
                   vocabularies: Vocabularies, as_of: dt.date) -> int:
    return sum(1 for record in records if matches(requirement, record, vocabularies, as_of))
