from django.urls import path

from . import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="register"),
    path("auth/token", views.TokenView.as_view(), name="token"),
    path("auth/refresh", views.RefreshView.as_view(), name="token-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="logout"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="password-reset"),
    path("auth/verify-email", views.EmailVerificationView.as_view(), name="verify-email"),
    path(
        "auth/verify-email/confirm",
        views.EmailVerificationConfirmView.as_view(),
        name="verify-email-confirm",
    ),
    path(
        "auth/password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("users", views.UserListView.as_view(), name="user-list"),
    path("users/me", views.MeView.as_view(), name="me"),
    path("users/me/password", views.PasswordChangeView.as_view(), name="password-change"),
]
