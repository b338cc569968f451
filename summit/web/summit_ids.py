"""Which summit a slug names, remembered by each process for its page sockets."""

from __future__ import annotations


class SummitIds:
    """The id of every summit slug this process has read.

    A summit's slug never changes and no summit is deleted, so an id once read stays right for
    the life of the process: after a restart or a network blip thousands of pages reconnect at
    once, and a page socket of someone not signed in is admitted without a trip to the database
    (each trip is a worker thread's query whose garbage stays, scattered, between the sockets
    kept open). A slug no summit has is not remembered: a summit may be created under it.
    """

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def get(self, slug: str) -> int | None:
        return self._ids.get(slug)

    def remember(self, slug: str, summit_id: int) -> None:
        self._ids[slug] = summit_id
