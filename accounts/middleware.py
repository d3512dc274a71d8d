"""Reading history, noted after the article page is made."""

from accounts.history import record_reading


class ReadingHistoryMiddleware:
    """Note the article a page showed a signed-in reader in their history.

    articles.views names the public article it showed in `request.shown_article`;
    articles knows nothing of readers' history (imports point digest <- articles
    <- accounts), so the write is here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        article = getattr(request, "shown_article", None)
        if (
            article is not None
            and response.status_code == 200
            and request.user.is_authenticated
        ):
            record_reading(user=request.user, article=article)
        return response
