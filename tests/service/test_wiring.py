"""The query-side analysers the service hands to the index (service/wiring.py)."""
from __future__ import annotations

import pytest

from praxis.ingest.topics import assign_topics
from praxis.service.wiring import query_topics


@pytest.mark.parametrize(("query", "false_friend"), [
    # "minorités" begins the Italian "minori" (minors): read as French, it is no youth topic
    ("apprentissage formel et informel de la langue pour les nouveaux arrivants et les minorités", "youth"),
])
def test_a_query_is_tagged_with_its_own_languages_keywords(query: str, false_friend: str) -> None:
    assert false_friend in assign_topics(query)  # every language's keywords at once: the false friend
    topics = query_topics(query)
    assert false_friend not in topics and topics  # and it keeps the topics its own words carry


def test_a_query_too_short_to_detect_is_tagged_with_every_language() -> None:
    assert query_topics("Wohnungen") == assign_topics("Wohnungen")
