from django.urls import path

from . import views

app_name = "channels_sync"

urlpatterns = [
    path("push/<int:shop_id>/", views.platform_push, name="push"),
]
