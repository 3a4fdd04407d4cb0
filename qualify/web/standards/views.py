"""Pages: the catalogue, a standard, the comparison table (比较表), the xlsx download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from qualify.core.standard import Standard
from qualify.services.standards import export_standard
from qualify.web.language import lang as current_lang
from qualify.web.standards import presenters, tables
from qualify.web.standards.catalogue import get_visible_standard, visible_standards
from qualify.web.standards.forms import CompareForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    rows = [{"standard": std, "counts": presenters.counts(std),
             "ends": presenters.where_source_ends(std, lang)} for std in visible_standards(request.user)]
    return render(request, "standards/catalogue.html", {"rows": rows})


@login_required
def detail(request: HttpRequest, standard_id: str) -> HttpResponse:
    standard = get_visible_standard(request.user, standard_id)
    lang = current_lang()
    return render(request, "standards/detail.html", {
        "standard": standard,
        "counts": presenters.counts(standard),
        "ends": presenters.where_source_ends(standard, lang),
        "modules": presenters.module_views(standard, lang),
        "readings": presenters.reading_views(standard, lang),
        "vocabularies": presenters.vocabulary_views(standard),
        "exams": standard.knowledge.exams,
        "downloads": _downloads(standard),
    })


def _downloads(standard: Standard) -> list[dict[str, str]]:
    url = reverse("standards:export", args=[standard.id])
    return [{"lang": "zh", "label": "中文", "url": f"{url}?lang=zh"},
            {"lang": "en", "label": "English", "url": f"{url}?lang=en"}]


@login_required
def compare(request: HttpRequest, standard_id: str) -> HttpResponse:
    standard = get_visible_standard(request.user, standard_id)
    others = [s for s in visible_standards(request.user) if s.id != standard.id]
    # the same job family first: those are the versions
    others.sort(key=lambda s: (s.family != standard.family, s.family, s.version))
    form = CompareForm(request.GET or None, standard=standard, others=others)
    lang = current_lang()
    mode = form.mode if form.is_bound else "ladder"
    only = bool(form.is_bound and form.is_valid() and form.cleaned_data.get("changes"))
    other: Standard | None = None
    outside: list[dict[str, object]] = []
    if mode == "versions":
        other = get_visible_standard(request.user, form.cleaned_data["other"])
        sides = tables.version_sides(other, standard)
        outside = tables.changes_outside_table(other, standard, lang)
    elif mode == "levels":
        sides = tables.two_level_sides(standard, form.cleaned_data["a"], form.cleaned_data["b"])
    else:
        sides = tables.ladder_sides(standard)
    table = tables.build_table(sides, lang, only_differences=only, identity=mode == "versions")
    query = {k: str(v) for k, v in request.GET.items() if k in {"a", "b", "other", "changes"} and v}
    toggle = dict(query)
    if only:
        toggle.pop("changes", None)
    else:
        toggle["changes"] = "on"
    return render(request, "standards/compare.html", {
        "standard": standard,
        "other": other,
        "others": others,
        "form": form,
        "mode": mode,
        "table": table,
        "outside": outside,
        "knowledge_changed": any(c["section"] == "knowledge" for c in outside),
        "levels": standard.levels,
        "knowledge": standard.knowledge,
        "ends": presenters.where_source_ends(standard, lang),
        "downloads": _downloads(standard),
        "toggle_url": f"?{urlencode(toggle)}" if toggle else "?",
        "column_count": len(table.columns) + 1,
    })


@login_required
def export(request: HttpRequest, standard_id: str) -> HttpResponse:
    """The comparison table as an xlsx workbook, in ``?lang=zh|en`` (default: the page's language)."""
    standard = get_visible_standard(request.user, standard_id)
    lang = request.GET.get("lang") or current_lang()
    if lang not in {"zh", "en"}:
        return HttpResponseBadRequest(_("Unknown language %(lang)s: use zh or en.") % {"lang": lang})
    content = export_standard(standard.id, "xlsx", "zh" if lang == "zh" else "en")
    name = f"{standard.id}-{'比较表' if lang == 'zh' else 'comparison-table'}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    return response
