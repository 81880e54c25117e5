"""Find a prisoner (formats.md `/search/?q=`), from the box in every page's header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from omic import selectors
from omic.selectors.search import MAX_RESULTS, QUERY_MAX_LENGTH


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    error = ""
    results: list = []
    if len(query) > QUERY_MAX_LENGTH:
        error = f"Enter at most {QUERY_MAX_LENGTH} characters: a prison number or a name"
    elif query:
        results = list(selectors.find_prisoners(user=request.user, query=query))
        if len(results) == 1:
            return redirect("omic:prisoner", results[0].prison_number)
    elif "q" in request.GET:
        error = "Enter a prison number, such as A1234BC, or a name"
    context = {
        "query": query,
        "results": results[:MAX_RESULTS],
        "more": len(results) > MAX_RESULTS,
        "error": error,
    }
    return render(request, "omic/search.html", context, status=400 if error and query else 200)
