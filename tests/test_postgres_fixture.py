"""The postgres_url fixture starts a real server that accepts only the password it hands out."""

import psycopg
import pytest

pytestmark = pytest.mark.postgres


def test_create_table_and_read_it_back(postgres_url):
    with psycopg.connect(postgres_url.conninfo, password=postgres_url.password) as con:
        con.execute("CREATE TABLE vbak (vbeln varchar(10) PRIMARY KEY, netwr numeric(15, 2))")
        con.execute("INSERT INTO vbak VALUES ('0000000001', 120.50), ('0000000002', 7.00)")
        rows = con.execute("SELECT vbeln, netwr FROM vbak ORDER BY vbeln").fetchall()

    assert [(vbeln, float(netwr)) for vbeln, netwr in rows] == [
        ("0000000001", 120.5),
        ("0000000002", 7.0),
    ]


def test_url_carries_no_password_and_wrong_password_is_refused(postgres_url):
    assert postgres_url.password not in postgres_url.url
    assert postgres_url.env["O2C_SAP_PASSWORD"] == postgres_url.password
    assert postgres_url.env["O2C_SAP_URL"] == postgres_url.url
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres_url.conninfo, password="not-the-password")


def test_sqlalchemy_url_connects_with_password_from_environment(postgres_url):
    import sqlalchemy as sa

    url = sa.make_url(postgres_url.url).set(password=postgres_url.env["O2C_SAP_PASSWORD"])
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            assert con.execute(sa.text("SELECT current_user")).scalar() == "o2c_test"
    finally:
        engine.dispose()
