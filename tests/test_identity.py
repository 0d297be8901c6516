"""GB 11643 identity numbers: the Python rule and its SQL twin give the same answers."""
from __future__ import annotations

import random
from datetime import date

import duckdb
import pytest

from domain import identity
from pipelines.privacy import hmac_sql, pseudonym

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "11010519491231002x"])
def test_spec_vectors_pass(number):
    assert identity.problem(identity.normalise(number), TODAY) is None


@pytest.mark.parametrize("number, problem", [
    ("110105194912310021", "id_checksum"),
    ("11010519491231002", "id_format"),
    ("1101051949123100A2", "id_format"),
    ("110105194902300020", "id_birth_date"),   # 30 February: checksum made valid below
])
def test_bad_numbers_are_named(number, problem):
    if problem == "id_birth_date":
        number = number[:17] + identity.check_char(number[:17])
    assert identity.problem(number, TODAY) == problem


def test_future_birth_date_is_rejected():
    first17 = "11010520300101001"
    assert identity.problem(first17 + identity.check_char(first17), TODAY) == "id_birth_date"


def _numbers(n: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(n):
        first17 = f"{rng.randint(110000, 659999)}{rng.randint(1900, 2030)}{rng.randint(1, 13):02d}" \
                  f"{rng.randint(1, 31):02d}{rng.randint(0, 999):03d}"
        check = identity.check_char(first17) if rng.random() < 0.7 else rng.choice("0123456789X")
        out.append(first17 + check)
    return out + ["", "123", "11010519491231002Y"]


def test_sql_twin_agrees_with_python():
    numbers = _numbers(3000)
    con = duckdb.connect()
    con.execute("create table ids (n varchar)")
    con.executemany("insert into ids values (?)", [[n] for n in numbers])
    rows = con.execute(f"select n, {identity.problem_sql('n', TODAY)}, {identity.mask_sql('n')} from ids").fetchall()
    for n, problem, masked in rows:
        assert problem == identity.problem(n, TODAY), n
        assert masked == identity.mask(n)
    assert sum(p is None for _, p, _ in rows) > 1000  # the sample holds valid numbers too


def test_mask_shows_region_and_last_four_only():
    assert identity.mask("15082319850312001X") == "150823********001X"


def test_pseudonym_sql_equals_python_hmac():
    key = bytes(range(32))
    con = duckdb.connect()
    for n in _numbers(50):
        assert con.execute(f"select {hmac_sql('?', key)}", [n]).fetchall()[0][0] == pseudonym(n, key)
    assert pseudonym("11010519491231002X", key) != pseudonym("11010519491231002X", key[::-1])
