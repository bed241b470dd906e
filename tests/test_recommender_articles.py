"""One row per explicit recommendation in the five articles the recommender follows.

Each row gives the article, what it says, the answers that describe that case (everything
else left as "no preference"), and what the recommender must then do: pick the framework the
article names (citing the article for it), not pick one the article warns against, report a
disagreement with the article on the right side, or mention a niche alternative it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from generator.recommender import recommend

A = "Comparing Django, Flask, and FastAPI as Python Web Frameworks"
B = "Django vs Flask vs FastAPI: Python's Web Framework Showdown"
C = "Django vs Flask vs FastAPI: Choosing the Right Python Web Framework in 2025"
D = "Python MVF: Most Valubale Frameworks"
E = "Which Python Web Framework Should You Choose: Django, Flask, or FastAPI?"


@dataclass(frozen=True)
class Statement:
    article: str
    says: str
    answers: dict[str, Any]
    picks: frozenset[str] = frozenset()  # the winner must be one of these, citing the article
    avoids: str | None = None  # this framework must not win; a penalty cites the article
    dispute: tuple[str, str] | None = None  # (topic, framework) the article stands for
    alternative: str | None = None  # a niche framework the article names for this case

    def __str__(self) -> str:
        return f"{self.article[:24]}...: {self.says}"


def picks(*names: str) -> frozenset[str]:
    return frozenset(names)


STATEMENTS = [
    # A: Comparing Django, Flask, and FastAPI as Python Web Frameworks
    Statement(A, "CMS: Django", {"kind": "cms"}, picks("django")),
    Statement(A, "APIs: FastAPI", {"kind": "api"}, picks("fastapi")),
    Statement(A, "small applications: Flask", {"scale": "small"}, picks("flask")),
    Statement(A, "medium-sized applications: Flask", {"scale": "medium"}, picks("flask")),
    Statement(
        A,
        "large-scale complex platforms: Django",
        {"scale": "large", "complex_data": True},
        picks("django"),
    ),
    Statement(A, "real-time applications: FastAPI", {"kind": "realtime"}, picks("fastapi")),
    Statement(
        A, "microservices: Flask", {"kind": "microservice"}, dispute=("microservices", "flask")
    ),
    Statement(A, "beginners: start with Flask", {"experience": "beginner"}, picks("flask")),
    Statement(
        A,
        "experienced: Django or FastAPI",
        {"experience": "experienced"},
        picks("django", "fastapi"),
    ),
    Statement(A, "customization and control: Flask", {"flexibility": True}, picks("flask")),
    Statement(A, "administrative functionality: Django", {"admin": True}, picks("django")),
    Statement(A, "high performance: FastAPI", {"performance": True}, picks("fastapi")),
    Statement(A, "containers: FastAPI", {"deploy": "container"}, avoids="django"),
    Statement(A, "security paramount: Django", {"security": True}, picks("django")),
    Statement(A, "AI and data-driven: FastAPI or Flask", {"kind": "ml-serving"}, picks("fastapi")),
    Statement(A, "Django is overkill for small projects", {"scale": "small"}, avoids="django"),
    Statement(
        A,
        "Tornado: WebSockets, long-lived connections",
        {"kind": "realtime"},
        alternative="Tornado",
    ),
    Statement(
        A, "Bottle: simple small apps built quickly", {"kind": "prototype"}, alternative="Bottle"
    ),
    Statement(
        A,
        "Pyramid: flexible, starts small and grows",
        {"flexibility": True, "scale": "small"},
        alternative="Pyramid",
    ),
    # B: Django vs Flask vs FastAPI: Python's Web Framework Showdown
    Statement(B, "full web application: Django", {"kind": "web-app"}, picks("django")),
    Statement(B, "admin panels: Django", {"admin": True}, picks("django")),
    Statement(
        B, "complex models with relationships: Django", {"complex_data": True}, picks("django")
    ),
    Statement(B, "team already knows Django", {"team_knows": "django"}, picks("django")),
    Statement(B, "e-commerce: Django", {"kind": "ecommerce"}, picks("django")),
    Statement(B, "small-to-medium API: Flask", {"kind": "api"}, dispute=("APIs", "flask")),
    Statement(B, "prototype: Flask", {"kind": "prototype"}, picks("flask")),
    Statement(
        B, "full control over every dependency: Flask", {"flexibility": True}, picks("flask")
    ),
    Statement(B, "APIs for mobile or SPA front ends: FastAPI", {"kind": "api"}, picks("fastapi")),
    Statement(B, "performance: FastAPI", {"performance": True}, picks("fastapi")),
    Statement(B, "async and WebSockets: FastAPI", {"async": True}, picks("fastapi")),
    Statement(
        B,
        "microservices: Flask if the team knows it",
        {"kind": "microservice", "team_knows": "flask"},
        picks("flask"),
    ),
    Statement(
        B,
        "microservices: FastAPI for greenfield",
        {"kind": "microservice", "team_knows": "none"},
        picks("fastapi"),
    ),
    Statement(B, "ML model serving: FastAPI", {"kind": "ml-serving"}, picks("fastapi")),
    Statement(B, "learning: start with Flask", {"kind": "learning"}, picks("flask")),
    Statement(
        B,
        "async with Flask habits: Quart",
        {"async": True, "team_knows": "flask"},
        alternative="Quart",
    ),
    # C: Django vs Flask vs FastAPI: Choosing the Right Python Web Framework in 2025
    Statement(C, "CMS: Django", {"kind": "cms"}, picks("django")),
    Statement(C, "e-commerce: Django", {"kind": "ecommerce"}, picks("django")),
    Statement(C, "large teams, enterprise: Django", {"scale": "large"}, picks("django")),
    Statement(C, "complex data models: Django", {"complex_data": True}, picks("django")),
    Statement(C, "security a top priority: Django", {"security": True}, picks("django")),
    Statement(
        C,
        "monolith rather than microservices: Django",
        {"architecture": "monolith"},
        picks("django"),
    ),
    Statement(C, "small to medium applications: Flask", {"scale": "small"}, picks("flask")),
    Statement(C, "maximum flexibility: Flask", {"flexibility": True}, picks("flask")),
    Statement(C, "prototyping: Flask", {"kind": "prototype"}, picks("flask")),
    Statement(C, "new to web development: Flask", {"experience": "beginner"}, picks("flask")),
    Statement(
        C, "high-performance API: FastAPI", {"kind": "api", "performance": True}, picks("fastapi")
    ),
    Statement(C, "asynchronous processing: FastAPI", {"async": True}, picks("fastapi")),
    Statement(
        C,
        "microservices architecture: FastAPI",
        {"architecture": "microservices"},
        picks("fastapi"),
    ),
    Statement(
        C, "microservices: FastAPI", {"kind": "microservice"}, dispute=("microservices", "fastapi")
    ),
    Statement(C, "real-time, WebSockets: FastAPI", {"kind": "realtime"}, picks("fastapi")),
    Statement(
        C, "serverless: Flask is the traditional choice", {"deploy": "serverless"}, picks("flask")
    ),
    Statement(C, "serverless: Django is challenging", {"deploy": "serverless"}, avoids="django"),
    # D: Python MVF: Most Valubale Frameworks
    Statement(
        D, "Django not recommended for smaller projects", {"scale": "small"}, avoids="django"
    ),
    Statement(
        D, "Flask helps less experienced developers", {"experience": "beginner"}, picks("flask")
    ),
    Statement(D, "Flask has no CSRF protection", {"security": True}, avoids="flask"),
    Statement(D, "big projects that need to scale: Django", {"scale": "large"}, picks("django")),
    Statement(D, "smaller, lightweight services: Flask", {"scale": "small"}, picks("flask")),
    # The other four give small APIs to Flask: this one is FastAPI's side of that dispute.
    Statement(
        D,
        "smaller projects centred on APIs: FastAPI",
        {"kind": "api", "scale": "small"},
        dispute=("APIs", "fastapi"),
    ),
    Statement(
        D, "Flask sets up in minutes, Django in hours", {"kind": "prototype"}, avoids="django"
    ),
    Statement(
        D,
        "Flask services scale out better than monoliths",
        {"architecture": "microservices"},
        dispute=("microservices", "flask"),
    ),
    # E: Which Python Web Framework Should You Choose: Django, Flask, or FastAPI?
    Statement(
        E,
        "large, complex, content-heavy platforms: Django",
        {"kind": "cms", "scale": "large"},
        picks("django"),
    ),
    Statement(E, "prototypes: Flask", {"kind": "prototype"}, picks("flask")),
    Statement(E, "REST APIs: Flask", {"kind": "api"}, dispute=("APIs", "flask")),
    Statement(
        E, "high-performance APIs: FastAPI", {"kind": "api", "performance": True}, picks("fastapi")
    ),
    Statement(
        E, "real-time apps (chat, streaming, IoT): FastAPI", {"kind": "realtime"}, picks("fastapi")
    ),
    Statement(
        E, "rapid prototyping: FastAPI", {"kind": "prototype"}, dispute=("prototyping", "fastapi")
    ),
    Statement(E, "scalable systems: FastAPI", {"performance": True}, picks("fastapi")),
    Statement(E, "large, complex platforms: Django", {"scale": "large"}, picks("django")),
]


@pytest.mark.parametrize("statement", STATEMENTS, ids=str)
def test_article_statement(statement: Statement) -> None:
    rec = recommend(statement.answers)
    cited_for = {
        (reason.framework, reason.points > 0)
        for reason in rec.reasons
        if statement.article in reason.sources
    }
    if statement.picks:
        assert rec.framework in statement.picks, rec.scores
        assert (rec.framework, True) in cited_for, "the pick must cite this article"
    if statement.avoids:
        assert rec.framework != statement.avoids, rec.scores
        low = min(rec.scores.values())
        assert rec.scores[statement.avoids] == low or (statement.avoids, False) in cited_for
    if statement.dispute:
        topic, framework = statement.dispute
        found = {d.topic: d for d in rec.disagreements}
        assert topic in found, f"no disagreement on {topic}: {rec.disagreements}"
        sides = {side.framework: side.sources for side in found[topic].sides}
        assert len(sides) >= 2
        assert statement.article in sides[framework]
    if statement.alternative:
        named = {alt.name: alt for alt in rec.alternatives}
        assert statement.alternative in named
        assert statement.article in named[statement.alternative].sources


def test_every_article_is_behind_some_statement() -> None:
    assert {s.article for s in STATEMENTS} == {A, B, C, D, E}
