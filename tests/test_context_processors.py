"""What every page is told (groups/context_processors.py): the sample data notice."""

import pytest
from django.urls import reverse

from groups.demo import load_demo
from groups.models import Meeting


@pytest.mark.parametrize("url", ["groups:home", "admin:login"])
def test_every_page_shows_the_sample_notice_while_samples_exist(client, db, url):
    notice = "These listings are samples, not real meetings."
    assert notice not in client.get(reverse(url)).content.decode()
    load_demo(10, seed=1)
    assert notice in client.get(reverse(url)).content.decode()
    Meeting.objects.filter(is_sample=True).delete()
    assert notice not in client.get(reverse(url)).content.decode()
