"""Times the programme's search over a summit of 3,000 sessions, on SQLite and on PostgreSQL.

    python bench/search.py [--sessions 3000] [--rounds 20] [--postgres URL | --no-postgres]

Builds the summit through the services (titles and abstracts in English, most also in French,
many in Arabic, made from the vocabulary of an open-government summit; 400 speakers in 40
delegations; six themes), publishes it (which fills the search index), then runs a set of
realistic queries, each ``--rounds`` times, in a read transaction as a page does, and prints
the median and 95th percentile per database. PostgreSQL is the server named by ``--postgres``
(default: ``SUMMIT_TEST_POSTGRES_URL``, or the local test server); the bench makes a database
of its own there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from summit.agenda.forms import (  # noqa: E402
    SessionInput,
    SessionPersonInput,
    StreamInput,
    SummitInput,
    TrackInput,
)
from summit.agenda.models import SessionKind, SessionRoleKind, SessionSearch, Summit  # noqa: E402
from summit.agenda.publishing import publish  # noqa: E402
from summit.agenda.search import ranked_ids  # noqa: E402
from summit.agenda.services import (  # noqa: E402
    upsert_session,
    upsert_stream,
    upsert_summit,
    upsert_track,
)
from summit.db import Database, create_db_engine  # noqa: E402
from summit.migrate import upgrade  # noqa: E402
from summit.people.forms import DelegationInput, PersonInput  # noqa: E402
from summit.people.models import DelegationKind, DelegationRole  # noqa: E402
from summit.people.services import upsert_delegation, upsert_person  # noqa: E402
from summit.persistence import pk  # noqa: E402
from summit.settings import Settings  # noqa: E402

THEMES = [
    ("civic-space", "Civic space", "Espace civique", "الفضاء المدني"),
    ("anti-corruption", "Anti-corruption", "Lutte contre la corruption", "مكافحة الفساد"),
    (
        "digital",
        "Inclusive digital innovation",
        "Innovation numérique inclusive",
        "الابتكار الرقمي",
    ),
    ("integrity", "Integrity", "Intégrité", "النزاهة"),
    ("participation", "Public participation", "Participation du public", "المشاركة العامة"),
    ("open-data", "Open data", "Données ouvertes", "البيانات المفتوحة"),
]
COUNTRIES = [
    ("Morocco", "Maroc", "المغرب"),
    ("Kenya", "Kenya", "كينيا"),
    ("Nigeria", "Nigéria", "نيجيريا"),
    ("Tunisia", "Tunisie", "تونس"),
    ("Estonia", "Estonie", "إستونيا"),
    ("Korea", "Corée", "كوريا"),
    ("Côte d'Ivoire", "Côte d'Ivoire", "كوت ديفوار"),
    ("Burkina Faso", "Burkina Faso", "بوركينا فاسو"),
    ("South Africa", "Afrique du Sud", "جنوب إفريقيا"),
    ("United Kingdom", "Royaume-Uni", "المملكة المتحدة"),
]
# (English, French, Arabic) topics that titles and abstracts are made of.
TOPICS = [
    ("open contracting", "commande publique ouverte", "التعاقد المفتوح"),
    ("beneficial ownership", "bénéficiaires effectifs", "الملكية النفعية"),
    ("access to information", "accès à l'information", "الحق في الحصول على المعلومات"),
    ("citizen participation", "participation citoyenne", "مشاركة المواطنين"),
    ("open budgets", "budgets ouverts", "الميزانيات المفتوحة"),
    ("digital public services", "services publics numériques", "الخدمات العمومية الرقمية"),
    ("local government", "gouvernement local", "الحكومة المحلية"),
    ("asset recovery", "recouvrement des avoirs", "استرداد الأصول"),
    ("whistleblower protection", "protection des lanceurs d'alerte", "حماية المبلغين"),
    ("gender equality", "égalité des genres", "المساواة بين الجنسين"),
    ("climate transparency", "transparence climatique", "الشفافية المناخية"),
    ("artificial intelligence", "intelligence artificielle", "الذكاء الاصطناعي"),
    ("open data portals", "portails de données ouvertes", "بوابات البيانات المفتوحة"),
    ("regional development", "développement régional", "التنمية الجهوية"),
    ("peer learning networks", "réseaux d'apprentissage entre pairs", "شبكات التعلم بين الأقران"),
    ("action plans", "plans d'action", "خطط العمل"),
    ("justice and the rule of law", "justice et État de droit", "العدالة وسيادة القانون"),
    ("youth engagement", "engagement des jeunes", "إشراك الشباب"),
]
FORMATS = [
    ("{a} and {b}: lessons from {c}", "{a} et {b} : leçons de {c}", "{a} و{b}: دروس من {c}"),
    ("How {c} reforms {a}", "Comment {c} réforme {a}", "كيف يصلح {c} {a}"),
    ("Workshop on {a}", "Atelier sur {a}", "ورشة حول {a}"),
    ("{a} in practice", "{a} en pratique", "{a} في الممارسة"),
]
SENTENCES = [
    (
        "Delegations from {c} and {d} share what they learned about {a}.",
        "Les délégations de {c} et de {d} partagent leur expérience de {a}.",
        "تتقاسم وفود {c} و{d} ما تعلمته في مجال {a}.",
    ),
    (
        "The session reviews commitments on {a} in national action plans and how civil society"
        " monitors them.",
        "La séance passe en revue les engagements relatifs à {a} dans les plans d'action"
        " nationaux et leur suivi par la société civile.",
        "تستعرض الجلسة الالتزامات المتعلقة بـ{a} في خطط العمل الوطنية وكيفية متابعة المجتمع"
        " المدني لها.",
    ),
    (
        "Speakers discuss the links between {a} and {b}, with examples from ministries, cities"
        " and regional councils.",
        "Les intervenants examinent les liens entre {a} et {b}, avec des exemples de ministères,"
        " de villes et de conseils régionaux.",
        "يناقش المتحدثون الصلة بين {a} و{b}، مع أمثلة من الوزارات والمدن والمجالس الجهوية.",
    ),
    (
        "Participants will leave with practical tools for {b}.",
        "Les participants repartiront avec des outils pratiques pour {b}.",
        "سيغادر المشاركون بأدوات عملية من أجل {b}.",
    ),
    (
        "A digital platform for sharing good practices on {a} is presented.",
        "Une plateforme numérique de partage des bonnes pratiques sur {a} est présentée.",
        "تُقدَّم منصة رقمية لتبادل الممارسات الجيدة في مجال {a}.",
    ),
]
QUERIES = [
    "network learning",
    "open contracting",
    "beneficial ownership kenya",
    "civic space",
    "transpar",
    "whistleblower",
    "digital public services morocco",
    "réseaux apprentissage",
    "participation citoyenne",
    "commande publique",
    "egalite des genres",
    "الحكومة المفتوحة",
    "مكافحة الفساد",
    "شبكات التعلم",
    "المشاركة العامة تونس",
    "speaker 17",
    "lessons estonia",
    "a",
    "action plans",
    "climate",
]


def _texts(rng: random.Random, triple: tuple[str, str, str], share: float) -> dict[str, str]:
    """English always; French for ``share`` of them, Arabic for half of that."""
    en, fr, ar = triple
    texts = {"en": en}
    draw = rng.random()
    if draw < share:
        texts["fr"] = fr
    if draw < share / 2:
        texts["ar"] = ar
    return texts


def build(db: Session, *, sessions: int, seed: int = 2021) -> Summit:
    """A published summit of ``sessions`` sessions with realistic words, through the services."""
    rng = random.Random(seed)
    days = 5
    streams = 20
    per_stream_per_day = -(-sessions // (days * streams))
    first_day = date(2021, 12, 15)
    summit = upsert_summit(
        db,
        data=SummitInput(
            slug="search-bench",
            name={"en": "Search bench summit"},
            start_date=first_day,
            end_date=first_day + timedelta(days=days - 1),
            timezone="Asia/Seoul",
        ),
    )
    tracks = [
        pk(
            upsert_track(
                db, summit=summit, data=TrackInput(slug=slug, name=dict(en=en, fr=fr, ar=ar))
            )
        )
        for slug, en, fr, ar in THEMES
    ]
    delegations = []
    for index in range(40):
        en, fr, ar = COUNTRIES[index % len(COUNTRIES)]
        suffix = "" if index < len(COUNTRIES) else f" {index // len(COUNTRIES)}"
        delegations.append(
            pk(
                upsert_delegation(
                    db,
                    summit=summit,
                    data=DelegationInput(
                        slug=f"delegation-{index}",
                        name={"en": en + suffix, "fr": fr + suffix, "ar": ar + suffix},
                        kind=DelegationKind.CIVIL_SOCIETY,
                    ),
                )
            )
        )
    people = [
        pk(
            upsert_person(
                db,
                summit=summit,
                data=PersonInput(
                    slug=f"speaker-{index}",
                    full_name=f"Speaker {index} Fictional",
                    delegation_id=delegations[index % len(delegations)],
                    delegation_role=DelegationRole.MEMBER,
                ),
            )
        )
        for index in range(400)
    ]
    stream_ids = [
        pk(
            upsert_stream(
                db,
                summit=summit,
                data=StreamInput(slug=f"room-{index}", name={"en": f"Room {index}"}),
            )
        )
        for index in range(streams)
    ]
    made = 0
    for day in range(days):
        for stream_id in stream_ids:
            for slot in range(per_stream_per_day):
                if made == sessions:
                    break
                a, b = rng.sample(TOPICS, 2)
                country, other = rng.sample(COUNTRIES, 2)
                form = rng.choice(FORMATS)
                words = {"a": a, "b": b, "c": country, "d": other}
                title = tuple(
                    form[lang].format(**{key: value[lang] for key, value in words.items()})
                    for lang in range(3)
                )
                chosen = rng.sample(SENTENCES, 4)
                abstract = tuple(
                    " ".join(
                        sentence[lang].format(**{key: value[lang] for key, value in words.items()})
                        for sentence in chosen
                    )
                    for lang in range(3)
                )
                share = rng.random()
                starts = datetime(2021, 12, 14, 21, tzinfo=UTC) + timedelta(
                    days=day, minutes=30 * slot
                )
                upsert_session(
                    db,
                    summit=summit,
                    data=SessionInput(
                        code=f"S{made:05d}",
                        kind=rng.choice(list(SessionKind)),
                        title=_texts(rng, title, share),  # type: ignore[arg-type]
                        abstract=_texts(rng, abstract, share),  # type: ignore[arg-type]
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=30),
                        stream_id=stream_id,
                        track_id=rng.choice(tracks),
                        languages=["en"],
                        is_published=True,
                        people=[
                            SessionPersonInput(person_id=person, role=SessionRoleKind.SPEAKER)
                            for person in rng.sample(people, rng.randint(1, 4))
                        ],
                    ),
                )
                made += 1
    publish(db, summit=summit, comment="Search bench", now=datetime(2021, 12, 1, tzinfo=UTC))
    return summit


def measure(database: Database, *, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per run of each query (``rounds`` runs), with what it found."""
    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    with database.read() as db:
        summit = db.exec(select(Summit).where(Summit.slug == "search-bench")).one()
    for _ in range(rounds):
        for query in QUERIES:
            with database.read() as db:
                started = time.perf_counter()
                ranked_ids(db, summit=summit, query=query)
                timings[query].append((time.perf_counter() - started) * 1000)
    return timings


def report(label: str, database: Database, *, sessions: int, rounds: int) -> None:
    started = time.perf_counter()
    with database.write() as db:
        build(db, sessions=sessions)
    if database.engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load in production: without statistics the
        # planner guesses, and the first queries can take ten times as long.
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    with database.read() as db:
        indexed = len(db.exec(select(SessionSearch.id)).all())
        summit = db.exec(select(Summit).where(Summit.slug == "search-bench")).one()
        found = {query: len(ranked_ids(db, summit=summit, query=query)) for query in QUERIES}
    built = time.perf_counter() - started
    measure(database, rounds=1)  # warm the caches, as a running server has them
    timings = measure(database, rounds=rounds)
    every = sorted(value for values in timings.values() for value in values)
    p95 = every[int(len(every) * 0.95) - 1]
    print(
        f"{label}: {indexed} sessions indexed (built in {built:.0f} s); {len(every)} queries:"
        f" median {statistics.median(every):.2f} ms, p95 {p95:.2f} ms, max {every[-1]:.2f} ms"
        f" (load average {os.getloadavg()[0]:.1f})"
    )
    for query, values in timings.items():
        print(
            f"  {query!r:<36} {found[query]:>5} found   median {statistics.median(values):6.2f} ms"
        )


@contextmanager
def postgres_database(url: str) -> Iterator[Database]:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"summit_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(create_engine(make_url(url).set(database=name)))
    try:
        upgrade(database.engine)
        yield database
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "SUMMIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.sessions} sessions; {len(QUERIES)} queries × {args.rounds} rounds per database;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db", environment="test")
        database = Database(create_db_engine(settings))
        upgrade(database.engine)
        try:
            report("SQLite", database, sessions=args.sessions, rounds=args.rounds)
        finally:
            database.dispose()
    if not args.no_postgres:
        with postgres_database(args.postgres) as database:
            report("PostgreSQL", database, sessions=args.sessions, rounds=args.rounds)


if __name__ == "__main__":
    main()
