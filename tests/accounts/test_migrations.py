import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_accounts_models_and_migrations_agree():
    # Exits with status 1 when a migration is missing.
    call_command("makemigrations", "accounts", "--check", "--dry-run", verbosity=0)
