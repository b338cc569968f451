"""The vendored front-end files match static/vendor/SHA256SUMS, and nothing is unlisted."""

import hashlib
from pathlib import Path, PurePosixPath

VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor"
SUMS_FILE = VENDOR_DIR / "SHA256SUMS"
# Files that live under static/vendor but are not vendored code.
UNLISTED_NAMES = {"SHA256SUMS", "VENDORED.md"}


def _is_licence(path: Path) -> bool:
    name = path.name.upper()
    return name.startswith(("LICENSE", "LICENCE", "COPYING"))


def _read_sums() -> dict[str, str]:
    """Parse `sha256sum` output: '<64 hex><space><space or *><relative path>'."""
    sums: dict[str, str] = {}
    for lineno, line in enumerate(SUMS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, rest = line.partition(" ")
        assert sep and rest[:1] in (" ", "*"), f"SHA256SUMS:{lineno}: malformed line {line!r}"
        name = rest[1:]
        assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest), (
            f"SHA256SUMS:{lineno}: bad digest {digest!r}"
        )
        rel = PurePosixPath(name)
        assert not rel.is_absolute() and ".." not in rel.parts, (
            f"SHA256SUMS:{lineno}: path must be relative to static/vendor: {name!r}"
        )
        assert name not in sums, f"SHA256SUMS:{lineno}: {name} listed twice"
        sums[name] = digest
    return sums


def test_checksum_file_is_not_empty() -> None:
    assert _read_sums(), "static/vendor/SHA256SUMS lists no files"


def test_vendored_files_match_checksums() -> None:
    mismatches: list[str] = []
    for name, expected in sorted(_read_sums().items()):
        path = VENDOR_DIR / name
        if not path.is_file():
            mismatches.append(f"{name}: missing")
            continue
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            mismatches.append(f"{name}: expected {expected}, got {actual}")
    assert not mismatches, "vendored files differ from SHA256SUMS:\n" + "\n".join(mismatches)


def test_every_vendored_file_is_listed() -> None:
    listed = set(_read_sums())
    on_disk = {
        path.relative_to(VENDOR_DIR).as_posix()
        for path in VENDOR_DIR.rglob("*")
        if path.is_file() and path.name not in UNLISTED_NAMES and not _is_licence(path)
    }
    unlisted = sorted(on_disk - listed)
    assert not unlisted, "files under static/vendor missing from SHA256SUMS: " + ", ".join(unlisted)


def test_test_only_vendored_files_match_their_checksums() -> None:
    """axe-core, which only the accessibility tests load into pages (tests/browser/vendor)."""
    folder = Path(__file__).resolve().parent / "browser" / "vendor"
    listed = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name not in {"SHA256SUMS", "README.md"}
    }

    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
