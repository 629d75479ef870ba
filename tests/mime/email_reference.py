#!/usr/bin/env python3
"""Reference values from Python's email package, for mime_test's cross-check.

Usage: email_reference.py MESSAGE_FILE   (prints one JSON object)

Header values are decoded the way govmail documents it (mime/decode.hpp): unfolded, raw 8-bit
bytes read as UTF-8 when valid, else as windows-1258, RFC 2047 encoded words decoded by Python's
header registry; every string is NFC-normalised. Parts are the leaves of Message.walk() (parts
that are not multipart and not message/rfc822 containers), with their decoded payloads.

Where govmail deliberately differs, this script reports govmail's reading so that the comparison
stays strict everywhere else:
  - a multipart whose boundary never occurs stays "multipart/..." in Python (with its text as
    payload); govmail describes it as text/plain;
  - RFC 2047 encoded words inside a quoted filename are decoded (what mail clients do), which
    get_filename() leaves alone.
"""
import email
import email.header
import email.policy
import json
import sys
import unicodedata


def nfc(s):
    return None if s is None else unicodedata.normalize("NFC", s)


def header(raw_msg, name):
    """The header object of policy.default for the first `name` field, or None."""
    for field, value in raw_msg.raw_items():
        if field.lower() != name:
            continue
        data = value.encode("ascii", "surrogateescape").replace(b"\r", b"").replace(b"\n", b"")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1258")
        return email.policy.default.header_factory(name, text)
    return None


def filename(part):
    name = part.get_filename()
    if name is None:
        return None
    return nfc(str(email.header.make_header(email.header.decode_header(name))))


def addresses(raw_msg, name):
    h = header(raw_msg, name)
    if h is None:
        return []
    return [[nfc(a.display_name), a.addr_spec] for a in h.addresses]


def main():
    data = open(sys.argv[1], "rb").read()
    raw_msg = email.message_from_bytes(data, policy=email.policy.compat32)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    subject = header(raw_msg, "subject")
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        content_type = part.get_content_type()
        if part.get_content_maintype() == "multipart":
            content_type = "text/plain"
        parts.append({
            "type": content_type,
            "payload": payload.hex(),
            "filename": filename(part),
        })
    print(json.dumps({
        "subject": None if subject is None else nfc(str(subject)),
        "from": addresses(raw_msg, "from"),
        "to": addresses(raw_msg, "to"),
        "cc": addresses(raw_msg, "cc"),
        "parts": parts,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
