"""What page tests share: a page's content proves nothing unless the page was served."""


def ok(response, status=200):
    """The response, once its status is the one expected: an error page (403, 404, a redirect to
    sign in) would pass every `not in` check on its content and cost fewer queries."""
    assert response.status_code == status, (
        f"{response.status_code} for {response.wsgi_request.get_full_path()}"
    )
    return response


def queries_for(client, url: str) -> int:
    """How many queries the page costs once warm (the first request loads the session and user):
    the baseline that a test then holds the page to as the data grows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ok(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        ok(client.get(url))
    return len(queries.captured_queries)
