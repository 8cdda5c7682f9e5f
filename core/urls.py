from django.urls import path

from core import search_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
]
