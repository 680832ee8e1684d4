"""The engine factory works on the real PostgreSQL and on SQLite alike."""

import uuid
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from shared.db import make_engine


class Probe(SQLModel, table=True):
    __tablename__ = "db_probe"
    id: str = Field(primary_key=True)
    hours: float


def round_trip(engine: Engine) -> list[float]:
    SQLModel.metadata.create_all(engine, tables=[SQLModel.metadata.tables["db_probe"]])
    key = uuid.uuid4().hex
    with Session(engine) as session:
        session.add(Probe(id=key, hours=151.67))
        session.commit()
    with Session(engine) as session:
        return [probe.hours for probe in session.exec(select(Probe).where(Probe.id == key))]


def test_a_row_written_to_postgresql_reads_back(postgres_url: str) -> None:
    engine = make_engine(postgres_url)

    hours = round_trip(engine)

    assert engine.dialect.name == "postgresql"
    assert hours == [151.67]


def test_a_row_written_to_sqlite_reads_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'probe.db'}")

    hours = round_trip(engine)

    assert engine.dialect.name == "sqlite"
    assert hours == [151.67]
