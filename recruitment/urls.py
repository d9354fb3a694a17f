from django.urls import path

from recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.PortalView.as_view(), name="portal"),
]
