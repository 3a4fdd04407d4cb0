"""Pages of the certification cycle (``/cycles/…``, ``/applications/…``, ``/certificates/…``)."""

from __future__ import annotations

from django.urls import path

from qualify.web.certification import (
    application_views,
    batch_views,
    outcome_views,
    overview_views,
    publication_views,
    register_views,
    scoring_views,
    views,
    workbench_views,
)

app_name = "certification"

urlpatterns = [
    path("workbench/", workbench_views.workbench, name="workbench"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/new/", views.cycle_new, name="cycle-new"),
    path("cycles/<int:cycle_id>/", views.cycle, name="cycle"),
    path("cycles/<int:cycle_id>/action/", views.cycle_action, name="cycle-action"),
    path("cycles/<int:cycle_id>/apply/", views.apply, name="apply"),
    path("cycles/<int:cycle_id>/panels/", views.panels, name="panels"),
    path("cycles/<int:cycle_id>/batch/", batch_views.batch, name="batch"),
    path("cycles/<int:cycle_id>/applications.xlsx", batch_views.applications_xlsx, name="applications-xlsx"),
    path("cycles/<int:cycle_id>/publication/", publication_views.publication, name="publication"),
    path(
        "cycles/<int:cycle_id>/publication.xlsx",
        publication_views.publication_xlsx,
        name="publication-xlsx",
    ),
    path("overview/", overview_views.overview, name="overview"),
    path("overview.xlsx", overview_views.overview_xlsx, name="overview-xlsx"),
    path("assessments/", views.assignments, name="assignments"),
    path("applications/<int:application_id>/", application_views.application, name="application"),
    path(
        "applications/<int:application_id>/action/",
        application_views.application_action,
        name="application-action",
    ),
    path("applications/<int:application_id>/evidence/", application_views.add_evidence, name="add-evidence"),
    path(
        "applications/<int:application_id>/evidence/<int:evidence_id>/delete/",
        application_views.remove_evidence,
        name="remove-evidence",
    ),
    path(
        "applications/<int:application_id>/self-assessment/",
        application_views.self_assess,
        name="self-assess",
    ),
    path("applications/<int:application_id>/opinion/", application_views.give_opinion, name="opinion"),
    path("applications/<int:application_id>/panel/", application_views.assign_panel, name="assign-panel"),
    path("applications/<int:application_id>/override/", application_views.override, name="override"),
    path("applications/<int:application_id>/reject/", application_views.reject, name="reject"),
    path("applications/<int:application_id>/score/", scoring_views.score, name="score"),
    path("applications/<int:application_id>/consolidate/", scoring_views.consolidate, name="consolidate"),
    path("applications/<int:application_id>/appeal/", outcome_views.appeal, name="appeal"),
    path(
        "applications/<int:application_id>/appeal/decide/", outcome_views.decide_appeal, name="decide-appeal"
    ),
    path("files/<int:file_id>/", application_views.download, name="file"),
    path("certificates/expiring/", outcome_views.expiring, name="expiring"),
    path("certificates/", register_views.register, name="register"),
    path("certificates/register.xlsx", register_views.register_xlsx, name="register-xlsx"),
    path("certificates/verify/<str:number>/", outcome_views.verify_certificate, name="verify-certificate"),
    path("certificates/<str:number>/", outcome_views.certificate, name="certificate"),
    path("certificates/<str:number>/pdf/", outcome_views.certificate_pdf_view, name="certificate-pdf"),
]
