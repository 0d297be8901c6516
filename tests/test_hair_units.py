"""Hair tests counted as the plan counts them (domain.md §5 counting units): by sample and by person, never
by sample × substance row (检测项次), in the mart and on the pages."""
from __future__ import annotations

from datetime import date

import pytest

import i18n
from analysis import fmt
from analysis.present import header
from tests.app_helpers import demo, demo_build, frame, metric, number, open_page, texts  # noqa: F401
from tests.marts_helpers import BANNER, DASHETA, SEAT, hair_row, load, person_id, query

Q3 = date(2024, 8, 1)


def cutoff_row(sample: str, person: str, substance: str, concentration, *, group: str = "key_person",
               township: str = SEAT, day: date = Q3) -> dict:
    return hair_row(sample, day, person, group, substance, concentration, township=township)


@pytest.fixture
def panels(env, built):
    return built.into(env, _panels)


def _panels(folder):
    """Four samples of three persons, each tested for three substances (12 test items), two positive."""
    a, b, c = person_id(1), person_id(2), person_id(3)
    samples = (  # sample, person, township, day, methamphetamine, ketamine (morphine is never found)
        ("S1", a, SEAT, Q3, "1.5", "ND"), ("S2", a, SEAT, date(2024, 9, 1), "ND", "ND"),
        ("S3", b, SEAT, Q3, "ND", "0.9"), ("S4", c, DASHETA, Q3, "ND", "ND"))
    rows = [cutoff_row(sample, person, substance, value, township=town, day=day)
            for sample, person, town, day, meth, ket in samples
            for substance, value in (("methamphetamine", meth), ("ketamine", ket), ("morphine", "ND"))]
    load(folder, "hair", rows)
    return rows


def mart(township: str) -> tuple:
    return query("select samples, persons, positive_samples, positive_persons, positivity_rate, test_items "
                 "from mart_hair_samples where quarter = '2024Q3' and township_code = ?", [township])[0]


def test_a_sample_is_one_person_one_date_positive_when_any_substance_is(panels):
    # 乌拉山镇: S1 (meth positive) and S2 of person a, S3 of person b (ketamine positive)
    samples, persons, positive, positive_persons, rate, items = mart(SEAT)
    assert (samples, persons, positive, positive_persons, items) == (3, 2, 2, 2, 9)
    assert rate == pytest.approx(100 * 2 / 3)


def test_banner_rows_count_each_person_once_and_all_samples(panels):
    samples, persons, positive, positive_persons, rate, items = mart(BANNER)
    assert (samples, persons, positive, positive_persons, items) == (4, 3, 2, 2, 12)
    assert rate == pytest.approx(50.0)
    # test items are the sample × substance rows: a quarter of their positivity, never the headline
    tested, pos = query("select sum(tested), sum(positive) from mart_hair_positivity where quarter = '2024Q3'")[0]
    assert (tested, pos) == (12, 2)


def test_the_issues_example_81_samples_of_78_people_11_positive_is_13_6_percent(env, tmp_path):
    """issue 8: "毛发检测282人次，阳性11人次，阳性率3.9%" was 81 samples of 78 people, 11 positive."""
    rows = []
    for n in range(81):
        person = person_id(min(n, 77) + 100)      # samples 78–80 repeat person 77
        day = date(2024, 7, 1 + n % 28) if n < 78 else date(2024, 9, 1 + n - 78)
        substances = ("methamphetamine", "ketamine", "morphine") + (("mdma",) if n % 2 else ())
        for s in substances:
            rows.append(cutoff_row(f"P{n:03d}", person, s, "1.2" if (n < 11 and s == "methamphetamine") else "ND",
                                   day=day))
    load(tmp_path, "hair", rows)
    samples, persons, positive, _, rate, items = mart(BANNER)
    assert (samples, persons, positive) == (81, 78, 11)
    assert fmt.percent(rate) == fmt.percent(100 * 11 / 81) and round(rate, 1) == 13.6
    assert items == len(rows) != samples


# --- on the pages (the county demo) -------------------------------------------------------------------------
def banner_totals(demo, year: int) -> tuple:
    """Samples, distinct persons of the year so far, positive samples and positivity of the banner."""
    return demo.query("select sum(samples), sum(new_persons_in_year), sum(positive_samples), "
                      "100.0 * sum(positive_samples) / sum(samples) from mart_hair_samples "
                      "where year = ? and township_code = ?", [year, BANNER])[0]


def demo_year(demo) -> int:
    return demo.value("select max(year) from mart_hair_samples")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_hair_page_headline_is_samples_and_persons_of_the_mart(demo, lang):
    at = open_page("hair", lang)
    samples, persons, positive, rate = banner_totals(demo, demo_year(demo))
    assert number(metric(at, "col.samples", lang)) == samples
    assert number(metric(at, "col.persons", lang)) == persons
    assert number(metric(at, "col.positive_samples", lang)) == positive
    assert metric(at, "col.positivity_rate", lang) == fmt.percent(rate)
    items = demo.value("select sum(tested) from mart_hair_positivity where year = ?", [demo_year(demo)])
    assert i18n.t("units.test_items", lang, n=fmt.number(items)) in texts(at)
    assert items > samples     # test items are more than samples, and shown only as test items
    labels = [m.label for m in at.metric]
    assert i18n.t("col.tested", lang) not in labels


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_overview_states_hair_samples_and_persons_of_the_mart(demo, lang):
    at = open_page("overview", lang)
    year = demo_year(demo)
    samples, persons, positive, rate = banner_totals(demo, year)
    positive_persons = demo.value("select sum(new_positive_persons_in_year) from mart_hair_samples where year = ? "
                                  "and township_code = ?", [year, BANNER])
    line = i18n.t("ov.hair_line", lang, samples=fmt.number(samples), persons=fmt.number(persons),
                  positive=fmt.number(positive), positive_persons=fmt.number(positive_persons),
                  rate=fmt.percent(rate))
    assert line in texts(at)
    assert metric(at, "col.positivity_rate", lang) == fmt.percent(rate)


def test_the_substance_filter_narrows_test_items_not_samples(demo):
    at = open_page("hair", "en", sub="methamphetamine")
    samples = banner_totals(demo, demo_year(demo))[0]
    assert number(metric(at, "col.samples", "en")) == samples
    assert i18n.t("units.substance_filter", "en") in texts(at)
    meth = demo.value("select sum(tested) from mart_hair_positivity where year = ? and substance = "
                      "'methamphetamine'", [demo_year(demo)])
    assert i18n.t("units.test_items", "en", n=fmt.number(meth)) in texts(at)


def test_township_table_counts_samples_and_persons_and_sums_to_the_banner(demo):
    at = open_page("townships", "en")
    card = frame(at, "town_scorecard", "en")
    year = demo_year(demo)
    expected = dict(demo.query("select township_code, sum(samples) from mart_hair_samples where year = ? "
                               "and township_code <> ? group by 1", [year, BANNER]))
    shown = card[header("hair_samples", "en")].astype("int64")
    assert int(shown.sum()) == sum(expected.values()) == banner_totals(demo, year)[0]
    assert header("hair_persons", "en") in card.columns
    assert not any(c == i18n.t("col.tested", "en") for c in card.columns)


def test_a_person_tested_in_two_townships_in_a_quarter_is_one_person_of_the_banner(env, tmp_path):
    a = person_id(1)
    load(tmp_path, "hair", [cutoff_row("T1", a, "methamphetamine", "ND", township=SEAT),
                            cutoff_row("T2", a, "methamphetamine", "0.5", township=DASHETA, day=date(2024, 9, 2))])
    assert mart(SEAT)[:4] == (1, 1, 0, 0) and mart(DASHETA)[:4] == (1, 1, 1, 1)
    assert mart(BANNER)[:4] == (2, 1, 1, 1)


def test_persons_of_a_year_so_far_are_distinct_people_and_other_periods_say_so(env, tmp_path):
    a, b = person_id(1), person_id(2)
    load(tmp_path, "hair", [cutoff_row("Y1", a, "methamphetamine", "0.9", day=date(2024, 2, 1)),
                            cutoff_row("Y2", a, "methamphetamine", "0.7", day=date(2024, 8, 1)),
                            cutoff_row("Y3", b, "methamphetamine", "ND", day=date(2024, 8, 2))])
    rows = query("select quarter, persons, new_persons_in_year, positive_persons, new_positive_persons_in_year "
                 "from mart_hair_samples where township_code = ? order by 1", [BANNER])
    # a is tested (and positive) in Q1 and Q3: new in Q1 only, so the year has 2 persons and 1 positive person
    assert rows == [("2024Q1", 1, 1, 1, 1), ("2024Q3", 2, 1, 1, 0)]
    year = dict(zip(("persons", "positive_persons"), (2, 1)))
    from analysis import hair
    from analysis.access import WHOLE_BANNER
    from analysis.filters import Filters
    totals = hair.totals(Filters("2024Q1", "2024Q4"), WHOLE_BANNER)
    assert {k: totals[k] for k in year} == year
    assert hair.totals(Filters("2024Q3", "2024Q3"), WHOLE_BANNER)["persons"] == 2
    assert hair.persons_distinct(Filters("2024Q1", "2024Q4"))
    assert not hair.persons_distinct(Filters("2023Q3", "2024Q3"))      # a year back: counted per quarter
    assert hair.totals(Filters("2024Q2", "2024Q3"), WHOLE_BANNER)["persons"] == 2
