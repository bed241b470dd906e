from django.urls import path

from .views import HealthView, HomeView, ReadyView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("health", HealthView.as_view(), name="health"),
    path("ready", ReadyView.as_view(), name="ready"),
]
