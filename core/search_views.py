from django.shortcuts import render

from core.search import MAX_QUERY_LENGTH, SEARCH_TYPES, clean_query, site_search


def search(request):
    """/search/?q=...&type=people|papers|talks&page=N; no query, no database search."""
    only = request.GET.get("type", "")
    error = ""
    if only and only not in SEARCH_TYPES:
        # As on the publication list: a link naming no type is the link's fault; say so.
        error = f"There is no result type called “{only}”; showing all types."
        only = ""
    results = site_search(
        text=clean_query(request.GET.get("q", "")), only=only, page=request.GET.get("page")
    )
    return render(
        request,
        "core/search.html",
        {"results": results, "error": error, "max_length": MAX_QUERY_LENGTH},
        status=400 if error else 200,
    )
