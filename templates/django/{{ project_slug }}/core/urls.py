from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health", views.health, name="health"),
    path("ready", views.ready, name="ready"),
]
