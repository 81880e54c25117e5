"""The service's own pages: guidance and statements, open without signing in (formats.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGES = {
    "help": "Help",
    "accessibility": "Accessibility statement",
    "privacy": "Privacy notice",
    "cookies": "Cookies",
}


@login_not_required
def service_page(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, f"omic/service/{page}.html", {"title": PAGES[page]})
