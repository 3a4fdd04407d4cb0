"""Standards for tests of the standards pages: a folder that stands in for the shipped standards.

- ``mini@1.0``: the small fictional standard of ``tests/fixtures`` (a draft);
- ``mini@1.1``: its next version, published, with known differences (``MINI_1_1_CHANGES``);
- every standard really shipped (``service-marketing@2.0`` …), so pages are tried on real content.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

from qualify.services import standards as service

MINI_1_1_CHANGES = {
    # talk-prep at level 2: the first item reworded, a second item added
    "revised_item": {"zh": "第2级条目一（修订）", "en": "level 2 item one (revised)"},
    "added_item": {"zh": "第2级条目二（新增）", "en": "level 2 item two (new)"},
    # level 4 asks five years in the company instead of four
    "company_experience_4": {"zh": "五年", "en": "five years"},
    # a new element of the module "reports", with a criterion at level 3 only
    "new_element": {"code": "review", "zh": "评审", "en": "Review"},
    "new_element_item": {"zh": "第3级评审条目", "en": "level 3 review item"},
}


def mini_1_1(mini: dict[str, Any]) -> dict[str, Any]:
    """The data of ``mini@1.1`` from the data of ``mini@1.0``."""
    data = copy.deepcopy(mini)
    data["version"] = "1.1"
    data["status"] = "published"
    change = MINI_1_1_CHANGES
    level_4 = next(level for level in data["levels"] if level["level"] == 4)
    level_4["company_experience"] = {"months": 60, "text": change["company_experience_4"]}
    talks = next(m for m in data["modules"] if m["code"] == "talks")
    prep = next(e for e in talks["elements"] if e["code"] == "talk-prep")
    criterion = next(c for c in prep["criteria"] if c["level"] == 2)
    criterion["items"] = [change["revised_item"], change["added_item"]]
    reports = next(m for m in data["modules"] if m["code"] == "reports")
    new = change["new_element"]
    reports["elements"].append({
        "code": new["code"], "name": {"zh": new["zh"], "en": new["en"]},
        "criteria": [{"level": n, "status": "none"} if n != 3
                     else {"level": 3, "items": [change["new_element_item"]]} for n in range(1, 6)],
    })
    webinar = {"code": "webinar", "name": {"zh": "网络研讨会", "en": "webinar"}}
    data["vocabularies"]["activities"].append(webinar)
    return data


def build_test_standards(folder: Path, mini_file: Path) -> Path:
    """Fill ``folder`` with the test standards (once per test session: loaded standards are cached
    by path)."""
    folder.mkdir(parents=True, exist_ok=True)
    for shipped in service.shipped_files():
        shutil.copy(shipped, folder / shipped.name)
    shutil.copy(mini_file, folder / "mini@1.0.yaml")
    mini = yaml.safe_load(mini_file.read_text(encoding="utf-8"))
    (folder / "mini@1.1.yaml").write_text(
        yaml.safe_dump(mini_1_1(mini), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def use_standards(folder: Path, monkeypatch: Any) -> Path:
    """Make ``folder`` the shipped folder (for one test: ``monkeypatch`` undoes it)."""
    monkeypatch.setattr(service, "shipped_dir", lambda: folder)
    return folder


def install_test_standards(folder: Path, mini_file: Path, monkeypatch: Any) -> Path:
    return use_standards(build_test_standards(folder, mini_file), monkeypatch)
