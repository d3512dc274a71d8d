def test_favicon_ico_points_to_the_site_icon(client):
    """The admin links no icon, so browsers ask for /favicon.ico: no 404 in the logs."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/digest/favicon")
    assert response["Location"].endswith(".svg")
