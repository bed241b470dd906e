import pytest

from generator.errors import UsageError
from generator.naming import check_name, slugify


@pytest.mark.parametrize(
    ("name", "slug", "dist"),
    [
        ("shop", "shop", "shop"),
        ("my-shop", "my_shop", "my-shop"),
        ("My Shop 2", "my_shop_2", "my-shop-2"),
        ("notes_api", "notes_api", "notes-api"),
    ],
)
def test_valid_names(name: str, slug: str, dist: str) -> None:
    project = check_name(name)
    assert (project.name, project.slug, project.dist) == (name, slug, dist)


@pytest.mark.parametrize(
    ("name", "problem", "suggestion"),
    [
        ("class", "Python keyword", "class_project"),
        ("match", "Python keyword", "match_project"),
        ("json", "standard-library module", "json_project"),
        ("django", "clashes with a package", "django_project"),
        ("tests", "clashes with a package", "tests_project"),
        ("app", "clashes with a package", "app_project"),
        ("2fast", "start with a digit", "project_2fast"),
        ("bad/name", "use letters, digits", "bad_name"),
        ("", "use letters, digits", None),
        ("x" * 51, "at most 50", None),
    ],
)
def test_invalid_names_say_why_and_suggest_a_fix(
    name: str, problem: str, suggestion: str | None
) -> None:
    with pytest.raises(UsageError) as caught:
        check_name(name)
    message = str(caught.value)
    assert problem in message
    assert "\n" not in message
    if suggestion:
        assert f"try {suggestion!r}" in message
        check_name(suggestion)  # the suggestion itself is valid


def test_slugify() -> None:
    assert slugify("  Hello, World!  ") == "hello_world"
