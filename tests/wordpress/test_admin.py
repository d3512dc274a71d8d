"""The admin page: who may import, uploading an export, following it in the background."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import User
from articles.models import Article
from tests.factories import UserFactory, role_group
from tests.wordpress.conftest import wxr, wxr_attachment, wxr_item
from wordpress.models import ImportRun

ADD = "/admin/wordpress/importrun/add/"
LIST = "/admin/wordpress/importrun/"


def user_with(*roles: str, superuser: bool = False, staff: bool = True) -> User:
    user = UserFactory(is_staff=staff, is_superuser=superuser)
    for role in roles:
        user.groups.add(role_group(role))
    return user


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def export_file(text: str | None = None) -> SimpleUploadedFile:
    text = text or wxr(wxr_item(1, "From the admin", slug="from-the-admin"))
    return SimpleUploadedFile("site.xml", text.encode(), content_type="text/xml")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("reader", False),
        ("author", False),
        ("editor", False),
        ("operator", False),
        ("operator+editor", True),
        ("superuser", True),
    ],
)
def test_only_superusers_and_operators_who_are_editors_may_import(who, allowed):
    users = {
        "anonymous": lambda: None,
        "reader": lambda: user_with(staff=False),
        "author": lambda: user_with("Author"),
        "editor": lambda: user_with("Editor"),
        "operator": lambda: user_with("Site operator"),
        "operator+editor": lambda: user_with("Site operator", "Editor"),
        "superuser": lambda: user_with(superuser=True),
    }
    client = signed_in(users[who]())
    for url in (LIST, ADD):
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, url
        elif who in ("anonymous", "reader"):
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == 403, url
    response = client.post(ADD, {"export": export_file()})
    assert ImportRun.objects.exists() is allowed
    if not allowed:
        assert response.status_code in (302, 403)
        assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_an_export_is_refused_on_the_form():
    client = signed_in(user_with(superuser=True))
    response = client.post(
        ADD,
        {
            "export": SimpleUploadedFile("photo.xml", b"\xff\xd8\xff\xe0 not xml"),
            "uploads": SimpleUploadedFile("uploads.zip", b"not a zip"),
        },
    )
    assert response.status_code == 200
    assert "This is not a WordPress export" in response.text
    assert "as a .zip file" in response.text
    assert not ImportRun.objects.exists()


def wait_for(run: ImportRun, seconds: float = 120) -> ImportRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
            return run
        time.sleep(0.2)
    raise AssertionError(f"the import is still {run.status}")


def uploads_zip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = io.BytesIO()
    Image.new("RGB", (800, 500), (40, 90, 150)).save(image, "JPEG")
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("uploads/2024/05/cover.jpg", image.getvalue())
        bundle.writestr("uploads/../../escape.php", b"<?php echo 1;")
    return SimpleUploadedFile(
        "uploads.zip", buffer.getvalue(), content_type="application/zip"
    )


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_export_runs_in_the_background_and_reports(settings, tmp_path):
    settings.WORDPRESS_IMPORT_ROOT = tmp_path / "imports"
    operator = user_with("Site operator", "Editor")
    client = signed_in(operator)
    export = wxr(
        wxr_item(
            1, "From the admin", slug="from-the-admin", meta={"_thumbnail_id": "9"}
        ),
        wxr_item(2, "Secret", slug="secret", status="private"),
        wxr_attachment(9, "2024/05/cover.jpg", parent=1, alt="The cover"),
    )
    response = client.post(
        ADD, {"export": export_file(export), "uploads": uploads_zip()}
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/wordpress/importrun/{run.pk}/change/"
    run = wait_for(run)
    assert run.status == ImportRun.Status.DONE, run.report
    assert run.started_by == operator
    assert (run.done, run.total) == (3, 3)
    assert "Imported: 1 author, 1 category, 1 image, 2 posts" in run.report
    assert "post 2 'Secret': private → draft secret" in run.report
    article = Article.objects.get(slug="from-the-admin")
    assert article.is_public and article.image_alt == "The cover" and article.image
    page = client.get(response["Location"])
    assert "1 author, 1 category, 1 image, 2 posts" in page.text
    assert 'http-equiv="refresh"' not in page.text  # finished: no more refreshing
    # The export is kept out of the public media folder.
    stored = Path(ImportRun.objects.get().export.path)
    assert stored.is_relative_to(settings.WORDPRESS_IMPORT_ROOT) and stored.is_file()
    # Deleting the run deletes the uploaded files with it.
    delete = f"/admin/wordpress/importrun/{run.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ImportRun.objects.exists() and not stored.exists()


@pytest.mark.django_db(transaction=True)
def test_a_hostile_upload_fails_with_one_line_and_imports_nothing(settings, tmp_path):
    settings.WORDPRESS_IMPORT_ROOT = tmp_path / "imports"
    client = signed_in(user_with(superuser=True))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>&b;</channel></rss>'
    )
    client.post(ADD, {"export": export_file(bomb)})
    run = wait_for(ImportRun.objects.get())
    assert run.status == ImportRun.Status.FAILED
    assert run.report.startswith("Stopped: refused: the file declares a DTD")
    assert "Nothing was imported." in run.report
    assert not Article.objects.exists()
