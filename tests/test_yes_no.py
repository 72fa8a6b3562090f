"""Yes/no verdicts decided in code, claim by claim, on hand-made passages: splitting the question, the specifics
(names, places, numbers, dates) checked against the sentences, polarity, date order, and where the model is asked."""

from __future__ import annotations

import os

from llama_index.core.base.llms.types import MessageRole

from newsdesk.articles import Chunk
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.qa.answer import Passage
from newsdesk.qa.judge import Label, judge as ask_model, limited
from newsdesk.qa.lexical import negated
from newsdesk.qa.premises import unsupported_premises
from newsdesk.qa.specifics import Holder, Kind, held, specifics_of
from newsdesk.qa.yes_no import claims_of, decide, explain, is_yes_no, presupposed, reported
from tests.test_engine import ScriptedLLM

EMBED = MiniLMEmbedding().get_text_embedding_batch


def passage(n: int, text: str, source: str, published_at: str, ts: int) -> Passage:
    chunk = Chunk(f"a{n}", 0, text, f"Report {n}", source, published_at, "", published_ts=ts)
    return Passage(n, chunk, 0.5)


SEED = passage(
    1,
    "Pakistan and the United States are aiming to start a new partnership as they celebrate 75 years of bilateral "
    "ties. US Secretary Todd D. Robinson is already in Pakistan after some warm meetings. While in Pakistan from "
    "June 29 to July 2, Robinson will meet with senior government officials. The ties touched a new low after Imran "
    "Khan accused the US of conspiring to topple his government. The US government has denied the allegations.",
    "The Nation", "2022-06-30T00:00:00+00:00", 1656547200,
)


class RecordingJudge:
    """Stands in for the model where code cannot decide: records what it was asked, answers a fixed label."""

    def __init__(self, label: Label) -> None:
        self.label = label
        self.asked: list[tuple[str, str]] = []
        self.three_way: list[bool] = []

    def __call__(self, question: str, text: str, three_way: bool) -> Label:
        self.asked.append((question, text))
        self.three_way.append(three_way)
        return self.label


def assert_no_in_code(question: str, found: Passage, reason: str) -> None:
    """Code answers "No" with ``reason`` over ``found``, whatever the model would say: it is never asked."""
    fooled = RecordingJudge(Label.SUPPORTED)
    verdict = decide(question, [found], EMBED, fooled)
    assert verdict.label is Label.CONTRADICTED and verdict.reason == reason, (question, verdict)
    assert fooled.asked == [], question


def test_claims_split_at_connectives_and_order_words() -> None:
    assert claims_of("Does The Verge suggest that prices rose, while TechCrunch reports that sales fell?") == [
        "The Verge suggest that prices rose", "TechCrunch reports that sales fell"]
    assert claims_of("Did Fortune report the merger before The Age reported the layoffs?") == [
        "Fortune report the merger", "The Age reported the layoffs"]
    assert claims_of("Is it raining?") == ["it raining"]
    assert claims_of("After Fortune reported the bank merger, did The Age report the layoffs?") == [
        "Fortune reported the bank merger", "The Age report the layoffs"]
    assert is_yes_no("Was there a change?") and not is_yes_no("Who was there?")
    assert is_yes_no("Between the Verge report on May 1 and the Fortune one, was there a change in tone?")
    assert not is_yes_no("Does the article say it rose, or does it say it fell?")  # a choice, not yes/no
    assert not is_yes_no("Was the coverage consistent or inconsistent?")
    assert negated("did the club fail to report") and negated("there was no change")
    assert not negated("the club reported a change")


def test_the_model_is_asked_about_what_was_reported_not_who_reported_it() -> None:
    assert reported("the article from The Age suggest that prices have risen") == "prices have risen"
    assert reported("the TechCrunch article mention Michael Lewis being present") == "Michael Lewis being present"
    assert reported("The Nation report that Robinson is in Pakistan") == "Robinson is in Pakistan"
    assert reported("The Guardian article implies that Snapchat carries risks") == "Snapchat carries risks"
    assert reported("the article from Fortune said that prices rose") == "prices rose"
    assert reported("the TechCrunch report on the trial published on October 1") == \
        "the TechCrunch report on the trial published on October 1"  # a report named, not a frame
    assert reported("Todd Robinson visiting India") == "Todd Robinson visiting India"
    assert presupposed("Why is Robinson visiting India?") == "Is Robinson visiting India?"
    assert presupposed("Who is visiting Pakistan?") is None


def test_specifics_have_kinds_and_short_forms_match() -> None:
    found = {(s.text, s.kind) for s in specifics_of("Is President Joe Biden visiting India with 300 staff on June 29?")}
    assert found == {("President Joe Biden", Kind.NAME), ("India", Kind.PLACE), ("300", Kind.NUMBER),
                     ("June 29", Kind.DATE)}
    assert [s.words for s in specifics_of("Did seven people attend?")] == [("7",)]
    assert [s.words for s in specifics_of("Was it on Oct. 10, 2023, in May, or May I ask?")] == \
        [("oct", "10", "2023"), ("may",)]
    text = Holder.of("The United States said Biden met the Federal Trade Commission (the agency) on Monday.")
    for name, expected in [("US", True), ("Joe Biden", False), ("Biden", True), ("FTC", True), ("India", False)]:
        (specific,) = specifics_of(f"x {name}")
        assert held(specific, text) is expected, name
    # a name's last word near the claim and its other words elsewhere in the passage: "Robinson" after "Todd D."
    (todd,) = specifics_of("x Todd Robinson")
    assert held(todd, Holder.of("Robinson will meet officials."), Holder.of("Todd D. Robinson arrived."))
    assert not held(todd, Holder.of("Robinson will meet officials."), Holder.of("Robinson arrived."))
    # an organisation's name without its designator, as news writes it after the first mention
    (alameda,) = specifics_of("x Alameda Research")
    assert held(alameda, Holder.of("Alameda acted legally as an FTX customer."))
    (delta,) = specifics_of("x Delta Airlines")
    assert held(delta, Holder.of("Delta said it would add flights."))  # a plural designator, stemmed like the name
    (altman,) = specifics_of("x Sam Altman")
    assert not held(altman, Holder.of("Sam Bankman-Fried acted legally."))  # a person's first name is not enough
    assert negated("The ISA didn’t allow Apple to offer a choice")  # the apostrophe news sites set
    # a timestamp pasted from a feed is one date, held by an article published that day
    (stamp,) = specifics_of("the cases (published at '2023-10-04T20:07:42+00:00')")
    assert stamp.kind is Kind.DATE and held(stamp, Holder.of("October 4, 2023"))


def test_a_place_in_another_role_is_no_contradiction() -> None:
    rugby = passage(1, "The most likely outcome is that Fiji wins easily and the Wallabies will be planning their "
                       "holidays.", "Wide World Of Sports", "2023-10-07T00:00:00+00:00", 1696636800)
    verdict = decide("Does the Wide World Of Sports article say the Wallabies' fate depends on other teams, with "
                     "England defeating specific teams?", [rugby], EMBED, RecordingJudge(Label.NOT_STATED))
    assert verdict.label is Label.NOT_STATED, "Fiji winning a match does not stand where England defeats teams"


def test_a_swapped_place_number_or_date_is_no_naming_what_the_articles_say() -> None:
    judge = RecordingJudge(Label.SUPPORTED)
    india = decide("Is Todd Robinson visiting India?", [SEED], EMBED, judge)
    assert india.label is Label.CONTRADICTED and india.reason == "the articles say Pakistan, not India"
    years = decide("Are Pakistan and the United States celebrating 50 years of ties?", [SEED], EMBED, judge)
    assert years.label is Label.CONTRADICTED and years.reason == "the articles say 75, not 50"
    august = decide("Is Robinson in Pakistan from August 3 to August 9?", [SEED], EMBED, judge)
    assert august.label is Label.CONTRADICTED and "not August 3" in august.reason
    assert judge.asked == [], "what code can see is not asked of the model"
    gaza = passage(2, "Israel stopped allowing deliveries of food, fuel and other supplies to Gaza’s 2.3 million "
                      "residents on Oct. 10, 2023, and is reportedly preparing for a ground invasion.", "Fortune",
                   "2023-10-13T00:00:00+00:00", 1697155200)
    may = decide("Did Fortune report that Israel stopped allowing deliveries of food, fuel and other supplies to "
                 "Gaza’s 2.3 million residents on May. 10, 2023?", [gaza], EMBED, judge)
    assert may.label is Label.CONTRADICTED and may.reason == "the articles say Oct. 10, 2023, not May. 10, 2023"
    october = decide("Did Israel stop deliveries of food, fuel and other supplies to Gaza on October 10, 2023?",
                     [gaza], EMBED, judge)
    assert october.label is Label.SUPPORTED, "'Oct.' and 'October' are one month"
    # When a report came out is no date of what it reports: "published on December 6, 2023", or "in Business World
    # on November 5, 2023" (an outlet of the passages), is not contradicted by a date in a sentence.
    stadium = passage(3, "Sept. 24: Kelce and Swift leave stadium together.", "CBSSports.com",
                      "2023-10-12T00:00:00+00:00", 1697068800)
    assert decide("Did the report published on December 6, 2023, say that Kelce and Swift left the stadium together?",
                  [stadium], EMBED, judge).label is not Label.CONTRADICTED
    debt = passage(4, "“We worry about our debt-to-GDP ratio in the Philippines, as it stands at about 63%,” President "
                      "Ferdinand Marcos, Jr. told members of the US-ASEAN Business Council (ABS-CBN, Aug. 9, 2023).",
                   "Business World", "2023-10-08T00:00:00+00:00", 1696723200)
    assert decide("Did President Ferdinand Marcos, Jr. worry about the Philippines' debt-to-GDP ratio in Business "
                  "World on November 5, 2023?", [debt], EMBED, judge).label is not Label.CONTRADICTED
    said_on = decide("Did President Ferdinand Marcos, Jr. say on November 5, 2023 that he worries about the "
                     "Philippines' debt-to-GDP ratio?", [debt], EMBED, judge)
    assert said_on.label is Label.CONTRADICTED and said_on.reason == "the articles say Aug. 9, 2023, not November 5, 2023"

    # A date the claim itself names is not another in place of its other date (two games, two dates) …
    lions = passage(5, "Detroit Lions at Green Bay Packers Date: Thursday, September 28.", "Sporting News",
                    "2023-09-28T00:00:00+00:00", 1695859200)
    assert decide("Did the broadcaster change between the game featuring the Detroit Lions and Green Bay Packers on "
                  "September 28, 2023, and the game featuring the Chicago Bears on November 9, 2023?", [lions],
                  EMBED, judge).label is not Label.CONTRADICTED
    # … nor is the day an article of the outlet the claim names came out: "reported on …, and again on …".
    trial = passage(6, "When Google’s search head testified in court on October 28, he revealed that the tech giant "
                       "had paid $26.3 billion in 2021 to be the default search engine.", "TechCrunch",
                    "2023-10-31T00:00:00+00:00", 1698710400)
    suit = passage(7, "A news publisher filed a class action antitrust suit against Google.", "TechCrunch",
                   "2023-12-15T00:00:00+00:00", 1702598400)
    again = decide("Did TechCrunch report on October 31, 2023, that Google paid billions to be the default search "
                   "engine, and again on December 15, 2023, that it harms news publishers?", [trial, suit], EMBED,
                   judge)
    assert again.reason != "the articles say October 28, not December 15, 2023"

    text, citations = explain(india)
    assert text.startswith("No — the articles say Pakistan, not India [1]. The Nation, 2022-06-30: “US Secretary")
    assert citations[0].article_id == "a1" and "Pakistan" in citations[0].quote


def test_a_name_no_passage_holds_is_not_stated_unless_the_model_finds_a_contradiction() -> None:
    judge = RecordingJudge(Label.SUPPORTED)
    verdict = decide("Did Angela Merkel meet Robinson in Pakistan?", [SEED], EMBED, judge)
    assert judge.asked, "another name in the sentence may hold another role: the model is asked"
    assert verdict.label is Label.NOT_STATED and "Angela Merkel" in verdict.reason  # its "yes" confirms nothing
    text, _ = explain(verdict)
    assert text.startswith("The articles don't say.")
    contradicted = decide("Did Angela Merkel meet Robinson in Pakistan?", [SEED], EMBED,
                          RecordingJudge(Label.CONTRADICTED))
    assert contradicted.label is Label.CONTRADICTED and contradicted.checks[0].decided_by == "model"
    assert "not Angela Merkel" in contradicted.reason
    alone = decide("Did Angela Merkel visit Beijing?", [SEED], EMBED, judge)
    assert alone.label is Label.NOT_STATED and alone.checks[0].sentence == ""  # nothing to quote about it


def test_a_claim_the_sentence_states_is_yes_in_code_and_a_paraphrase_goes_to_the_model() -> None:
    judge = RecordingJudge(Label.NOT_STATED)
    stated = decide("Are Pakistan and the United States celebrating 75 years of bilateral ties?", [SEED], EMBED, judge)
    assert stated.label is Label.SUPPORTED and stated.checks[0].decided_by == "code" and judge.asked == []

    paraphrase = decide("Is Todd D. Robinson visiting Pakistan?", [SEED], EMBED, judge)
    assert judge.asked and judge.asked[0][0] == "Is Todd D. Robinson visiting Pakistan?"
    assert judge.three_way[:2] == [True, False]  # "not stated", nothing disputes it: is it restated?
    assert "Robinson" in judge.asked[0][1] and "The Nation" in judge.asked[0][1]  # the sentence and its article
    assert paraphrase.label is Label.NOT_STATED  # the model's "not stated" stands: never a Yes by default
    assert decide("Is Todd D. Robinson visiting Pakistan?", [SEED], EMBED, RecordingJudge(Label.SUPPORTED)).label \
        is Label.SUPPORTED
    assert decide("Is Todd D. Robinson visiting Pakistan?", [SEED], EMBED, None).label is Label.NOT_STATED


def test_a_sentence_lacking_one_word_of_the_claim_is_no_yes_in_code() -> None:
    """The word the sentence lacks may be what the claim asserts: "refuse" against "look forward to continuing"."""
    work = passage(1, "US State Department spokesperson Ned Price said the relationship was a vital one. “We look "
                      "forward to continuing that work with Pakistan’s government to promote peace and "
                      "prosperity in Pakistan and the broader region,” he said.", "The Nation",
                   "2022-06-30T00:00:00+00:00", 1656547200)
    judge = RecordingJudge(Label.NOT_STATED)
    verdict = decide("Did the US refuse to continue working with Pakistan's government?", [work], EMBED, judge)
    assert verdict.label is Label.NOT_STATED and judge.asked  # for the model to read, not for code to confirm
    assert decide("Does the US look forward to continuing work with Pakistan's government?", [work], EMBED,
                  RecordingJudge(Label.NOT_STATED)).label is Label.SUPPORTED


def test_a_claim_contradicted_in_code_answers_no_without_asking_the_model_about_the_others() -> None:
    question = "Is Todd D. Robinson visiting Pakistan, while the United States celebrates 50 years of ties?"
    assert claims_of(question) == ["Todd D. Robinson visiting Pakistan", "the United States celebrates 50 years of ties"]
    judge = RecordingJudge(Label.SUPPORTED)
    verdict = decide(question, [SEED], EMBED, judge)
    assert verdict.label is Label.CONTRADICTED and verdict.reason == "the articles say 75, not 50"
    assert judge.asked == [], "the first claim needs the model, but the second already makes the answer No"
    assert [c.claim for c in verdict.checks] == ["the United States celebrates 50 years of ties"]

    first_wrong = "Is Todd D. Robinson visiting Pakistan, while the US denied the allegations?"
    said_no = RecordingJudge(Label.CONTRADICTED)
    verdict = decide(first_wrong, [SEED], EMBED, said_no)
    assert verdict.label is Label.CONTRADICTED and [c.claim for c in verdict.checks] == ["Todd D. Robinson visiting Pakistan"]
    assert [q for q, _ in said_no.asked] == ["Is it true that Todd D. Robinson visiting Pakistan?"], \
        "the model said No to the first claim: the second is not asked about"


def test_once_a_claim_is_not_stated_the_others_are_asked_only_whether_contradicted() -> None:
    question = "Is Todd D. Robinson visiting Pakistan, while Robinson is touring Pakistan?"
    judge = RecordingJudge(Label.NOT_STATED)
    assert decide(question, [SEED], EMBED, judge).label is Label.NOT_STATED
    asked = [(q, three_way) for (q, _), three_way in zip(judge.asked, judge.three_way)]
    first = [three_way for q, three_way in asked if "visiting" in q]
    later = [three_way for q, three_way in asked if "touring" in q]
    assert False in first, "the first claim may still be restated"
    assert later and all(later), "no restatement can make the answer Yes any more: only a No is looked for"
    def second_contradicted(q: str, text: str, three_way: bool) -> Label:
        return Label.CONTRADICTED if "touring" in q else Label.NOT_STATED

    assert decide(question, [SEED], EMBED, second_contradicted).label is Label.CONTRADICTED


def test_a_limited_judge_answers_not_stated_past_its_questions_without_asking() -> None:
    question = "Is Todd D. Robinson visiting Pakistan, while Robinson is touring Pakistan?"
    every = RecordingJudge(Label.NOT_STATED)
    decide(question, [SEED], EMBED, every)
    two = RecordingJudge(Label.NOT_STATED)
    decide(question, [SEED], EMBED, limited(two, 2))
    assert len(every.asked) > 2 and two.asked == every.asked[:2]
    willing = RecordingJudge(Label.SUPPORTED)
    assert decide("Is Todd D. Robinson visiting Pakistan?", [SEED], EMBED, limited(willing, 0)).label \
        is Label.NOT_STATED and willing.asked == []


def test_a_denial_beside_the_sentence_sends_the_claim_to_the_model() -> None:
    judge = RecordingJudge(Label.CONTRADICTED)
    verdict = decide("Did the US conspire to topple the government of Imran Khan?", [SEED], EMBED, judge)
    assert judge.asked and judge.three_way == [True], "the next sentence denies it: words alone must not confirm"
    assert verdict.label is Label.CONTRADICTED and verdict.checks[0].decided_by == "model"


def test_negated_claim_against_a_plain_statement_is_no_and_order_is_checked_by_dates() -> None:
    merger = passage(1, "Fortune said the two banks agreed to merge in a deal worth $2 billion.", "Fortune",
                     "2023-10-01T00:00:00+00:00", 1696118400)
    layoffs = passage(2, "The Age reported that the bank will lay off 300 staff next year.", "The Age",
                      "2023-11-01T00:00:00+00:00", 1698796800)
    both = [merger, layoffs]

    assert decide("Did Fortune report that the two banks agreed to merge?", both, EMBED).label is Label.SUPPORTED
    never = decide("Did Fortune report that the two banks never agreed to merge?", both, EMBED)
    assert never.label is Label.CONTRADICTED and never.checks[0].passage is merger

    assert decide("Did Fortune report the bank merger before The Age reported that the bank will lay off staff?",
                  both, EMBED).label is Label.SUPPORTED
    late = decide("Did The Age report that the bank will lay off staff before Fortune reported the bank merger?",
                  both, EMBED)
    assert late.label is Label.CONTRADICTED
    assert late.reason == "Fortune published its report first (2023-10-01), The Age later (2023-11-01)"

    text, citations = explain(late)
    assert text.startswith("No — Fortune published its report first (2023-10-01), The Age later (2023-11-01) [1][2].")
    assert [c.source for c in citations] == ["The Age", "Fortune"]
    assert "The Age, 2023-11-01: “The Age reported that the bank will lay off 300 staff next year” [1]." in text


def test_a_question_resting_on_what_no_passage_holds_has_unsupported_premises() -> None:
    assert unsupported_premises("Why is Robinson visiting India?", [SEED]) == ["India"]
    assert unsupported_premises("What did Bilawal say in Beijing?", [SEED]) == ["Bilawal", "Beijing"]
    assert unsupported_premises("What did the US say about Robinson's visit to Pakistan?", [SEED]) == []
    assert unsupported_premises("What did The Nation report on June 30, 2022?", [SEED]) == []  # its source and date
    assert unsupported_premises("What did The Nation report on 2022-06-30?", [SEED]) == []
    # a name the collection mentions elsewhere was only not retrieved; a stored source named is not a premise
    assert unsupported_premises("Why is Robinson visiting India?", [SEED], mentioned=lambda text: text == "India") == []
    assert unsupported_premises("What did Robinson tell Island Times?", [SEED], sources=["Island Times"]) == []


def test_reports_that_differ_or_agree_contradict_what_the_question_says_of_them_but_code_never_confirms_it() -> None:
    fortune = passage(1, "The two banks agreed to merge in a deal worth $2 billion, the companies said on Monday.",
                      "Fortune", "2023-10-02T00:00:00+00:00", 1696204800)
    age = passage(2, "The two banks agreed to merge in a deal worth $3 billion, the companies said.", "The Age",
                  "2023-10-05T00:00:00+00:00", 1696464000)
    same = passage(3, "The two banks agreed to merge in a deal worth $2 billion, the companies said.", "The Age",
                   "2023-10-05T00:00:00+00:00", 1696464000)
    asked = "Between the Fortune report on the bank merger and The Age report on the merger, was there consistency " \
            "in the value of the deal?"
    differ = decide(asked, [fortune, age], EMBED)
    assert differ.label is Label.CONTRADICTED
    assert differ.reason == "the reports differ: Fortune gives $2 billion, The Age $3 billion"
    assert [c.passage for c in differ.checks] == [fortune, age]
    text, citations = explain(differ)
    assert text.startswith("No — the reports differ: Fortune gives $2 billion, The Age $3 billion [1][2].")

    changed = "Did the value of the deal change between the Fortune report on the bank merger and The Age report?"
    unchanged = decide(changed, [fortune, same], EMBED)
    assert unchanged.label is Label.CONTRADICTED and unchanged.reason == "the reports say the same on this"
    # Two sentences on one topic with no figure to compare do not show that nothing changed.
    swift = passage(4, "Taylor Swift likes that Travis Kelce pursued her, a source said.", "CBSSports.com",
                    "2023-10-12T00:00:00+00:00", 1697068800)
    revealed = passage(5, "Taylor Swift has revealed when her relationship with Travis Kelce really started.",
                       "The Independent", "2023-12-06T00:00:00+00:00", 1701820800)
    status = "Between the CBSSports.com report and The Independent report on Taylor Swift and Travis Kelce, has " \
             "the status of their relationship changed?"
    assert decide(status, [swift, revealed], EMBED).reason != "the reports say the same on this"
    # Both reports found, nothing settles the question: the reader is shown the two reports, not "no passage
    # mentions CBSSports.com or October 12" of a claim naming both.
    dated = "Between the CBSSports.com report published on October 12, 2023, and The Independent report published " \
            "on December 6, 2023, has the status of Taylor Swift and Travis Kelce's relationship changed?"
    unsettled = decide(dated, [swift, revealed], EMBED, RecordingJudge(Label.NOT_STATED))
    assert unsettled.label is Label.NOT_STATED
    assert unsettled.reason == "the reports are found, but neither says whether anything changed"
    assert [c.passage for c in unsettled.checks] == [swift, revealed]
    assert explain(unsettled)[0].count("”") == 2
    # Agreement found is no "Yes": that needs each description borne out, claim by claim.
    assert decide(asked, [fortune, same], EMBED).reason != "the reports say the same on this"
    assert decide(changed, [fortune, age], EMBED).label is not Label.SUPPORTED
    # One report named: its claims are checked, nothing is compared.
    assert decide("Did Fortune report a change in the value of the deal?", [fortune, age], EMBED).reason != \
        "the reports say the same on this"


def test_whether_found_reports_agree_is_the_models_to_answer_from_what_each_says() -> None:
    verge = passage(1, "The Justice Department says Google pays Apple and others to be the default search engine on "
                       "every platform.", "The Verge", "2023-09-26T00:00:00+00:00", 1695686400)
    crunch = passage(2, "Google spent billions making itself the default search engine across platforms, the trial "
                        "heard.", "TechCrunch", "2023-11-13T00:00:00+00:00", 1699833600)
    asked = "Between The Verge report on Google's search deals and the TechCrunch report on Google's default " \
            "search spending, was there agreement on Google's strategy to be the default search engine?"
    agreed = RecordingJudge(Label.SUPPORTED)
    verdict = decide(asked, [verge, crunch], EMBED, agreed)
    assert verdict.label is Label.SUPPORTED and verdict.reason == "the reports say the same on this"
    assert [c.passage for c in verdict.checks] == [verge, crunch]
    assert {c.decided_by for c in verdict.checks} == {"model"}
    question, shown = agreed.asked[0]
    assert question == asked and agreed.three_way == [True]
    assert shown.startswith("Report 1 (The Verge, 2023-09-26, Report 1): The Justice Department says")
    assert "\nReport 2 (TechCrunch, 2023-11-13, Report 2): Google spent billions" in shown
    assert explain(verdict)[0].startswith("Yes — the reports say the same on this [1][2].")

    changed = "Between The Verge report on Google's search deals and the TechCrunch report on Google's default " \
              "search spending, did the portrayal of Google's strategy change?"
    same = decide(changed, [verge, crunch], EMBED, RecordingJudge(Label.CONTRADICTED))
    assert same.label is Label.CONTRADICTED and same.reason == "the reports say the same on this"
    unsure = decide(asked, [verge, crunch], EMBED, RecordingJudge(Label.NOT_STATED))
    assert unsure.label is Label.NOT_STATED and unsure.reason.startswith("the reports are found")
    # A report the articles do not hold is not the model's to imagine: it is not asked.
    missing = RecordingJudge(Label.SUPPORTED)
    decide(asked.replace("The Verge", "Fortune"), [verge, crunch], EMBED, missing)
    assert not any(q == asked.replace("The Verge", "Fortune") for q, _ in missing.asked)
    # Figures that differ settle it in code, whatever the model would say.
    fortune = passage(3, "The two banks agreed to merge in a deal worth $2 billion.", "Fortune",
                      "2023-10-02T00:00:00+00:00", 1696204800)
    age = passage(4, "The two banks agreed to merge in a deal worth $3 billion.", "The Age",
                  "2023-10-05T00:00:00+00:00", 1696464000)
    fooled = RecordingJudge(Label.SUPPORTED)
    deal = decide("Between the Fortune report on the bank merger and The Age report on the merger, was there "
                  "consistency in the value of the deal?", [fortune, age], EMBED, fooled)
    assert deal.label is Label.CONTRADICTED and not fooled.asked


def test_a_sentence_that_undoes_the_event_is_never_a_restatement() -> None:
    strike = passage(1, "Rail workers in the Midvale region have called off a strike planned for October 3, the "
                        "union said on Monday.", "Labour News", "2023-09-25T00:00:00+00:00", 1695600000)
    judge = RecordingJudge(Label.SUPPORTED)
    decide("Did the Midvale rail strike planned for October 3 go ahead?", [strike], EMBED, judge)
    assert judge.three_way == [True], "'called off' beside the claim's words: the model must be free to say no"
    restated = RecordingJudge(Label.NOT_STATED)
    decide("Did rail workers in Midvale call off the strike planned for October 3?", [strike], EMBED, restated)
    assert restated.three_way[:2] in ([], [True, False])  # the claim itself says it was called off
    judge_no = RecordingJudge(Label.NOT_STATED)
    verdict = decide("Did the Midvale rail strike planned for October 3 go ahead?", [strike], EMBED, judge_no)
    assert verdict.label is Label.NOT_STATED and judge_no.three_way == [True]  # no other sentence is asked


def test_a_sentence_saying_more_where_the_claim_says_less_answers_no() -> None:
    gpt = passage(1, "The co-authors claim that GPT-4 can be more easily prompted than other models to spout toxic "
                     "text.", "TechCrunch", "2023-09-28T00:00:00+00:00", 1695859200)
    fooled = RecordingJudge(Label.SUPPORTED)  # the small model said "yes" to "reduced ease" over "more easily"
    for question in ("Does TechCrunch suggest that GPT-4 is less easily prompted than other models to spout toxic "
                     "text?", "Does TechCrunch suggest a reduced ease of prompting GPT-4 to spout toxic text compared "
                     "to other models?"):
        verdict = decide(question, [gpt], EMBED, fooled)
        assert verdict.label is Label.CONTRADICTED and verdict.reason == "the articles say it goes the other way"
    assert fooled.asked == []
    same_way = RecordingJudge(Label.NOT_STATED)
    decide("Does TechCrunch suggest that toxic text is more readily drawn from GPT-4 than from other models?",
           [gpt], EMBED, same_way)
    assert same_way.three_way[:2] in ([], [True, False])


def test_a_sentence_saying_better_where_the_claim_says_worse_answers_no() -> None:
    sleep = passage(1, "Time-restricted eating can also improve the quality of sleep, he noted, which can help the "
                       "brain recover better.", "FOX News - Health", "2023-10-02T00:00:00+00:00", 1696204800)
    worse = "Does FOX News suggest that time-restricted eating has a negative impact on sleep quality and brain recovery?"
    fooled = RecordingJudge(Label.SUPPORTED)
    verdict = decide(worse, [sleep], EMBED, fooled)
    assert verdict.label is Label.CONTRADICTED and fooled.asked == []
    assert verdict.reason == "the articles say it goes the other way"
    same_way = RecordingJudge(Label.NOT_STATED)
    better = "Does FOX News suggest that time-restricted eating can improve the quality of sleep and brain recovery?"
    assert decide(better, [sleep], EMBED, same_way).label is Label.SUPPORTED and same_way.asked == []


def test_more_or_less_in_a_sentence_further_from_the_claim_is_left_to_the_model() -> None:
    """Words of change are in many sentences: only the closest one's answer "No" in code."""
    epic = passage(1, "Epic Games is laying off around 830 employees, about 16 percent of its workforce. Back in 2020 "
                      "the game had more registered players than the population of the United States.",
                   "TechCrunch", "2023-09-29T00:00:00+00:00", 1695945600)
    judge = RecordingJudge(Label.NOT_STATED)
    verdict = decide("Does the TechCrunch article suggest that Epic Games is facing a workforce reduction?", [epic],
                     EMBED, judge)
    assert verdict.label is not Label.CONTRADICTED, verdict


def test_an_outcome_the_sentence_states_the_other_way_answers_no() -> None:
    """The model said yes to each of these; the sentence has the claim's names and most of its words, but the
    opposite outcome: approved for rejected, reopened for closed, the winner beaten. Code answers No."""
    def day(n: int, text: str) -> Passage:
        return passage(n, text, "Local News", "2023-11-06T00:00:00+00:00", 1699228800)

    council = day(1, "Aberlour council approved a budget of £12 million for a new town library on Wednesday evening.")
    union = day(2, "Rail workers have called off a strike after union members accepted a pay rise of 6 percent.")
    harbour = day(3, "The harbour at Port Ellen reopened on Monday after a storm closed it for three days.")
    election = day(4, "Maria Lindqvist won the mayoral election in Harnsby on Sunday with 54 percent of the vote, "
                      "defeating the incumbent Jonas Berg.")
    match = day(5, "Kelton Rovers beat Ashby City 3-1 on Saturday to reach the county cup final.")
    deal = day(6, "Norrbank and Fjordkreditt agreed to merge. The deal still needs approval from regulators.")
    for question, found, reason in [
        ("Did the council reject the library budget?", council, "the articles state the opposite outcome"),
        ("Did union members reject the pay rise?", union, "the articles state the opposite outcome"),
        ("Is the harbour at Port Ellen closed?", harbour, "the articles say that has since ended"),
        ("Did Jonas Berg win the mayoral election in Harnsby?", election,
         "the articles state the result the other way round"),
        ("Did Maria Lindqvist lose the mayoral election in Harnsby?", election,
         "the articles state the result the other way round"),
        ("Did Kelton Rovers lose to Ashby City?", match, "the articles state the result the other way round"),
        ("Did the Norrbank deal get approval from regulators?", deal, "the articles say it has yet to happen"),
    ]:
        assert_no_in_code(question, found, reason)
    # the reopening does not say how long it was closed, nor the score that there was a match: the model is
    # asked, and its "yes" is not taken
    for question, found in [("Was the harbour at Port Ellen closed for a week?", harbour),
                            ("Did Ashby City win the match against Kelton Rovers?", match)]:
        fooled = RecordingJudge(Label.SUPPORTED)
        verdict = decide(question, [found], EMBED, fooled)
        assert verdict.label is Label.NOT_STATED and fooled.three_way == [True], question
    for question, found in [
        ("Did the council approve the library budget?", council),
        ("Did union members accept a pay rise?", union),
        ("Did the harbour at Port Ellen reopen?", harbour),
        ("Did the storm close the harbour at Port Ellen for three days?", harbour),  # what it did, not a state now
        ("Did Maria Lindqvist win the mayoral election in Harnsby?", election),
        ("Did Jonas Berg lose the mayoral election in Harnsby?", election),
        ("Did Kelton Rovers beat Ashby City?", match),
        ("Does the Norrbank deal need approval from regulators?", deal),
    ]:
        assert decide(question, [found], EMBED, RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED, question


def test_a_sentence_that_negates_the_claims_words_answers_no() -> None:
    recall = passage(1, "Veltra Motors is recalling 40,000 vans because a brake hose can wear through. No accidents "
                        "have been linked to the fault.", "Motor Weekly", "2023-11-02T00:00:00+00:00", 1698883200)
    judge = RecordingJudge(Label.SUPPORTED)
    verdict = decide("Have accidents been linked to the brake fault at Veltra Motors?", [recall], EMBED, judge)
    assert verdict.label is Label.CONTRADICTED and judge.asked == []
    assert verdict.reason == "the articles state it with a negation the question lacks"
    linked = decide("Is Veltra Motors recalling vans over a brake fault?", [recall], EMBED, judge)
    assert linked.label is Label.SUPPORTED  # "No accidents" negates none of this claim's words


def test_a_word_the_sentence_holds_only_turned_by_a_prefix_is_not_confirmed() -> None:
    ties = passage(1, "Pakistan's relations with the US have been lukewarm, especially under the Joe Biden "
                      "administration.", "The Nation", "2022-06-30T00:00:00+00:00", 1656547200)
    judge = RecordingJudge(Label.SUPPORTED)
    verdict = decide("Have relations with the US been warm under the Biden administration?", [ties], EMBED, judge)
    assert verdict.label is Label.NOT_STATED and verdict.reason == "the articles say lukewarm, not warm"
    assert judge.asked == []  # the model reads "lukewarm" as "warm": it is not asked
    assert decide("Have relations with the US been lukewarm under the Biden administration?", [ties], EMBED,
                  judge).label is Label.SUPPORTED


def test_a_claim_word_turned_by_a_prefix_the_sentence_lacks_is_not_confirmed() -> None:
    fortune = passage(2, "The business practices between the two were reasonable, he argued, claiming that Alameda "
                         "acted legally as an FTX customer.", "Fortune", "2023-10-04T00:00:00+00:00", 1696377600)
    judge = RecordingJudge(Label.SUPPORTED)  # as the model said: "acted legally" bears out "illegal"
    verdict = decide("Did the Fortune article imply that Alameda's business practices with FTX were illegal?",
                     [fortune], EMBED, judge)
    assert verdict.label is Label.NOT_STATED and verdict.reason == "the articles say legally, not illegal"
    assert judge.asked == []
    legal = decide("Did the Fortune article imply that Alameda's business practices with FTX were legal?",
                   [fortune], EMBED, judge)
    assert legal.label is Label.SUPPORTED  # the word itself is no turn ("legal" in "legally")


def test_judge_questions_about_one_passage_share_all_but_what_is_asked() -> None:
    """The model's prompt cache reuses a prompt's longest common prefix: the two questions about a passage (three
    ways, then restated?) differ only after the passage, and every call has the same system prompt."""
    llm = ScriptedLLM(reply="", rewrite="yes", restated="yes", sent=[])
    text = "Pakistan-US partnership, The Nation, 2022-06-30\nRobinson is in Pakistan from June 29 to July 2."
    assert ask_model(llm, "Is it true that Robinson is visiting Pakistan?", text, True) is Label.SUPPORTED
    assert ask_model(llm, "Is it true that Robinson is visiting Pakistan?", text, False) is Label.SUPPORTED
    assert ask_model(llm, "Is Robinson in India?", "Another passage", True) is Label.SUPPORTED
    systems = {m[0].content for m in llm.sent}
    assert len(systems) == 1 and all(m[0].role is MessageRole.SYSTEM for m in llm.sent)
    three_way, restated = (m[-1].content or "" for m in llm.sent[:2])
    shared = len(os.path.commonprefix([three_way, restated]))
    assert text in three_way[:shared]
    assert three_way[shared:].startswith("Question:")
    assert "Robinson is visiting Pakistan" in restated[shared:] and "Is it true" not in restated


def test_the_model_is_asked_whether_a_sentence_restates_a_statement_never_a_question() -> None:
    """Given "Statement: Is the harbour still closed?", the default model answered the question ("yes") over "The
    harbour reopened on Monday after a storm closed it"; the claim of a plain yes/no question goes as a statement."""
    llm = ScriptedLLM(reply="", rewrite="no", restated="no", sent=[])
    ask_model(llm, "Is the harbour at Port Ellen still closed?", "The harbour reopened on Monday.", False)
    ask_model(llm, "Is it true that Robinson is visiting Pakistan?", "Robinson is in Pakistan.", False)
    ask_model(llm, "Did the Midvale rail strike go ahead?", "Workers called off the strike.", False)
    statements = [(m[-1].content or "").rpartition("Statement: ")[2] for m in llm.sent]
    assert statements == ["the harbour at Port Ellen still closed", "Robinson is visiting Pakistan",
                          "the Midvale rail strike go ahead"]


def test_judge_reply_outside_the_labels_confirms_nothing() -> None:
    llm = ScriptedLLM(reply="", rewrite="maybe", restated="maybe", sent=[])
    assert ask_model(llm, "Is Robinson in Pakistan?", "Robinson is in Pakistan.", True) is Label.NOT_STATED
    assert ask_model(llm, "Is Robinson in Pakistan?", "Robinson is in Pakistan.", False) is Label.NOT_STATED


def test_which_way_the_claims_own_subject_went_decides_not_the_rest_of_the_sentence() -> None:
    """Over "passenger numbers had risen …, but margins had shrunk" the sentence says both ways; the words next to
    the claim's own say which way its subject went. The model said yes to each of these."""
    def report(n: int, text: str) -> Passage:
        return passage(n, text, "Business Desk", "2024-01-09T00:00:00+00:00", 1704758400)

    airline = report(1, "Chief executive Lena Marsh said passenger numbers at Skyline Air had risen 8 percent on last "
                        "year, but margins had shrunk.")
    meals = report(2, "Orlin said demand for frozen meals had fallen and that production would move to its larger "
                      "site in Kessington.")
    jobs = report(3, "Unemployment in Corlan was unchanged at 4.2 percent in August, the statistics office said.")
    for question, found, reason in [
        ("Did passenger numbers at Skyline Air fall compared with last year?", airline,
         "the articles say it goes the other way"),
        ("Has demand for frozen meals risen, according to Orlin?", meals, "the articles say it goes the other way"),
        ("Did unemployment in Corlan rise to 4.2 percent in August?", jobs, "the articles say it was unchanged"),
    ]:
        assert_no_in_code(question, found, reason)
    for question, found in [("Did passenger numbers at Skyline Air rise compared with last year?", airline),
                            ("Did Skyline Air's margins shrink?", airline),
                            ("Has demand for frozen meals fallen, according to Orlin?", meals)]:
        assert decide(question, [found], EMBED, RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED, question


def test_a_figure_the_sentence_counts_otherwise_answers_no_though_the_passage_holds_it() -> None:
    deal = passage(1, "The regulator said the merger of Alder and Birchwood would push up prices in 140 towns. The "
                      "two companies had offered to sell 60 stores to win approval.", "Retail Bulletin",
                   "2024-07-02T00:00:00+00:00", 1719878400)
    assert_no_in_code("Did Alder and Birchwood offer to sell 140 stores?", deal, "the articles say 60, not 140")
    assert decide("Did Alder and Birchwood offer to sell 60 stores?", [deal], EMBED,
                  RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED


def test_a_negation_before_half_the_claims_words_keeps_the_models_yes_from_counting() -> None:
    webb = passage(1, "Colin Webb congratulated her and said he would not stand again.", "Ferndale Gazette",
                   "2024-05-03T00:00:00+00:00", 1714694400)
    fooled = RecordingJudge(Label.SUPPORTED)
    verdict = decide("Will Colin Webb stand again for mayor?", [webb], EMBED, fooled)
    assert verdict.label is Label.NOT_STATED and fooled.asked, verdict


def test_more_than_counts_and_a_negation_about_something_else_turn_nothing() -> None:
    """"more than a year" is a count, not a rise; "loans that may not be repaid" says nothing about the profit."""
    def report(n: int, text: str) -> Passage:
        return passage(n, text, "Money Times", "2024-10-24T00:00:00+00:00", 1729728000)

    waiting = report(1, "At Corby hospitals the number of patients waiting more than a year fell slightly, to 1,100.")
    profit = report(2, "Harrow Bank's pre-tax profit fell 22 percent to £1.3 billion as it set aside more money to "
                       "cover loans that may not be repaid.")
    zoo = report(3, "Danby Zoo expects visitor numbers to double next year.")
    for question, found in [
        ("Did the number of patients waiting more than a year at Corby hospitals rise?", waiting),
        ("Did Harrow Bank's pre-tax profit rise 22 percent?", profit),
        ("Does Danby Zoo expect fewer visitors next year?", zoo),
    ]:
        assert_no_in_code(question, found, "the articles say it goes the other way")


def test_a_questions_this_year_is_the_readers_and_a_sentence_dating_it_otherwise_confirms_nothing() -> None:
    """The model said yes to "this year" over "Last year's prize went to Tom Ellery": the year was only the
    article's. Asked in 2026, this year is 2026, which no article of 2024 can bear out; read as of 2024, the
    sentence dates the win 2023. A question about what a report said keeps the report's own "last year"."""
    prize = passage(1, "The Harwick Prize for local history went on Friday to Ana Ruiz for her book on the canal. "
                       "Last year's prize went to Tom Ellery.", "Valley News", "2024-05-10T00:00:00+00:00",
                    1715299200)
    asked_2026, as_of_2024 = 1796601600, 1717718400  # 2026-12-07, 2024-06-07
    for moment, reason in [(asked_2026, "no passage mentions 2026 in this"),
                           (as_of_2024, "the sentence dates it 2023, not 2024")]:
        fooled = RecordingJudge(Label.SUPPORTED)
        verdict = decide("Did Tom Ellery win the Harwick Prize this year?", [prize], EMBED, fooled, moment)
        assert verdict.label is Label.NOT_STATED and verdict.reason == reason and fooled.asked == [], verdict
    assert decide("Did Tom Ellery win the Harwick Prize in 2024?", [prize], EMBED,
                  RecordingJudge(Label.SUPPORTED)).reason == "the sentence dates it 2023, not 2024"
    for question, moment in [("Did Tom Ellery win the Harwick Prize last year?", as_of_2024),
                             ("Did Ana Ruiz win the Harwick Prize this year?", as_of_2024),
                             ("Did Valley News report that Tom Ellery won the Harwick Prize last year?", asked_2026)]:
        assert decide(question, [prize], EMBED, RecordingJudge(Label.SUPPORTED), moment).label is Label.SUPPORTED


def test_a_request_or_a_possibility_is_not_borne_out_as_done() -> None:
    """The model read "had asked for a rise to £2.40" as saying fares will rise, and "may cost" as a cost; "could"
    is as often a past ability ("how much water they could absorb") and leaves the claim to the model."""
    def report(n: int, text: str) -> Passage:
        return passage(n, text, "Harlow Courier", "2024-03-04T00:00:00+00:00", 1709510400)

    fares = report(1, "Operators had asked for a rise in Harlow bus fares to £2.40 from April.")
    vapes = report(2, "Ministers proposed a ban on disposable vapes in schools on Monday.")
    jobs = report(3, "The merger of the two banks may cost 2,000 jobs, unions warned.")
    for question, found in [("Will Harlow bus fares rise to £2.40 from April?", fares),
                            ("Did ministers ban disposable vapes in schools?", vapes),
                            ("Did the merger of the two banks cost 2,000 jobs?", jobs)]:
        fooled = RecordingJudge(Label.SUPPORTED)
        verdict = decide(question, [found], EMBED, fooled)
        assert verdict.label is Label.NOT_STATED, (question, verdict)
        assert verdict.reason == "the articles report it as asked for or possible, not as done", verdict
    for question, found in [("Did operators ask for a rise in Harlow bus fares to £2.40?", fares),
                            ("Did ministers propose a ban on disposable vapes in schools?", vapes),
                            ("Could the merger of the two banks cost 2,000 jobs?", jobs),
                            ("Did adding salts raise how much water the gels absorb?",
                             report(4, "Adding salts raised how much water the gels could absorb."))]:
        assert decide(question, [found], EMBED, RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED, question


def test_a_part_counted_where_the_claim_says_most_or_all_answers_no() -> None:
    """The model said yes to "most of his games" over "won only two of his 15 games"."""
    def report(n: int, text: str) -> Passage:
        return passage(n, text, "Chess Weekly", "2024-02-12T00:00:00+00:00", 1707696000)

    cole = report(1, "Ray Cole won only two of his 15 games at the Harlow congress.")
    board = report(2, "Three of the nine board members voted for the pay cut on Thursday.")
    for question, found in [("Did Ray Cole win most of his games at the Harlow congress?", cole),
                            ("Did all the board members vote for the pay cut?", board),
                            ("Did a majority of the board members vote for the pay cut?", board)]:
        assert_no_in_code(question, found, "the articles count fewer than the question says")
    assert decide("Did three board members vote for the pay cut?", [board], EMBED,
                  RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED
    assert decide("Did most of the board members vote for the pay cut?",
                  [report(3, "Seven of the nine board members voted for the pay cut on Thursday.")], EMBED,
                  RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED


def test_a_negation_about_something_else_does_not_keep_a_claim_of_absence_from_its_no() -> None:
    post = passage(1, "We will keep this list updated with the newest series on each streaming service, as well as "
                      "other options if our pick does not sound like your thing.", "Screen Guide",
                   "2024-04-02T00:00:00+00:00", 1712016000)
    assert_no_in_code("Will the Screen Guide list never be updated with the newest series?", post,
                      "the articles state it without the question's negation")
    kept = passage(2, "The list has not been updated with the newest series since March.", "Screen Guide",
                   "2024-04-02T00:00:00+00:00", 1712016000)
    assert decide("Has the Screen Guide list never been updated with the newest series?", [kept], EMBED,
                  RecordingJudge(Label.NOT_STATED)).label is not Label.CONTRADICTED
    governed = passage(3, "By then the guide had tried little online, nor had any attempt been made to reach beyond "
                          "its core audience of film buffs.", "Screen Guide", "2024-04-02T00:00:00+00:00", 1712016000)
    assert decide("Has the Screen Guide not reached beyond its core audience of film buffs?", [governed], EMBED,
                  RecordingJudge(Label.NOT_STATED)).label is not Label.CONTRADICTED


def test_an_injury_where_the_claim_says_healthy_answers_no() -> None:
    walker = passage(1, "After the game, coach Pete Carroll said Walker had suffered an oblique strain and could miss "
                        "time.", "Seattle Sports", "2023-11-19T00:00:00+00:00", 1700352000)
    assert_no_in_code("Did Walker remain healthy during the game?", walker,
                      "the articles state the opposite outcome")
    assert decide("Did Walker suffer an oblique strain in the game?", [walker], EMBED,
                  RecordingJudge(Label.SUPPORTED)).label is Label.SUPPORTED


def test_a_claim_naming_two_outlets_is_checked_in_each_outlets_articles() -> None:
    verge = passage(1, "A federal court fined Epic Games $10 million over its app store payments.", "The Verge",
                    "2023-12-12T00:00:00+00:00", 1702339200)
    crunch = passage(2, "Epic Games was fined $10 million by a federal court over app store payments.",
                     "TechCrunch", "2023-12-13T00:00:00+00:00", 1702425600)
    asked = "Did both The Verge and TechCrunch report that a federal court fined Epic Games $10 million?"
    both = decide(asked, [verge, crunch], EMBED, RecordingJudge(Label.SUPPORTED))
    assert both.label is Label.SUPPORTED, both
    assert [(c.claim, c.passage) for c in both.checks] == [
        ("The Verge report that a federal court fined Epic Games $10 million", verge),
        ("TechCrunch report that a federal court fined Epic Games $10 million", crunch)]
    # Outlets named apart are compared, not each checked: "The Age confirms what TechCrunch reported" is one claim.
    apart = decide("Does The Verge say a federal court fined Epic Games $10 million, as TechCrunch first reported?",
                   [verge, crunch], EMBED, RecordingJudge(Label.SUPPORTED))
    assert len(apart.checks) == 1 and apart.label is not Label.SUPPORTED, apart
    # Each outlet must say it: one that does not leaves the claim unstated, whatever the model would say of the other.
    other = passage(2, "Epic Games said it would appeal a ruling on its app store.", "TechCrunch",
                    "2023-12-13T00:00:00+00:00", 1702425600)
    fooled = RecordingJudge(Label.NOT_STATED)
    assert decide(asked, [verge, other], EMBED, fooled).label is Label.NOT_STATED
    # and one that states another figure in its place contradicts it, in code.
    lower = passage(2, "Epic Games was fined $1 million by a federal court over app store payments.", "TechCrunch",
                    "2023-12-13T00:00:00+00:00", 1702425600)
    against = decide(asked, [verge, lower], EMBED, RecordingJudge(Label.SUPPORTED))
    assert against.label is Label.CONTRADICTED and against.checks[-1].passage == lower, against
