"""Lone surnames in the sentences the answer model reads are written as the full name the passages introduce."""

from __future__ import annotations

from newsdesk.qa.full_names import full_names, with_full_names
from tests.test_citations import passage


def test_a_surname_is_read_from_a_full_name_the_passages_give_once() -> None:
    names = full_names([
        "Is Sam Bankman-Fried a bad ‘man’ or a good ‘boy’?",
        "Judge Lewis Kaplan warned the defence. In October Ellison said she had been told to. Caroline Ellison "
        "testified on Tuesday. Donald Trump and Eric Trump were in court in New York. In June Kaplan ruled.",
        "Loading Google rejected this in very strong terms.",  # a page's leftover: "Loading" is no given name
    ])
    assert names == {"Bankman-Fried": "Sam Bankman-Fried", "Kaplan": "Lewis Kaplan", "Ellison": "Caroline Ellison"}


def test_the_shown_sentences_get_the_full_name_and_nothing_else_changes() -> None:
    headline = passage(1, "Sam Bankman-Fried, the founder of FTX, is on trial.", "a1", "The FTX trial")
    shown = passage(2, "Bankman-Fried was even compared to Warren Buffet. Mr. Bankman-Fried smiled. "
                       "The Bankman-Fried trial began. Donald Trump spoke; Trump left the Trump Organization.",
                    "a2")
    expanded = with_full_names([shown], [headline, shown])
    assert expanded[0].chunk.text == (
        "Sam Bankman-Fried was even compared to Warren Buffet. Mr. Bankman-Fried smiled. "
        "The Bankman-Fried trial began. Donald Trump spoke; Donald Trump left the Trump Organization.")
    assert shown.chunk.text.startswith("Bankman-Fried was")  # the stored passage, which citations quote, is unchanged
    assert with_full_names([shown], [shown])[0].chunk.text.startswith("Bankman-Fried was")  # no full name given
