from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.SITE_NAME} editor"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Profiles, publications and talks"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
    path("people/", include("profiles.urls")),
    path("publications/", include("publications.urls")),
    path("", include("events.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
