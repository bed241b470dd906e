"""The recommender's behaviour beyond single statements: verdicts, contradictions, flips, the
evidence it shows, and the data file's own rules (quotes in the articles, no double counting)."""

from __future__ import annotations

import copy
import random
import tomllib
from importlib.resources import files
from itertools import combinations, product
from typing import Any

import articles
import pytest

from generator.knowledge import FRAMEWORKS, LABELS, KnowledgeError, Value, load, parse
from generator.recommender import (
    flips,
    provenance,
    recommend,
    resolve,
    unanswered,
    with_defaults,
)
from generator.report import recommendation_text


def raw_data() -> dict[str, Any]:
    text = files("generator").joinpath("data/recommender.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def answer_sets(size: int, count: int, seed: int = 7) -> list[dict[str, Value]]:
    """`count` random answer sets of `size` criteria (a fixed seed: the same sets every run)."""
    knowledge = load()
    names = list(knowledge.criteria)
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        chosen = rng.sample(names, size)
        found.append({n: rng.choice(knowledge.criteria[n].values()) for n in chosen})
    return found


# Verdicts ------------------------------------------------------------------------------------


def test_no_answers_is_no_recommendation_and_names_the_question_to_ask() -> None:
    rec = recommend({})
    assert rec.verdict == "unanswered"
    assert rec.scores == dict.fromkeys(FRAMEWORKS, 0)
    data = rec.to_dict()
    assert data["framework"] is None and data["runner_up"] is None
    assert rec.headline() == "No recommendation: no question was answered."
    assert rec.question is not None and rec.question.criterion == "kind"
    text = recommendation_text(rec, flips({}))
    assert "Recommended" not in text and "What would change" not in text


def test_answers_that_favour_nobody_are_no_clear_winner() -> None:
    every_no = {n: False for n, c in load().criteria.items() if c.type == "bool"}
    rec = recommend(every_no)
    assert rec.verdict == "close" and rec.margin == 0
    assert rec.headline().startswith("No clear winner: Django, FastAPI and Flask tie on 0 points")
    assert "Recommended" not in recommendation_text(rec, flips(every_no))


def test_a_margin_below_the_data_files_threshold_is_a_close_call() -> None:
    rec = recommend({"kind": "api"})
    assert rec.margin == 1 and rec.threshold == load().close_call_margin == 2
    assert rec.verdict == "close"
    assert rec.headline() == (
        "No clear winner: FastAPI leads Flask by 1 point; a clear pick needs 2."
    )
    data = raw_data()
    data["verdict"]["close_call_margin"] = 1
    assert recommend({"kind": "api"}, parse(data)).verdict == "clear"


def test_a_close_call_names_the_question_that_settles_it_and_what_each_answer_leads_to() -> None:
    for answers in answer_sets(2, 300):
        rec = recommend(answers)
        if rec.verdict == "clear":
            assert rec.question is None
            continue
        if rec.question is None:
            continue
        assert rec.question.criterion in unanswered(answers, load())
        assert any(o.framework for o in rec.question.outcomes)
        for outcome in rec.question.outcomes:
            after = recommend({**answers, rec.question.criterion: outcome.value})
            assert not after.contradictions
            if outcome.framework:
                assert (after.verdict, after.framework) == ("clear", outcome.framework)
            else:
                assert after.verdict == "close"


def test_a_tie_goes_to_the_framework_the_team_knows() -> None:
    knowledge = load()
    for kind in knowledge.criteria["kind"].choices:
        for team in FRAMEWORKS:
            rec = recommend({"kind": kind, "team_knows": team})
            top = sorted(rec.scores.values(), reverse=True)
            if top[0] == top[1] and rec.scores[team] == top[0]:
                assert rec.framework == team
                assert rec.tie_break and "already knows" in rec.tie_break
                return
    pytest.fail("the data has no tie involving the known framework to check")


def test_ties_are_deterministic() -> None:
    answers = {"deploy": "container"}
    assert {recommend(answers).framework for _ in range(20)} == {recommend(answers).framework}


# One definition of unanswered ----------------------------------------------------------------


def test_implied_answers_settle_questions_but_score_nothing() -> None:
    _resolved, implied = resolve({"kind": "learning"}, load())
    assert implied == {"experience": "beginner", "scale": "small"}
    rec = recommend({"kind": "learning"})
    assert [e.rule for e in rec.evidence] == ["kind-learning"]
    assert rec.scores == {"django": 0, "flask": 3, "fastapi": 0}
    assert rec.implied == implied
    assert provenance({"kind": "learning"})["experience"] == "implied"


def test_defaults_shape_the_starter_and_score_nothing() -> None:
    filled = with_defaults({"kind": "api"})
    assert set(filled) == set(load().criteria) and filled["kind"] == "api"
    assert recommend({"kind": "api"}).scores == recommend({"kind": "api"}, load()).scores
    assert not any("monolith" in e.rule for e in recommend({"kind": "api"}).evidence)


def test_implications_fill_unanswered_criteria_only() -> None:
    resolved, implied = resolve({"kind": "cms"}, load())
    assert resolved["admin"] is True and implied == {"admin": True}
    resolved, implied = resolve({"kind": "cms", "admin": False}, load())
    assert resolved["admin"] is False and implied == {}


# Contradictions ------------------------------------------------------------------------------


def test_contradictions_are_reported_with_where_each_answer_points() -> None:
    rec = recommend({"kind": "learning", "experience": "experienced", "scale": "large"})
    found = {tuple(sorted(p.criterion for p in c.pulls)): c for c in rec.contradictions}
    assert set(found) == {("experience", "kind"), ("kind", "scale")}
    pulls = {p.criterion: p for p in found[("experience", "kind")].pulls}
    assert pulls["kind"].frameworks == ("flask",)
    assert set(pulls["experience"].frameworks) == {"django", "fastapi"}
    assert all(p.sources for p in pulls.values())
    text = recommendation_text(rec, [])
    assert "--kind learning and --experience experienced contradict each other" in text
    assert "--experience experienced alone points to Django or FastAPI [" in text

    rec = recommend({"kind": "microservice", "architecture": "monolith"})
    assert [c.summary() for c in rec.contradictions] == [
        "--kind microservice and --architecture monolith contradict each other: one small "
        "service among many is not a single application."
    ]


def test_every_declared_conflict_is_detected_and_only_those() -> None:
    knowledge = load()
    for conflict in knowledge.conflicts:
        answers = {name: values[0] for name, values in conflict.when.requires.items()}
        assert recommend(answers).contradictions
    for answers in answer_sets(3, 300):
        declared = any(c.when.matches(answers) for c in knowledge.conflicts)
        assert bool(recommend(answers).contradictions) == declared


# Flips ---------------------------------------------------------------------------------------


def test_flips_are_real_and_never_repeat_or_contradict_an_answer() -> None:
    knowledge = load()
    checked = 0
    for answers in [*answer_sets(2, 150), {"kind": "realtime"}, {"kind": "api"}]:
        resolved, _ = resolve(answers, knowledge)
        base = recommend(answers)
        for flip in flips(answers):
            assert resolved.get(flip.criterion) != flip.value, (answers, flip)
            after = recommend({**answers, flip.criterion: flip.value})
            assert after.verdict == "clear" and after.framework == flip.framework
            assert after.framework != base.framework
            assert len(after.contradictions) <= len(base.contradictions), (answers, flip)
            checked += 1
    assert checked > 100
    assert ("async", False) not in {(f.criterion, f.value) for f in flips({"kind": "realtime"})}


# Evidence ------------------------------------------------------------------------------------


def test_every_fired_rule_is_shown_once_where_it_belongs() -> None:
    for answers in answer_sets(3, 300):
        rec = recommend(answers)
        sections = rec.sections()
        shown = [*sections.deciding, *sections.against, *sections.even, *sections.others]
        assert sorted(e.rule for e in shown) == sorted(e.rule for e in rec.evidence)
        pick, second = rec.framework, rec.runner_up
        assert all(e.net(pick, second) > 0 for e in sections.deciding)
        assert all(e.net(pick, second) < 0 for e in sections.against)
        assert all(e.net(pick, second) == 0 for e in sections.even)
        text = recommendation_text(rec, [])
        for evidence in rec.evidence:
            assert text.count(evidence.text) == 1, (answers, evidence.rule)


def test_the_team_framework_and_the_runner_ups_strengths_are_shown_when_they_lose() -> None:
    rec = recommend({"kind": "cms", "team_knows": "flask"})
    assert rec.framework == "django"
    text = recommendation_text(rec, [])
    assert "The team already knows Flask" in text
    rec = recommend({"kind": "api", "async": True})
    assert rec.runner_up == "flask"
    assert "What favours Flask instead:" in recommendation_text(rec, [])


def test_reasons_helping_both_finalists_equally_are_not_deciding() -> None:
    rec = recommend({"deploy": "container", "kind": "realtime"})
    sections = rec.sections()
    assert rec.framework == "fastapi"
    if rec.runner_up == "flask":
        assert "deploy-container" in {e.rule for e in sections.even}
    assert "deploy-container" not in {e.rule for e in sections.deciding}


def test_json_shape_matches_the_contract() -> None:
    data = recommend({"kind": "microservice"}).to_dict()
    assert {"framework", "runner_up", "scores", "reasons", "alternatives"} <= set(data)
    assert set(data["scores"]) == set(FRAMEWORKS)
    for reason in data["reasons"]:
        assert {"framework", "text", "sources"} <= set(reason)
        assert reason["sources"]
    assert data["disagreements"][0]["topic"] == "microservices"
    assert data["verdict"] == "close" and data["question"]["criterion"]


def test_the_chart_puts_the_leader_first_and_counts_one_point_as_one() -> None:
    knowledge = load()
    ties = 0
    for kind, team in product(knowledge.criteria["kind"].choices, FRAMEWORKS):
        rec = recommend({"kind": kind, "team_knows": team})
        lines = recommendation_text(rec, []).splitlines()
        chart = [line.split()[0] for line in lines[2:5]]
        assert chart[:2] == [LABELS[rec.framework], LABELS[rec.runner_up]], (kind, team)
        ties += bool(rec.tie_break)
    assert ties
    answers = [(n, v) for n, c in knowledge.criteria.items() for v in c.values()]
    for (a, x), (b, y) in combinations(answers, 2):
        rec = recommend({a: x, b: y})
        if a != b and rec.margin == 1:
            assert "by 1 point;" in rec.headline()
            return
    pytest.fail("the data has no one-point lead to check")


# The data file -------------------------------------------------------------------------------


def test_every_rule_can_fire() -> None:
    knowledge = load()
    for rule in knowledge.rules:
        answers = {name: values[0] for name, values in rule.when.requires.items()}
        assert rule.id in {e.rule for e in recommend(answers, knowledge).evidence}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["rules"][0]["cites"].append({"article": "nobody", "quote": "x"}), "unknown"),
        (lambda d: d["rules"][0]["cites"].append({"article": "sme", "quote": " "}), "quote"),
        (lambda d: d["rules"][0].update(cites=[]), "cites no article"),
        (lambda d: d["rules"][0].update(when={"colour": "blue"}), "unknown criterion"),
        (lambda d: d["rules"][0].update(when={"kind": "spaceship"}), "has no value"),
        (lambda d: d["rules"][0].update(scores={"rails": 3}), "scores must name"),
        (lambda d: d["rules"].append(dict(d["rules"][0])), "duplicate id"),
        (lambda d: d["criteria"]["kind"].update(default="spaceship"), "default"),
        (lambda d: d["conflicts"][0].update(when={"kind": "api"}), "two criteria"),
        (lambda d: d["verdict"].update(close_call_margin=0), "close_call_margin"),
        (lambda d: d["verdict"].update(last_resort=["django"]), "last_resort"),
    ],
)
def test_inconsistent_data_is_refused(mutate: Any, message: str) -> None:
    data = copy.deepcopy(raw_data())
    mutate(data)
    with pytest.raises(KnowledgeError, match=message):
        parse(data)


def test_every_quote_is_in_its_article() -> None:
    knowledge = load()
    cited = [*knowledge.rules, *knowledge.alternatives, *knowledge.notes]
    for item in cited:
        for citation in item.cites:
            quote = articles.normalise(citation.quote)
            assert len(quote) <= 200, f"quote too long to be a quote: {quote!r}"
            assert quote in articles.normalise(articles.texts()[citation.article]), quote


def test_no_article_sentence_counts_twice_for_one_framework() -> None:
    """Rules that can fire together never draw one framework's points from one sentence."""

    def compatible(a: Any, b: Any) -> bool:
        shared = set(a.when.requires) & set(b.when.requires)
        return all(set(a.when.requires[n]) & set(b.when.requires[n]) for n in shared)

    def backing(rule: Any, framework: str) -> set[tuple[str, int]]:
        if not rule.scores.get(framework):
            return set()
        return {
            (c.article, index)
            for c in rule.cites
            for index in articles.sentences_of(c.article, c.quote)
        }

    rules = load().rules
    for a, b in combinations(rules, 2):
        if not compatible(a, b):
            continue
        for framework in FRAMEWORKS:
            twice = backing(a, framework) & backing(b, framework)
            assert not twice, f"{a.id} and {b.id} both count for {framework}: {twice}"


def test_sources_are_listed_with_title_and_publisher() -> None:
    text = recommendation_text(recommend({"kind": "cms"}), [])
    for article in load().articles:
        if article.title in text:
            assert f"{article.title} ({article.publisher})" in text


def test_rule_reasons_are_our_own_words() -> None:
    """No reason copies a sentence fragment of eight words or more from the articles."""
    corpus = articles.normalise(" ".join(articles.texts().values())).lower()
    for rule in load().rules:
        words = rule.reason.lower().rstrip(".").split()
        for i in range(len(words) - 7):
            fragment = " ".join(words[i : i + 8])
            assert fragment not in corpus, f"{rule.id} copies: {fragment!r}"


def test_article_titles_are_quoted_exactly() -> None:
    assert set(articles.texts()) == {a.title for a in load().articles}
