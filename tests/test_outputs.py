"""One CSV writer and one XML cleaner for every export and feed."""

from __future__ import annotations

import csv
import io

from portal.outputs import csv_text, safe_cell, xml_safe


def test_formula_like_text_gets_an_apostrophe_and_numbers_stay_numbers():
    assert safe_cell('=HYPERLINK("http://evil.example")') == '\'=HYPERLINK("http://evil.example")'
    for text in ("+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) == ""
    assert safe_cell("营商环境 = 好") == "营商环境 = 好"


def test_csv_text_has_a_bom_crlf_and_neutralised_cells():
    text = csv_text([["标题", "数"], ["=1+1", -7]])
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [["标题", "数"], ["'=1+1", "-7"]]


def test_xml_safe_drops_what_xml_1_0_forbids_and_keeps_the_rest():
    assert xml_safe("a\x00b\x01c\x1fd\ufffe\uffff") == "abcd"
    assert xml_safe("政策\t\n\r文库 😀 \ud7ff") == "政策\t\n\r文库 😀 \ud7ff"
