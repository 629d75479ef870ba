#!/usr/bin/env bash
# Regenerates the seed corpus of smtp_fuzz (tests/fuzz/corpus/smtp_fuzz/) from the SMTP
# transcripts: one input per transcript holding what its client sends (the "C:" lines with CRLF
# and the "@send" bytes), behind the two bytes smtp_fuzz.cpp reads first (listener and STARTTLS
# from the transcript's @config, and a read-size seed).
#   tests/fuzz/smtp_seed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

python3 - <<'PYTHON'
import pathlib
import re

out = pathlib.Path("tests/fuzz/corpus/smtp_fuzz")
out.mkdir(parents=True, exist_ok=True)
for old in out.glob("*"):
    old.unlink()

ESCAPES = {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\", '"': b'"'}

def unescape(quoted):
    text = quoted.strip()[1:-1]
    data, i = bytearray(), 0
    while i < len(text):
        if text[i] != "\\":
            data += text[i].encode()
            i += 1
        elif text[i + 1] == "x":
            data.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            data += ESCAPES[text[i + 1]]
            i += 2
    return bytes(data)

for number, path in enumerate(sorted(pathlib.Path("tests/transcripts/smtp").glob("*.txt"))):
    listener, tls_off, stream = 0, 0, bytearray()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"  #.*$", "", line)
        if line.startswith("C:"):
            stream += line[3:].encode() + b"\r\n"
        elif line.startswith("@send "):
            stream += unescape(line[6:])
        elif line.startswith("@config listener"):
            listener = ["smtp", "submission", "submissions"].index(line.split("=")[1].strip())
        elif line.startswith("@config tls") and line.split("=")[1].strip() == "off":
            tls_off = 1
    seed = bytes([listener + 3 * tls_off, number % 256])
    (out / path.stem).write_bytes(seed + bytes(stream))
print(f"smtp_seed: {len(list(out.glob('*')))} inputs in {out}")
PYTHON
