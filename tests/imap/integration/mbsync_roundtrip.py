#!/usr/bin/env python3
"""mbsync (Debian isync) against a running govmaild: a two-way sync of 200 messages (100 start
on the server, 100 in a local Maildir) leaves both sides with the same 200 messages, byte for
byte; flag changes on either side then travel to the other.

    mbsync_roundtrip.py HOST IMAPS_PORT USER PASSWORD CERT_PEM WORK_DIR

Exits 0 when every check passed; otherwise prints each failed check and exits 1.
"""

import email
import email.policy
import imaplib
import os
import pathlib
import re
import ssl
import subprocess
import sys

HOST, PORT, USER, PASSWORD, CERT, WORK = sys.argv[1:7]
PORT = int(PORT)
WORK = pathlib.Path(WORK)
COUNT = 100

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)


def message(origin, i):
    # Varied content: Vietnamese text, a long body, 8-bit UTF-8 in a quoted-printable part.
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = f"Người gửi {i} <sender{i}@example.gov.vn>"
    msg["To"] = USER
    msg["Subject"] = f"{origin} {i}: Công văn số {i}/UBND"
    msg["Date"] = "Sat, 21 Nov 2026 09:00:00 +0700"
    msg["Message-ID"] = f"<{origin}-{i}@example.gov.vn>"
    msg.set_content(f"Nội dung công văn {i}.\n" + "Dòng văn bản dài. " * (i % 50))
    return msg.as_bytes()


def connect():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    m = imaplib.IMAP4_SSL(HOST, PORT, ssl_context=context)
    m.login(USER, PASSWORD)
    return m


def server_messages(m):
    """Message-ID -> (raw bytes, flags) of every message in the server's INBOX."""
    m.select("INBOX", readonly=True)
    typ, data = m.fetch("1:*", "(FLAGS BODY.PEEK[])")
    result = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        raw = item[1]
        flags = re.search(rb"FLAGS \(([^)]*)\)", item[0])
        msgid = email.message_from_bytes(raw)["Message-ID"]
        result[msgid] = (raw, flags.group(1).decode().split() if flags else None)
    return result


def maildir_messages(box):
    """Message-ID -> (raw bytes, maildir info flags) of a local Maildir."""
    result = {}
    for sub in ("cur", "new"):
        for path in (box / sub).iterdir():
            raw = path.read_bytes()
            msgid = email.message_from_bytes(raw)["Message-ID"]
            info = path.name.split(":2,", 1)[1] if ":2," in path.name else ""
            result[msgid] = (raw, info, path)
    return result


def crlf(raw):
    # Maildir files hold LF line ends; on the server the same message has CRLF.
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def strip_tuid(raw):
    # mbsync (isync 1.4) inserts an X-TUID header into each message it propagates, its own
    # marker for finding the copy again; it is mbsync's, not part of the content compared.
    return re.sub(rb"(?m)^X-TUID: [^\r\n]*\r?\n", b"", raw)


def mbsync(config):
    done = subprocess.run(["mbsync", "-c", str(config), "-a"], capture_output=True, text=True,
                          timeout=120)
    check(done.returncode == 0, f"mbsync exit {done.returncode}: {done.stdout}{done.stderr}")


def main():
    local = WORK / "Mail"
    inbox = local / "INBOX"
    for sub in ("cur", "new", "tmp"):
        (inbox / sub).mkdir(parents=True, exist_ok=True)
    for i in range(COUNT):
        (inbox / "cur" / f"1795300000.{i}_local.govmail:2,").write_bytes(
            message("local", i).replace(b"\r\n", b"\n"))
    m = connect()
    # One MULTIAPPEND (RFC 3502) with LITERAL+ data: one store commit for all 100 messages.
    tag = m._new_tag()
    command = tag + b" APPEND INBOX"
    for i in range(COUNT):
        data = message("server", i)
        command += b" {%d+}\r\n" % len(data) + data
    m.send(command + b"\r\n")
    while True:
        line = m._get_line()
        if line.startswith(tag + b" "):
            check(line.startswith(tag + b" OK"), f"MULTIAPPEND: {line!r}")
            break
    config = WORK / "mbsyncrc"
    config.write_text(f"""IMAPAccount govmail
Host {HOST}
Port {PORT}
User {USER}
Pass {PASSWORD}
SSLType IMAPS
CertificateFile {CERT}

IMAPStore remote
Account govmail

MaildirStore local
Path {local}/
Inbox {inbox}

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Sync All
Create Both
Expunge Both
SyncState *
""")
    mbsync(config)

    remote = server_messages(m)
    near = maildir_messages(inbox)
    check(len(remote) == 2 * COUNT, f"server holds {len(remote)} messages, not {2 * COUNT}")
    check(len(near) == 2 * COUNT, f"the Maildir holds {len(near)} messages, not {2 * COUNT}")
    check(set(remote) == set(near), "the same Message-IDs on both sides")
    differ = [k for k in remote if k in near and
              strip_tuid(remote[k][0]) != strip_tuid(crlf(near[k][0]))]
    check(not differ, f"{len(differ)} messages differ, e.g. {differ[:3]}")

    # Round trip of changes: \Flagged on the server for 10 messages, \Seen locally for 10 others,
    # and one message deleted on each side.
    m.select("INBOX")
    m.store("1:10", "+FLAGS", "(\\Flagged)")
    m.store("11", "+FLAGS", "(\\Deleted)")
    m.expunge()
    locals_ = sorted(p for p in (inbox / "cur").iterdir() if "local" in
                     email.message_from_bytes(p.read_bytes())["Message-ID"])
    for path in locals_[:10]:
        path.rename(path.with_name(path.name.split(":2,")[0] + ":2,S"))
    locals_[10].unlink()
    mbsync(config)

    remote = server_messages(m)
    near = maildir_messages(inbox)
    check(len(remote) == 2 * COUNT - 2 and len(near) == 2 * COUNT - 2,
          f"after deleting one on each side: server {len(remote)}, Maildir {len(near)}")
    check(set(remote) == set(near), "the same Message-IDs on both sides after the round trip")
    differ = [k for k in remote if k in near and
              strip_tuid(remote[k][0]) != strip_tuid(crlf(near[k][0]))]
    check(not differ, f"after the round trip {len(differ)} messages differ")
    flagged_remote = {k for k, (_, flags) in remote.items() if "\\Flagged" in flags}
    flagged_near = {k for k, (_, info, _) in near.items() if "F" in info}
    seen_remote = {k for k, (_, flags) in remote.items() if "\\Seen" in flags}
    seen_near = {k for k, (_, info, _) in near.items() if "S" in info}
    check(len(flagged_remote) == 10 and flagged_remote == flagged_near,
          f"\\Flagged: server {len(flagged_remote)}, Maildir {len(flagged_near)}")
    check(seen_remote == seen_near and len(seen_near) >= 10,
          f"\\Seen: server {len(seen_remote)}, Maildir {len(seen_near)}")
    m.logout()
    if failures:
        print(f"{len(failures)} checks failed", flush=True)
        sys.exit(1)
    print(f"mbsync: {2 * COUNT} messages synchronised both ways, identical", flush=True)


main()
