"""The view beacon's endpoint; how views are counted is in articles/counting.py."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles import counting
from articles.models import Article


# The token is the same for every reader, so a cross-site POST could only ask to
# count a view the dedupe window then ignores; there is no CSRF token to check on
# cached pages, hence csrf_exempt. Bots, prefetches and bad tokens count nothing.
@csrf_exempt
@require_POST
def count_view(request, pk: int):
    """Count a view from the article page's beacon: 204 counted or not, 4xx refused."""
    if not counting.token_is_valid(request.POST.get("token", ""), pk):
        return HttpResponse(
            "Bad or expired token.", status=403, content_type="text/plain"
        )
    if not counting.beacon_allowed(request):
        return HttpResponse("Too many requests.", status=429, content_type="text/plain")
    agent = request.META.get("HTTP_USER_AGENT", "")
    if counting.is_prefetch(request) or counting.is_bot(agent):
        return HttpResponse(status=204)
    if not Article.objects.published().filter(pk=pk).exists():
        return HttpResponse("No such article.", status=404, content_type="text/plain")
    counting.record_view(article_id=pk, reader=counting.reader_key(request))
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
