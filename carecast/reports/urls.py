from django.urls import path

from carecast.reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/<str:chart>.<str:fmt>", views.chart_table, name="chart_table"),
    path("report/", views.report_page, name="report"),
    path("report/settings/", views.report_settings, name="settings"),
    path("report/<str:month>.pdf", views.report_pdf, name="pdf"),
]
