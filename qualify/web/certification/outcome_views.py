"""Results: appeal, appeal decision, certificate page and PDF, certificates about to expire."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualify.core.cycle import Action, Expiry, Role, expiry
from qualify.core.errors import NotFound
from qualify.formats.table_xlsx import Table
from qualify.services import certification as svc
from qualify.services.visibility import visible_decision
from qualify.web.accounts import access
from qualify.web.certification import models as m
from qualify.web.certification.application_views import checks_of
from qualify.web.certification.common import (
    actor,
    attempt,
    lang,
    repo,
    state_name,
    upload_limits,
    visible_application,
)
from qualify.web.certification.forms import AppealDecisionForm, AppealForm
from qualify.web.certification.pdf import CertificateText, NoChineseFont, certificate_pdf
from qualify.web.certification.repository import cycle_view
from qualify.web.exports import wants_xlsx, xlsx_response


@login_required
def appeal(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    me = actor(request)
    r = repo()
    roles = svc.roles_for_application(r, me, app)
    if Role.applicant not in roles:
        raise Http404("not the applicant")
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        made = attempt(
            request,
            svc.appeal,
            r,
            me,
            app.id,
            form.cleaned_data["reason"],
            done=_("Your appeal is filed. An appeal panel will decide it."),
        )
        upload = form.cleaned_data.get("file")
        if made and upload is not None:
            # a file over the limit is refused by its real size, without reading it all
            content = upload.read() if upload.size <= svc.MAX_UPLOAD_BYTES else upload.read(8)
            limits = upload_limits()
            attempt(request, svc.add_appeal_file, r, me, app.id, upload.name, content, limits, upload.size)
        if made:
            return redirect("certification:application", application_id=app.id)
    decision = visible_decision(r, me, app)  # not before publication, except for HR
    return render(
        request,
        "certification/appeal.html",
        {
            "app": app,
            "form": form,
            "state": state_name(app.state),
            "decision": decision,
            "checks": checks_of(decision, svc.cycle_standard(r, r.cycle(app.cycle_id))) if decision else [],
            "may_appeal": Action.appeal in svc.allowed(r, me, app),
        },
    )


@login_required
def decide_appeal(request: HttpRequest, application_id: int) -> HttpResponse:
    app = visible_application(request, application_id)
    me = actor(request)
    r = repo()
    roles = svc.roles_for_application(r, me, app)
    # Only the appeal's deciders: HR, or the appeal panel's lead while the appeal is open. A review
    # panel's lead is not one of them and sees nothing here (no decision before publication).
    if Action.decide_appeal not in svc.allowed(r, me, app) and not roles & {Role.hr, Role.admin}:
        raise Http404("not found")
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = attempt(
            request,
            svc.decide_appeal,
            r,
            me,
            app.id,
            upheld=data["upheld"],
            passed=data["passed"] if data["upheld"] else None,
            reason=data["reason"],
            done=_("The appeal is decided; the applicant was told."),
        )
        if made:
            return redirect("certification:application", application_id=app.id)
    decision = visible_decision(r, me, app)  # not before publication, except for HR
    return render(
        request,
        "certification/decide_appeal.html",
        {
            "app": app,
            "form": form,
            "appeal": r.appeal(app.id),
            "decision": decision,
            "checks": checks_of(decision, svc.cycle_standard(r, r.cycle(app.cycle_id))) if decision else [],
            "state": state_name(app.state),
        },
    )


def _certificate_or_404(request: HttpRequest, number: str) -> m.Certificate:
    cert = m.Certificate.objects.select_related("person").filter(number=number).first()
    if cert is None or not access.people_visible_to(request.user).filter(pk=cert.person_id).exists():
        raise Http404("no such certificate")
    return cert


def _level_names(cert: m.Certificate) -> tuple[str, str]:
    """The certified level's name (zh, en) in the cycle's frozen standard, else "N级" / "level N"."""
    cycle = cert.application.cycle if cert.application is not None else None
    if cycle is not None:
        level = svc.cycle_standard(repo(), cycle_view(cycle)).level(cert.level)
        if level is not None:
            return level.name.zh, level.name.en
    return f"{cert.level}级", f"level {cert.level}"


def _texts(cert: m.Certificate, verify_url: str = "") -> CertificateText:
    cycle = cert.application.cycle if cert.application is not None else None
    zh_level, en_level, zh_std, en_std = (
        f"{cert.level}级",
        f"level {cert.level}",
        cert.standard_id,
        cert.standard_id,
    )
    if cycle is not None:
        standard = svc.cycle_standard(repo(), cycle_view(cycle))
        level = standard.level(cert.level)
        if level is not None:
            zh_level, en_level = level.name.zh, level.name.en
        zh_std, en_std = standard.name.zh, standard.name.en
    return CertificateText(
        number=cert.number,
        person_zh=cert.holder_name,
        person_en=cert.holder_name,
        employee_id=cert.holder_employee_id,
        level_zh=zh_level,
        level_en=en_level,
        standard_zh=zh_std,
        standard_en=en_std,
        standard_id=cert.standard_id,
        valid_from=cert.valid_from,
        valid_until=cert.valid_until,
        issued_on=timezone.localtime(cert.issued_at).date(),
        verify_url=verify_url,
    )


@login_required
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    cert = _certificate_or_404(request, number)
    texts = _texts(cert)
    status = expiry(cert.valid_until, timezone.localdate())
    return render(
        request,
        "certification/certificate.html",
        {
            "cert": cert,
            "texts": texts,
            "lang": lang(),
            "status": status.value,
            "css": {"valid": "ok", "expiring": "warn", "expired": "bad"}[status.value],
        },
    )


@login_required
def certificate_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    cert = _certificate_or_404(request, number)
    try:
        verify = reverse("certification:verify-certificate", args=[cert.number])
        body = certificate_pdf(_texts(cert, request.build_absolute_uri(verify)))
    except NoChineseFont as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


def verify_certificate(request: HttpRequest, number: str) -> HttpResponse:
    """Public, no login: whether a certificate of this number exists and is valid. Shows only the
    number, the holder's name, the level, the validity and the status (what the QR code on the PDF
    leads to), as stored at issue."""
    cert = m.Certificate.objects.select_related("application__cycle").filter(number=number).first()
    if cert is None:
        return render(request, "certification/verify.html", {"number": number, "cert": None}, status=404)
    status = expiry(cert.valid_until, timezone.localdate())
    level_zh, level_en = _level_names(cert)
    return render(
        request,
        "certification/verify.html",
        {
            "number": number,
            "cert": {
                "number": cert.number,
                "holder_name": cert.holder_name,
                "level": level_zh if lang() == "zh" else level_en,
                "valid_from": cert.valid_from,
                "valid_until": cert.valid_until,
            },
            "status": status.value,
            "css": {"valid": "ok", "expiring": "ok", "expired": "bad"}[status.value],
        },
    )


@login_required
def expiring(request: HttpRequest) -> HttpResponse:
    if not access.is_hr(request.user):
        raise Http404("not found")
    try:
        days = max(1, min(3650, int(request.GET.get("days", "90"))))
    except ValueError:
        days = 90
    today = timezone.localdate()
    try:
        found = svc.expiring_certificates(repo(), actor(request), today=today, within_days=days)
    except NotFound:
        raise Http404("not found") from None
    rows = [
        {
            "cert": c,
            "status": expiry(c.valid_until, today, days).value,
            "days_left": (c.valid_until - today).days,
        }
        for c in found
    ]
    if wants_xlsx(request):
        header = [_("Number"), _("Employee ID"), pgettext("person", "Name"), _("Level"), _("Standard"),
                  _("Valid until"), _("Days left")]
        table = Table(str(_("Expiring certificates")), header, [
            [c.number, c.employee_id, c.person_name, c.level, c.standard_id, c.valid_until.isoformat(),
             (c.valid_until - today).days]
            for c in found
        ])
        return xlsx_response([table], f"{_('expiring-certificates')}-{today.isoformat()}.xlsx")
    return render(
        request,
        "certification/expiring.html",
        {
            "rows": rows,
            "days": days,
            "expired": sum(1 for r in rows if r["status"] == Expiry.expired.value),
        },
    )
