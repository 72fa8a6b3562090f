"""Generate the adversarial claims set: true claims, the same claims with one specific swapped, and false premises.

Each generated question comes from one article sentence (a MultiHop-RAG dev evidence fact, or a sentence of the
seed article) that holds a name, place, number or date:

- ``claim_true``: "Did {source} report that {sentence}?" (gold "Yes");
- ``claim_false``: the same with one specific swapped for another of the same kind found elsewhere in the corpus,
  which the sentence's own article does not hold (gold "No");
- ``false_premise``: "Why did {source} report that {swapped sentence}?" (gold: refused, "Insufficient information.").

Run in a checkout (it reads ``../shared/eval/multihop-rag`` beside it, and the sample article):

    python -m newsdesk.eval.make_claims [--seed 7] [--facts 110] [--out eval/sets/claims.jsonl]

The output is checked in. Questions read by hand and found bad are listed in ``DROPPED`` with the reason, and
left out; see eval/README.md for the hand check.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Iterator

from newsdesk.ingest.sources import read_sources
from newsdesk.articles import Article
from newsdesk.sentences import split_sentences
from newsdesk.qa.specifics import Kind, Specific, specifics_of
from newsdesk.samples import SEED_ARTICLE

REPO = Path(__file__).resolve().parents[1]
MULTIHOP = REPO.parent / "shared" / "eval" / "multihop-rag"
# A sentence that opens with one of these leans on the sentences before it ("This means…", "But he…").
_LEANING = {"this", "that", "these", "those", "it", "its", "but", "and", "so", "not", "although", "he", "she",
            "they", "his", "her", "their", "as", "at", "for", "in", "on", "while", "if", "when", "after", "with",
            "or", "we", "i", "you", "our", "here", "there", "now", "still", "even", "also", "then", "more", "one"}
_MONTHS = ("January February March April May June July August September October November December").split()
# Read by hand (see eval/README.md): ids of generated questions dropped, with why.
DROPPED: dict[str, str] = {
    "claim-022-false": "Premier League (a competition) swapped for Treylon Burks (a person)",
    "claim-022-premise": "Premier League (a competition) swapped for Treylon Burks (a person)",
    "claim-030-false": "Super Rugby (a competition) swapped for Reece James (a person)",
    "claim-030-premise": "Super Rugby (a competition) swapped for Reece James (a person)",
    "claim-031-false": "Jahmyr Gibbs (a person) swapped for Research Japan (not a name)",
    "claim-031-premise": "Jahmyr Gibbs (a person) swapped for Research Japan (not a name)",
    "claim-036-false": "Sam Bankman-Fried (a person) swapped for Western Bulldogs (a club)",
    "claim-036-premise": "Sam Bankman-Fried (a person) swapped for Western Bulldogs (a club)",
    "claim-041-false": "Premier League (a competition) swapped for Save Lucas (not a name)",
    "claim-041-premise": "Premier League (a competition) swapped for Save Lucas (not a name)",
    "claim-059-false": "'Because Flexport' is not a name",
    "claim-059-premise": "'Because Flexport' is not a name",
    "claim-085-false": "Manchester United (a club) swapped for Ian Foster (a person)",
    "claim-085-premise": "Manchester United (a club) swapped for Ian Foster (a person)",
    "claim-090-false": "Super Rugby (a competition) swapped for Sam Bankman-Fried (a person)",
    "claim-090-premise": "Super Rugby (a competition) swapped for Sam Bankman-Fried (a person)",
    "claim-098-false": "Manchester United (a club) swapped for Weird Barbie (a film character)",
    "claim-098-premise": "Manchester United (a club) swapped for Weird Barbie (a film character)",
    "claim-105-false": "Geno Smith (a person) swapped for Nintendo Switch (a product)",
    "claim-105-premise": "Geno Smith (a person) swapped for Nintendo Switch (a product)",
    "claim-114-false": "Cole Pennington (a person) swapped for Save Lucas (not a name)",
    "claim-114-premise": "Cole Pennington (a person) swapped for Save Lucas (not a name)",
    "claim-118-false": "Aston Villa (a club) swapped for Josh Dobbs (a person)",
    "claim-118-premise": "Aston Villa (a club) swapped for Josh Dobbs (a person)",
}


def _facts() -> Iterator[tuple[str, str, str]]:
    """(article id, source, sentence) for each MultiHop-RAG dev evidence fact, then each seed sentence."""
    articles = {json.loads(line)["url"]: json.loads(line) for line in (MULTIHOP / "articles.jsonl").open()}
    for line in (MULTIHOP / "questions.dev.jsonl").open():
        for evidence in json.loads(line)["evidence"]:
            article = articles.get(evidence["url"])
            if article:
                yield article["id"], article["source"], evidence["fact"]
    seed = _seed_article()
    for sentence in split_sentences(seed.text):
        yield seed.article_id, seed.source, sentence


def _seed_article() -> Article:
    return next(a for a in read_sources([str(SEED_ARTICLE)]) if isinstance(a, Article))


def _texts() -> dict[str, str]:
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in (MULTIHOP / "articles.jsonl").open()}
    seed = _seed_article()
    texts[seed.article_id] = seed.text
    return texts


def usable(sentence: str) -> bool:
    """A sentence that stands alone as a claim: 8-40 words, no quotation, not leaning on the one before."""
    words = sentence.split()
    return (8 <= len(words) <= 40 and sentence.endswith(".") and not re.search(r"[“”\"‘’']\s|\s[“”\"‘]|[“”\"]",
            sentence) and sentence[0].isupper() and words[0].lower().strip(",") not in _LEANING)


def _clause(sentence: str) -> str:
    """The sentence as the object of "report that …": its full stop gone, an opener that names nothing lowered."""
    body = sentence.rstrip(". ")
    named_first = any(body.startswith(s.text) for s in specifics_of(body))
    return body if named_first and not body.startswith(("The ", "A ", "An ")) else body[0].lower() + body[1:]


def _plain_name(name: str) -> bool:
    """A name of two or three plain capitalised words ("Steve Smith", "Arrowhead Stadium"): one that reads as
    well in another sentence, unlike "ESPN's Jeff Passan" or "Former Foreign Secretary Aizaz Chaudhary"."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(re.fullmatch(r"[A-Z][a-z]+(-[A-Z][a-z]+)?", w) for w in words) and \
        len(specifics_of(f"x {name}")[0].words) == len(words)


def _people(texts: dict[str, str]) -> set[str]:
    """Two-word names that their article later calls by the second word alone, as the subject of a verb
    ("Sam Bankman-Fried … Bankman-Fried said"): the way news refers to a person once named, and rarely to a
    league, a stadium or a street."""
    people: set[str] = set()
    for text in texts.values():
        for first, last in set(re.findall(r"\b([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b", text)):
            alone = rf"(?<!{first} )\b{re.escape(last)}(?:'s|’s)? (?:said|says|told|added|has|had|was|is|wrote)\b"
            if re.search(alone, text):
                people.add(f"{first} {last}")
    return people


def _person(name: str, people: set[str]) -> bool:
    return _plain_name(name) and name in people


def _pools(facts: list[tuple[str, str, str]], people: set[str]) -> dict[Kind, list[str]]:
    """Specifics to swap in, by kind; names only of people, so that a person is swapped for a person."""
    pools: dict[Kind, set[str]] = {kind: set() for kind in Kind}
    for _, source, sentence in facts:
        for s in specifics_of(sentence):
            if s.kind is Kind.NAME and not _person(s.text, people):
                continue
            pools[s.kind].add(s.text)
    return {kind: sorted(names) for kind, names in pools.items()}


def _swap(specific: Specific, pools: dict[Kind, list[str]], article_text: str, rng: random.Random) -> str | None:
    """Another specific of the same kind that the article does not hold anywhere."""
    text = article_text.lower()
    if specific.kind is Kind.NUMBER:
        digits = specific.words[0]
        if not re.fullmatch(r"\d+(\.\d+)?", digits) or not specific.text[:1].isdigit():
            return None  # spelt out ("Ten Hag" is a name) or part of a score or a ratio
        value = float(digits)
        for _ in range(20):
            factor = rng.choice([0.5, 0.6, 0.75, 1.25, 1.5, 2, 3])
            other = value * factor
            new = f"{other:.1f}" if "." in digits else str(max(2, round(other)))
            if new != digits and new not in text:
                return specific.text.replace(digits, new) if digits in specific.text else new
        return None
    if specific.kind is Kind.DATE:
        month = next((m for m in _MONTHS if specific.text.startswith(m[:3])), None)
        if month:
            others = [m for m in _MONTHS if m != month and m.lower() not in text]
            return re.sub(r"^[A-Z][a-z]+\.?", rng.choice(others), specific.text) if others else None
        if re.fullmatch(r"(19|20)\d\d", specific.text):
            year = str(int(specific.text) + rng.choice([-3, -2, -1, 1, 2]))
            return year if year not in text else None
        return None
    candidates = [p for p in pools[specific.kind] if p.lower() not in text
                  and not any(w in text for w in re.findall(r"\w+", p.lower()) if len(w) > 3)]
    return rng.choice(candidates) if candidates else None


def generate(seed: int, facts_wanted: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    facts = list(dict.fromkeys(_facts()))
    texts = _texts()
    people = _people(texts)
    pools = _pools(facts, people)
    usable_facts = [f for f in facts if usable(f[2])]
    seed_facts = [f for f in usable_facts if f[0].startswith("seed-")]
    multihop = [f for f in usable_facts if not f[0].startswith("seed-")]
    rng.shuffle(multihop)
    questions: list[dict[str, object]] = []
    for article_id, source, sentence in seed_facts + multihop:
        if len(questions) >= 3 * (facts_wanted + len(seed_facts)):
            break
        swappable = [s for s in specifics_of(sentence) if source.lower() not in s.text.lower()
                     and (s.kind is not Kind.NAME or _person(s.text, people))
                     and not re.search(rf"[/.]{re.escape(s.text)}|{re.escape(s.text)}/", sentence)]
        rng.shuffle(swappable)
        for specific in swappable:
            other = _swap(specific, pools, texts[article_id], rng)
            if other:
                break
        else:
            continue
        swapped = sentence.replace(specific.text, other, 1)
        if swapped == sentence:
            continue
        number = len(questions) // 3 + 1
        common = {"evidence_article_ids": [article_id], "evidence": [{"fact": sentence}],
                  "swapped": {"from": specific.text, "to": other, "kind": specific.kind.value}}
        questions += [
            {"id": f"claim-{number:03d}-true", "question": f"Did {source} report that {_clause(sentence)}?",
             "answer": "Yes", "question_type": "claim_true", "evidence_article_ids": [article_id],
             "evidence": [{"fact": sentence}]},
            {"id": f"claim-{number:03d}-false", "question": f"Did {source} report that {_clause(swapped)}?",
             "answer": "No", "question_type": "claim_false", **common},
            {"id": f"claim-{number:03d}-premise", "question": f"Why did {source} report that {_clause(swapped)}?",
             "answer": "Insufficient information.", "question_type": "false_premise", **common},
        ]
    return [q for q in questions if q["id"] not in DROPPED]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7, help="random seed of the shuffle and the swaps (default 7)")
    parser.add_argument("--facts", type=int, default=110, help="MultiHop-RAG facts to use (default 110)")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "sets" / "claims.jsonl")
    args = parser.parse_args()
    questions = generate(args.seed, args.facts)
    args.out.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    print(f"{len(questions)} questions written to {args.out}")


if __name__ == "__main__":
    main()
