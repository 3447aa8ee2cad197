"""Reading scanned files safely: size limit, binary detection, unreadable files.

Nothing here interprets content; it only decides whether a file can be handed to
an analyzer, and says why not when it cannot.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
_SNIFF = 8192


@dataclass(frozen=True)
class Loaded:
    data: bytes | None
    skip_reason: str | None = None


def load(path: str | Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Loaded:
    """Read a file for analysis, or return why it is skipped."""
    try:
        size = os.stat(path).st_size
    except OSError as error:
        return Loaded(None, f"unreadable: {error.strerror or error}")
    if size > max_size:
        return Loaded(None, f"too large: {size} bytes (limit {max_size})")
    try:
        with open(path, "rb") as handle:
            data = read_up_to(handle, size, max_size)
    except OSError as error:
        return Loaded(None, f"unreadable: {error.strerror or error}")
    if len(data) > max_size:
        return Loaded(None, f"too large: more than {max_size} bytes")
    if is_binary(data):
        return Loaded(None, "binary content")
    return Loaded(data)


def read_up_to(handle: BinaryIO, size: int, limit: int) -> bytes:
    """The first `limit + 1` bytes at most (more than `limit`: too large) of a file whose size was `size`.

    Asked for `size + 1` first: a read of `limit + 1` makes a buffer that large for every file (2 MB), which glibc
    then serves from a heap that never gives back, the parent's memory growing with the files it scanned."""
    data = handle.read(min(size, limit) + 1)
    if len(data) > size:  # it grew since
        data += handle.read(limit + 1 - len(data))
    return data


def is_binary(data: bytes) -> bool:
    """NUL bytes mean binary, unless the file is UTF-16/32 text with a byte-order mark."""
    head = data[:_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def digest(data: bytes) -> str:
    """A content hash: tells whether a file still holds what was analyzed."""
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes) -> str:
    """Text of a non-Python file: UTF-8 (BOM-aware), UTF-16 by BOM, undecodable bytes replaced."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def split_lines(text: str) -> list[str]:
    """Lines without their endings; CRLF and lone CR count as line breaks like LF."""
    return text.splitlines()
