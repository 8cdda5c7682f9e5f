import pytest


@pytest.fixture
def demo(db):
    """The full demo site, loaded the way `manage.py loaddemo` loads it."""
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
