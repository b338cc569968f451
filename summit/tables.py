"""Imports every context's tables, so that ``SQLModel.metadata`` is complete."""

from sqlmodel import SQLModel

from summit import eventlog
from summit.agenda import models as agenda
from summit.auth import models as auth
from summit.awards import models as awards
from summit.bodies import models as bodies
from summit.elections import models as elections
from summit.mail import models as mail
from summit.people import models as people
from summit.polls import models as polls
from summit.practices import models as practices
from summit.qa import models as qa

metadata = SQLModel.metadata
__all__ = [
    "agenda",
    "auth",
    "awards",
    "bodies",
    "elections",
    "eventlog",
    "mail",
    "metadata",
    "people",
    "polls",
    "practices",
    "qa",
]
