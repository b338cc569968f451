"""People's photos: checked like award attachments (by their leading bytes, not their name),
then decoded and written again by Pillow, smaller and without their metadata.

Re-encoding is the point: what is stored and served is an image Pillow made, so neither a
polyglot file nor the camera's location (EXIF) survives the upload.
"""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from summit.awards.attachments import check_upload
from summit.errors import DomainError

PHOTO_SIDE = 480
"""The longest side of a stored photo, in pixels: enough for a speaker page on any screen."""
MAX_PIXELS = 40_000_000
"""A larger image is refused before it is decoded (a small file can claim a huge image)."""
PHOTO_FOLDER = "photos"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp"}


def resized_photo(name: str, data: bytes) -> bytes:
    """The upload as a JPEG at most ``PHOTO_SIDE`` pixels on its longest side, or a refusal."""
    try:
        content_type = check_upload(name, data)
    except DomainError as refused:
        raise DomainError(refused.template, field="photo", **refused.params) from refused
    if content_type not in IMAGE_TYPES:
        raise DomainError("%(name)s is not a PNG, JPEG or WebP image.", field="photo", name=name)
    try:
        with warnings.catch_warnings():
            # Pillow warns before it refuses; the limit below is ours, the warning an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise DomainError("This image is too large.", field="photo")
                image.load()
                upright = ImageOps.exif_transpose(image).convert("RGB")
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as broken:
        raise DomainError(
            "%(name)s could not be read as an image.", field="photo", name=name
        ) from broken
    except Image.DecompressionBombWarning as bomb:
        raise DomainError("This image is too large.", field="photo") from bomb
    upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def store_photo(folder: Path, data: bytes) -> str:
    """Write a re-encoded photo under a random name; returns the name."""
    photos = folder / PHOTO_FOLDER
    photos.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(24)}.jpg"
    with (photos / stored_name).open("xb") as handle:
        handle.write(data)
    return stored_name


def photo_path(folder: Path, stored_name: str) -> Path:
    # Stored names are ours (hex), never the sender's, so this cannot leave the folder.
    return folder / PHOTO_FOLDER / stored_name
