"""governance.domain.text: stored text made safe for one-line outputs and file names."""

import pytest

from governance.domain.text import file_name, file_slug, lines, one_line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Weekly\r\nsync", "Weekly sync"),
        ("  Weekly \n\n sync\t", "Weekly sync"),
        ("a\x0bb\x1fc\u2028d\u2029e\x85f", "a b c d e f"),
        ("Escape\x1b[31mred\x7f", "Escape [31mred"),
        ('Zürich "Ops" Sp. z o.o.', 'Zürich "Ops" Sp. z o.o.'),
        (None, ""),
        (42, "42"),
    ],
)
def test_one_line_collapses_breaks_and_control_characters_into_one_space(value, expected):
    assert one_line(value) == expected


def test_lines_keeps_line_breaks_as_newlines_and_drops_other_controls():
    assert lines("one\r\ntwo\rthree\u2028four\x0bfive\x07!\ttab") == (
        "one\ntwo\nthree\nfour\nfive!\ttab"
    )
    assert lines(None) == ""


def test_file_names_lose_path_separators_and_characters_file_systems_refuse():
    assert file_name('../etc/"pass\nwd"?.csv') == ".. etc pass wd .csv"
    assert file_slug('Zürich "Ops" Sp. z o.o.') == "zürich-ops-sp.-z-o.o."
    assert file_slug('Acme, Inc.; "Ops"') == "acme,-inc.;-ops"
