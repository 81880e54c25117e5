"""What page tests share: a page's content proves nothing unless the page was served."""


def ok(response, status=200):
    """The response, once its status is the one expected: an error page (403, 404, a redirect to
    sign in) would pass every `not in` check on its content and cost fewer queries."""
    assert response.status_code == status, (
        f"{response.status_code} for {response.wsgi_request.get_full_path()}"
    )
    return response

