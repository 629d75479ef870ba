#!/usr/bin/env bash
# Regenerates the seed corpus of imap_session_fuzz (tests/fuzz/corpus/imap_session_fuzz/) from the
# IMAP session transcripts: one input per transcript and connection holding what that client sends
# (its "C:" lines joined with CRLF), behind the control byte imap_session_fuzz.cpp reads first.
# The transcripts log in as alice@example.gov.vn / alice-password, the fuzzer's account; the
# control byte asks for implicit TLS (logins allowed) except for the STARTTLS transcripts, a
# second session making changes for every other input, and varies the read chunk size.
#   tests/fuzz/imap_session_seed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

python3 - <<'PYTHON'
import pathlib
import re

out = pathlib.Path("tests/fuzz/corpus/imap_session_fuzz")
out.mkdir(parents=True, exist_ok=True)
for old in out.glob("*"):
    old.unlink()

paths = sorted(pathlib.Path("tests/transcripts/imap").glob("*.txt"))
number = 0
for path in paths:
    streams = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(?:(\d+):)?C:(?: (.*))?$", line)
        if match:
            streams.setdefault(match.group(1) or "1", bytearray()).extend(
                (match.group(2) or "").encode() + b"\r\n")
    for connection, stream in sorted(streams.items()):
        # Bits 0-2: read chunk size (1 << 2n bytes; 7 = whole lines mostly); bit 3: implicit
        # TLS; bit 4: a second session makes changes.
        tls = 0 if "starttls" in path.name and "implicit" not in path.name else 8
        control = (7 if number % 3 else number % 7) | tls | (16 if number % 2 else 0)
        name = path.stem + ("" if connection == "1" else f"-{connection}")
        (out / name).write_bytes(bytes([control]) + bytes(stream))
        number += 1
print(f"imap_session_seed: {len(list(out.glob('*')))} inputs in {out}")
PYTHON
