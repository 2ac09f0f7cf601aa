"""Periods and dates in words (app.periods): every precision, spans within a year and
across years, and undated periods."""

from datetime import date

import pytest

from app.periods import date_label, period_label

D = date


@pytest.mark.parametrize(
    ("start", "end", "precision", "label"),
    [
        (D(2024, 1, 1), D(2024, 12, 31), "year", "2024"),
        (D(2019, 1, 1), D(2021, 12, 31), "year", "2019 – 2021"),
        (D(2024, 8, 1), D(2024, 8, 31), "month", "Aug 2024"),
        (D(2024, 8, 31), D(2024, 8, 31), "month", "Aug 2024"),
        (D(2024, 3, 1), D(2024, 5, 31), "month", "Mar – May 2024"),
        (D(2023, 7, 1), D(2024, 1, 31), "month", "Jul 2023 – Jan 2024"),
        (D(2024, 7, 1), D(2024, 9, 30), "quarter", "Q3 2024"),
        (D(2024, 1, 1), D(2024, 6, 30), "quarter", "Q1 – Q2 2024"),
        (D(2023, 10, 1), D(2024, 3, 31), "quarter", "Q4 2023 – Q1 2024"),
        (D(2020, 1, 1), D(2020, 6, 30), "half", "H1 2020"),
        (D(2020, 7, 1), D(2020, 12, 31), "half", "H2 2020"),
        (D(2019, 7, 1), D(2020, 6, 30), "half", "H2 2019 – H1 2020"),
        (D(2024, 3, 7), D(2024, 3, 7), "day", "7 Mar 2024"),
        (D(2024, 3, 7), D(2024, 3, 9), "day", "7 – 9 Mar 2024"),
        (D(2024, 3, 7), D(2024, 4, 2), "day", "7 Mar – 2 Apr 2024"),
        (D(2023, 12, 30), D(2024, 1, 2), "day", "30 Dec 2023 – 2 Jan 2024"),
        (D(2024, 3, 7), D(2024, 3, 7), "unknown", "2024-03-07"),
        (D(2024, 3, 7), D(2024, 4, 2), "unknown", "2024-03-07 – 2024-04-02"),
    ],
)
def test_a_period_reads_at_its_precision(start, end, precision, label):
    assert period_label(start, end, precision) == label


@pytest.mark.parametrize("precision", ["day", "month", "quarter", "half", "year", "unknown"])
def test_an_undated_period_has_no_label(precision):
    assert period_label(None, None, precision) is None


def test_a_document_dated_only_by_year_reads_as_the_year():
    assert date_label(D(2024, 1, 1), "year") == "2024"
    assert date_label(D(2024, 3, 7), "day") == "7 Mar 2024"
    assert date_label(D(2019, 5, 1), "month") == "May 2019"
    assert date_label(None, "unknown") is None
