def test_home_page_shows_the_site_name(live_server, page):
    from digest.models import SiteSettings

    SiteSettings.objects.update_or_create(
        pk=1, defaults={"site_name": "Morning Ledger"}
    )
    page.goto(live_server.url + "/")
    assert page.title().startswith("Morning Ledger")
    assert page.locator("header").get_by_text("Morning Ledger").is_visible()
