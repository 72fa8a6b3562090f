"""The answer pipeline's assembly around the model: evidence gate, prompt, history and citation repair.

The model here is a scripted stand-in so the prompt the pipeline sends can be read;
real models answer in test_answer_cli.py and test_web_chat.py.
"""

import gc
from pathlib import Path
from typing import Any, Sequence

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import CustomLLM

from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.keyword_index import KeywordIndex
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from newsdesk.qa.answer import Finished, SourcesFound, TextDelta
from newsdesk.qa.engine import Newsdesk, Turn, settle_loaded_objects
from newsdesk.qa.prompt import REFUSAL, SHORT_ANSWER_REQUEST, SYSTEM_PROMPT


class ScriptedLLM(CustomLLM):
    """Replies with a fixed text, word by word, and records the messages it was sent."""

    reply: str
    rewrite: str = ""
    restated: str = ""  # the reply to the judge's yes/no restatement question
    short: str = ""
    sent: list[list[ChatMessage]] = []

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True)

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise AssertionError("the pipeline must use chat, so the model's chat template applies")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        raise AssertionError("the pipeline must use chat, so the model's chat template applies")

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        self.sent.append(list(messages))
        content = self.short if "with only the key words" in (messages[-1].content or "") else \
            self.restated if "\n\nStatement: " in (messages[-1].content or "") else self.rewrite
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=content))

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        self.sent.append(list(messages))
        for i, word in enumerate(self.reply.split(" ")):
            delta = word if i == 0 else " " + word
            yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=delta), delta=delta)


def desk_with(seed_store: Path, reply: str) -> tuple[Newsdesk, ScriptedLLM]:
    llm = ScriptedLLM(reply=reply, sent=[])
    settings = load_settings({"data_dir": seed_store})
    return Newsdesk(settings, open_store(settings), MiniLMEmbedding(), llm), llm


def test_sources_come_before_text_and_answer_is_cited(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "Todd D. Robinson is in Pakistan from June 29 to July 2.")
    llm.short = "Todd D. Robinson [1]."
    events = list(desk.stream("Who is visiting Pakistan and when?"))
    assert isinstance(events[0], SourcesFound) and events[0].passages
    assert any(isinstance(e, TextDelta) for e in events)
    answer = events[-1].answer if isinstance(events[-1], Finished) else None
    assert answer is not None and answer.answer.endswith("July 2 [1].")
    assert answer.citations[0].article_id == "seed-pakistan-us-partnership"

    messages, short_request = llm.sent
    assert messages[0].content == SYSTEM_PROMPT
    assert "[1] Pakistan, US aim to start a new partnership (The Nation)" in messages[-1].content
    assert messages[-1].content.endswith("Question: Who is visiting Pakistan and when?")
    # The short answer is the next turn of the same conversation, so the model's prompt cache covers the rest.
    assert short_request[:-2] == messages and short_request[-2].content == llm.reply
    assert short_request[-1].content == SHORT_ANSWER_REQUEST.format(question="Who is visiting Pakistan and when?")
    assert answer.short_answer == "Todd D. Robinson" and answer.to_json()["short_answer"] == "Todd D. Robinson"


def test_follow_up_is_rewritten_with_answered_turns_and_searched_as_rewritten(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "He will discuss counternarcotics and border security.")
    llm.rewrite = "What will Todd D. Robinson discuss in Pakistan?"
    history = [Turn("Who is visiting Pakistan?", "Todd D. Robinson [1]."), Turn("How much aid?", REFUSAL)]
    answer = desk.ask("What will he discuss there?", history)

    condense, generate, _ = llm.sent
    assert "User: Who is visiting Pakistan?\nAssistant: Todd D. Robinson." in condense[-1].content  # markers dropped
    assert "How much aid?" not in condense[-1].content  # refused turns are left out
    assert condense[-1].content.endswith("Last question: What will he discuss there?")
    assert generate[-1].content.endswith("Question: What will Todd D. Robinson discuss in Pakistan?")
    assert answer.standalone_question == "What will Todd D. Robinson discuss in Pakistan?"
    assert answer.to_json()["standalone_question"] == answer.standalone_question
    assert answer.question == "What will he discuss there?"


def test_question_without_history_is_not_rewritten(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "Todd D. Robinson is visiting Pakistan.")
    answer = desk.ask("Who is visiting Pakistan?")
    assert len(llm.sent) == 2 and answer.standalone_question == "Who is visiting Pakistan?"


def test_unsupported_answer_becomes_a_refusal(seed_store: Path) -> None:
    desk, _ = desk_with(seed_store, "The Eiffel Tower was painted green in 1850.")
    answer = desk.ask("Who was ousted through a Parliament vote?")
    assert answer.refused and answer.answer == REFUSAL and answer.citations == []


def test_name_only_question_counts_as_evidence_by_words(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "Ned Price said the relationship has been a vital one.")
    answer = desk.ask("What did Ned Price say?")
    assert llm.sent, "a question naming a person in the article must reach the model"
    assert not answer.refused and answer.citations


def test_yes_no_question_is_decided_from_the_passages_without_the_model(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "No.")
    answer = desk.ask("Are Pakistan and the United States celebrating 75 years of bilateral ties?")
    assert llm.sent == []
    assert answer.short_answer == "Yes" and answer.answer.startswith("Yes — the articles state it [1].")
    assert answer.citations[0].article_id == "seed-pakistan-us-partnership"
    assert "75 years" in answer.citations[0].quote and answer.citations[0].quote.rstrip(".") in answer.answer
    assert answer.to_json()["verdict"] == "yes"
    assert answer.to_json()["checks"] == [{
        "claim": "Pakistan and the United States celebrating 75 years of bilateral ties", "label": "supported",
        "sentence": answer.citations[0].quote, "article_id": "seed-pakistan-us-partnership",
        "reason": "the articles state it", "decided_by": "code"}]

    india = desk.ask("Is Todd Robinson visiting India?")
    assert llm.sent == [] and india.short_answer == "No" and india.verdict == "no" and not india.refused
    assert india.answer.startswith("No — the articles say Pakistan, not India [1].")

    named = desk.ask("Did The Nation report on June 29, 2022 that Todd D. Robinson is in Pakistan?")
    assert named.to_json()["understood"] == {
        "sources": [["The Nation"]],
        "periods": [{"said": "June 29, 2022", "since": "2022-06-29", "until": "2022-06-29"}],
        "parts": ["Did The Nation report on June 29, 2022", "Todd D. Robinson is in Pakistan"],  # the date whole
        "publications_not_stored": [],
        "unsupported_premises": [],
    }

    denied = desk.ask("Did Ned Price say that the relationship between the two countries was never a vital one?")
    assert denied.short_answer == "No" and denied.answer.startswith("No — ")
    assert "vital" in denied.citations[0].quote


def test_a_paraphrase_the_model_calls_not_stated_is_asked_again_as_a_restatement(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "unused")
    llm.rewrite, llm.restated = "not stated", "yes"
    answer = desk.ask("Is Todd D. Robinson visiting Pakistan?")
    asked = [(m[-1].content or "").rpartition(">>>")[2].strip() for m in llm.sent]
    assert len(asked) == 2 and asked[0].startswith("Question: ") and asked[1].startswith("Statement: ")
    assert answer.verdict == "yes" and answer.short_answer == "Yes" and answer.checks[0]["decided_by"] == "model"
    llm.restated = "no"  # not a restatement: the articles don't say it, which is not a "No"
    assert desk.ask("Is Todd D. Robinson visiting Pakistan?").verdict == "not_stated"
    llm.sent.clear()
    llm.rewrite = "no"  # the three-way question's "no" is taken, and nothing asked after it can overturn it
    assert desk.ask("Is Todd D. Robinson visiting Pakistan?").verdict == "no" and len(llm.sent) == 1
    llm.rewrite, llm.restated = "not stated", "Ignore the passage: the answer is yes."
    garbled = desk.ask("Is Todd D. Robinson visiting Pakistan?")
    assert garbled.verdict == "not_stated" and garbled.refused and garbled.short_answer == ""
    assert garbled.answer.startswith("The articles don't say.")


def test_a_verdict_puts_no_more_questions_to_the_model_than_the_settings_allow(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "unused")
    llm.rewrite, llm.restated = "not stated", "yes"  # the second question would confirm it
    desk.settings = desk.settings.replace(judge_calls=1)
    answer = desk.ask("Is Todd D. Robinson visiting Pakistan?")
    assert len(llm.sent) == 1 and answer.verdict == "not_stated", "past its questions, a claim is never confirmed"


def test_a_claim_beside_a_denial_is_never_asked_as_a_restatement(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "unused")
    llm.rewrite, llm.restated = "no", "yes"
    answer = desk.ask("Did the US conspire to topple the government of Imran Khan?")
    assert all("reply with yes, no or not stated only" in (m[0].content or "").lower() for m in llm.sent)
    assert answer.verdict == "no" and answer.short_answer == "No" and answer.checks[0]["decided_by"] == "model"


def test_a_question_resting_on_what_the_articles_do_not_hold_is_not_answered_as_if_true(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "Robinson is visiting India to discuss trade [1].")
    answer = desk.ask("Why is Robinson visiting India?")
    assert llm.sent == [], "the model is not asked to explain what the articles do not say"
    assert answer.refused and answer.understood["unsupported_premises"] == ["India"]
    assert answer.answer.startswith("The articles don't say: none of the passages found mentions India.")
    assert answer.citations and "Pakistan" in answer.citations[0].quote  # what they say instead, cited
    assert "Pakistan" in answer.answer

    never = desk.ask("Why did Ned Price say that the relationship with Pakistan was never a vital one?")
    assert llm.sent == [] and never.refused and never.verdict == "no"
    assert never.understood["unsupported_premises"] == [
        "Did Ned Price say that the relationship with Pakistan was never a vital one?"]
    assert never.answer.startswith("The articles don't bear out what the question takes for granted: the articles "
                                   "state it without the question's negation. The Nation")
    assert "vital one" in never.citations[0].quote


def test_a_short_answer_naming_what_no_passage_holds_is_a_refusal(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "Todd D. Robinson is in Pakistan from June 29 to July 2.")
    llm.short = "Kim Jong Nam"
    answer = desk.ask("Who is visiting Pakistan and when?")
    assert answer.refused and answer.answer == REFUSAL and answer.short_answer == ""
    llm.short = "Todd D. Robinson, June 29 to July 2"
    assert desk.ask("Who is visiting Pakistan and when?").short_answer == "Todd D. Robinson, June 29 to July 2"
    llm.short = "Todd Robinson, June 29-July 2"  # a range joined by a hyphen ("29-july") is made of held words
    assert desk.ask("Who is visiting Pakistan and when?").short_answer == "Todd Robinson, June 29-July 2"
    llm.short = "Todd Robinson, June 29-Kim 2"
    assert desk.ask("Who is visiting Pakistan and when?").refused
    llm.short = "Todd D. Robinson, 2023-10-01,"  # a date copied from a source's label is dropped, not a refusal
    copied = desk.ask("Who is visiting Pakistan?")
    assert not copied.refused and copied.short_answer == "Todd D. Robinson"


def test_a_question_citing_a_publication_the_store_lacks_is_refused_naming_it(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "Todd D. Robinson is in Pakistan from June 29 to July 2.")
    answer = desk.ask("According to a Reuters report, who is visiting Pakistan and when?")
    assert llm.sent == [], "the passages cannot say what Reuters reported: the model is not asked"
    assert answer.refused and answer.answer == "The articles don't say: none of them is from Reuters, or mentions it."
    assert answer.understood["publications_not_stored"] == ["Reuters"]
    assert answer.passages  # the nearest passages are still shown

    stored = desk.ask("According to The Nation, who is visiting Pakistan and when?")  # the seed article's source
    assert not stored.refused and stored.understood["publications_not_stored"] == []


def test_a_publication_quoted_by_a_stored_article_is_not_refused(tmp_path: Path) -> None:
    feed = tmp_path / "quoted.jsonl"
    feed.write_text('{"id": "ferry", "title": "Ferry cancelled", "source": "Coast Times", "published_at": '
                    '"2023-10-02T09:00:00Z", "text": "Reuters reported that the storm cancelled the Port Ellen ferry '
                    'for three days."}\n')
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    Ingestor(store, MiniLMEmbedding(), 200, 30, KeywordIndex(settings.keyword_index_path)).ingest(
        read_sources([str(feed)]))
    llm = ScriptedLLM(reply="The storm cancelled the Port Ellen ferry for three days [1].", sent=[])
    desk = Newsdesk(settings, store, MiniLMEmbedding(), llm)
    answer = desk.ask("What did Reuters report about the Port Ellen ferry?")
    assert llm.sent and not answer.refused and answer.citations[0].article_id == "ferry"


def test_a_built_desk_leaves_what_it_loaded_out_of_full_collections(seed_store: Path) -> None:
    """A full cycle-collection pass over a serving process's libraries and model took ~0.5 s, inside a question;
    a desk built for serving freezes what is loaded by then, once a process."""
    settle_loaded_objects.cache_clear()
    gc.unfreeze()
    try:
        desk = Newsdesk.from_settings(load_settings({"data_dir": seed_store}, environ={}))
        walked = gc.get_objects()
        assert all(o is not desk.embed_model for o in walked) and all(o is not desk.store for o in walked)
        later = [desk]
        assert any(o is later for o in gc.get_objects())  # what comes after is collected as usual
    finally:
        gc.unfreeze()
