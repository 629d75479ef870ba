#!/usr/bin/env bash
# Regenerates the seed corpus of imap_fuzz (tests/fuzz/corpus/imap_fuzz/) from the IMAP
# transcripts: one input per transcript holding what its client sends (the "C:" lines joined with
# CRLF), behind the control byte imap_fuzz.cpp reads first. The control byte varies with the
# transcript so that the seeds cover every read chunk size, literal mode and UTF8=ACCEPT.
#   tests/fuzz/imap_seed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

python3 - <<'PYTHON'
import pathlib

out = pathlib.Path("tests/fuzz/corpus/imap_fuzz")
out.mkdir(parents=True, exist_ok=True)
for old in out.glob("*"):
    old.unlink()

paths = sorted(pathlib.Path("tests/transcripts/imap").rglob("*.txt"))
for number, path in enumerate(paths):
    stream = bytearray()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == "C:" or line.startswith("C: "):
            stream += line[3:].encode() + b"\r\n"
    # Bits 6-7: command length limit (largest, so that seeds parse); bits 4-5: literal mode;
    # bit 3: UTF8=ACCEPT; bits 0-2: read chunk size.
    control = 0xC0 | ((number % 3) << 4) | (8 if number % 2 else 0) | (number % 8)
    name = str(path.relative_to("tests/transcripts/imap")).removesuffix(".txt").replace("/", "-")
    (out / name).write_bytes(bytes([control]) + bytes(stream))
print(f"imap_seed: {len(list(out.glob('*')))} inputs in {out}")
PYTHON
