"""Which video players a session page may embed, and the stream addresses they play.

A deployment allows providers (``SUMMIT_STREAM_PROVIDERS``, and ``SUMMIT_HLS_ORIGINS`` for its
own HLS servers); an address from anywhere else is refused when an organiser enters it, and the
Content-Security-Policy's ``frame-src`` and ``media-src`` name the allowed hosts and nothing
else, so a page cannot frame anything else either. Pure: no Starlette, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

PROVIDERS = ("youtube-nocookie", "vimeo", "hls")
"""Every provider Summit knows how to embed."""

CHANNELS = ("floor", "en", "fr", "es", "ar")
"""A session's channels: the floor (the room's own sound) and one interpretation per language
OGP works in. The form has a field for each, and the API accepts these keys only."""

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}

YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/"
VIMEO_EMBED = "https://player.vimeo.com/video/"


@dataclass(frozen=True)
class Embed:
    """What a player loads: a frame's address, or an HLS playlist for the page's own video."""

    provider: str
    src: str

    @property
    def kind(self) -> Literal["frame", "hls"]:
        return "hls" if self.provider == "hls" else "frame"


@dataclass(frozen=True)
class PlayerPolicy:
    """The providers a deployment allows."""

    providers: frozenset[str]
    hls_origins: frozenset[str]
    """``https://host[:port]`` of the servers whose HLS playlists pages may play."""

    @classmethod
    def parse(cls, providers: str, hls_origins: str) -> PlayerPolicy:
        """From the settings' comma-separated lists (checked there)."""
        return cls(
            providers=frozenset(name.strip() for name in providers.split(",") if name.strip()),
            hls_origins=frozenset(
                origin.strip().rstrip("/") for origin in hls_origins.split(",") if origin.strip()
            ),
        )

    def embed(self, url: str) -> Embed | None:
        """The player for ``url``; None when no allowed provider plays it."""
        parts = urlsplit(url.strip())
        if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
            return None
        host = parts.hostname.lower()
        segments = [segment for segment in parts.path.split("/") if segment]
        if "youtube-nocookie" in self.providers:
            video = _youtube_id(host, segments, parts.query)
            if video is not None:
                return Embed("youtube-nocookie", YOUTUBE_EMBED + video)
        if "vimeo" in self.providers:
            video = _vimeo_id(host, segments)
            if video is not None:
                return Embed("vimeo", VIMEO_EMBED + video)
        if "hls" in self.providers and parts.path.endswith(".m3u8"):
            origin = f"https://{parts.netloc.lower()}"
            if origin in self.hls_origins and not parts.fragment:
                return Embed("hls", url.strip())
        return None

    @property
    def frame_sources(self) -> list[str]:
        """What the CSP's ``frame-src`` allows (besides nothing)."""
        hosts = []
        if "youtube-nocookie" in self.providers:
            hosts.append("https://www.youtube-nocookie.com")
        if "vimeo" in self.providers:
            hosts.append("https://player.vimeo.com")
        return hosts

    @property
    def media_sources(self) -> list[str]:
        """What the CSP's ``media-src`` (and ``connect-src``, as hls.js fetches the playlist
        and its segments itself) allows: the HLS servers, and the ``blob:`` addresses through
        which hls.js hands the video to the page's player."""
        if "hls" not in self.providers or not self.hls_origins:
            return []
        return [*sorted(self.hls_origins), "blob:"]


DEFAULT_PLAYERS = PlayerPolicy(frozenset({"youtube-nocookie", "vimeo"}), frozenset())
"""The providers allowed when the settings say nothing (their default)."""


def _youtube_id(host: str, segments: list[str], query: str) -> str | None:
    """The video id of a YouTube address: an embed (either host), a watch page, a live page
    or a short link."""
    found: str | None = None
    if host in {"www.youtube-nocookie.com", *_YOUTUBE_HOSTS} and len(segments) == 2:
        if segments[0] in {"embed", "live"}:
            found = segments[1]
    elif host in _YOUTUBE_HOSTS and segments == ["watch"]:
        found = next(iter(parse_qs(query).get("v", [])), None)
    elif host == "youtu.be" and len(segments) == 1:
        found = segments[0]
    return found if found is not None and _YOUTUBE_ID.match(found) else None


def _vimeo_id(host: str, segments: list[str]) -> str | None:
    if host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        found = segments[1]
    elif host in {"vimeo.com", "www.vimeo.com"} and len(segments) == 1:
        found = segments[0]
    else:
        return None
    return found if _VIMEO_ID.match(found) else None


def unplayable(
    players: PlayerPolicy, *, channels: Mapping[str, str], recording_url: str | None
) -> list[str]:
    """The fields (``channel_<name>``, ``recording_url``) whose address no allowed provider
    plays, in the form's order."""
    refused = [
        f"channel_{name}"
        for name in CHANNELS
        if name in channels and players.embed(channels[name]) is None
    ]
    if recording_url and players.embed(recording_url) is None:
        refused.append("recording_url")
    return refused


def playable(
    players: PlayerPolicy, *, channels: Mapping[str, str], recording_url: str | None
) -> dict[str, Any]:
    """The room's addresses as the players load them (checked by ``unplayable`` first)."""

    def src(url: str) -> str:
        embed = players.embed(url)
        return embed.src if embed is not None else url

    return {
        "channels": {name: src(channels[name]) for name in CHANNELS if name in channels},
        "recording_url": src(recording_url) if recording_url else None,
    }


def channel_for(channels: dict[str, str], language: str) -> str | None:
    """The channel a viewer hears first: their language's interpretation, else the floor,
    else the first there is."""
    for wanted in (language, "floor"):
        if wanted in channels:
            return wanted
    return next((name for name in CHANNELS if name in channels), None)
