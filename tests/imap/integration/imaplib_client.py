#!/usr/bin/env python3
"""Python imaplib against a running govmaild: every command of issue 6 over STARTTLS and over
implicit TLS, FETCH results cross-checked with Python's email parser, SEARCH with Vietnamese text.

    imaplib_client.py HOST IMAP_PORT IMAPS_PORT USER PASSWORD OTHER_USER OTHER_PASSWORD

Exits 0 when every check passed; otherwise prints each failed check and exits 1.
"""

import base64
import email
import email.policy
import imaplib
import re
import ssl
import sys
import time

HOST, IMAP_PORT, IMAPS_PORT, USER, PASSWORD, OTHER, OTHER_PASSWORD = sys.argv[1:8]
IMAP_PORT, IMAPS_PORT = int(IMAP_PORT), int(IMAPS_PORT)

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, flush=True)


def ok(result, what):
    typ, data = result
    check(typ == "OK", f"{what}: {typ} {data!r}")
    return data


def tls_context():
    # The server uses its development certificate: nothing to verify against on loopback.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def raw(m, line):
    """Sends one command line; returns (status, untagged lines) read up to its tagged reply."""
    tag = m._new_tag().decode()
    m.send(f"{tag} {line}\r\n".encode())
    untagged = []
    while True:
        got = m._get_line().decode("utf-8", "replace")
        if got.startswith(tag + " "):
            return got[len(tag) + 1:].split(" ", 1)[0], untagged, got
        untagged.append(got)


MESSAGES = [
    (
        "Quyết định bổ nhiệm",
        "Nguyễn Văn An <annv@example.gov.vn>",
        "Kính gửi các đồng chí,\r\nQuyết định số 15/QĐ-UBND về việc bổ nhiệm cán bộ.\r\n",
    ),
    ("Meeting on Monday", "Tran Thi Ha <ha@example.gov.vn>", "Please come at 9:00.\r\n"),
    ("Báo cáo tháng 11", "Lê Văn Hùng <hung@example.gov.vn>", "Số liệu đính kèm.\r\n"),
]


def build(subject, sender, body, attachment=False):
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    msg["To"] = USER
    msg["Subject"] = subject
    msg["Date"] = "Sat, 21 Nov 2026 09:00:00 +0700"
    msg["Message-ID"] = f"<{abs(hash(subject))}@example.gov.vn>"
    msg.set_content(body.replace("\r\n", "\n"))
    if attachment:
        msg.add_attachment(b"%PDF-1.4 test\n" * 20, maintype="application", subtype="pdf",
                           filename="báo cáo.pdf")
    return msg.as_bytes()


def exercise(m, label):
    """Every command after login, on one connection; `label` keeps mailbox names apart."""
    box = f"Test {label}"
    caps = set(ok(m.capability(), f"{label} CAPABILITY")[0].decode().upper().split())
    for cap in ("IMAP4REV1", "IMAP4REV2", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC",
                "ESEARCH", "SORT", "QUOTA", "UTF8=ACCEPT", "LIST-EXTENDED", "LIST-STATUS",
                "SPECIAL-USE", "NAMESPACE", "ENABLE", "ID", "LITERAL+", "UNSELECT", "BINARY"):
        check(cap in caps, f"{label}: capability {cap} missing from {sorted(caps)}")
    ok(m.noop(), f"{label} NOOP")
    status, untagged, _ = raw(m, 'ID ("name" "imaplib-test")')
    check(status == "OK" and any(u.startswith("* ID ") for u in untagged), f"{label} ID")
    ok(m.namespace(), f"{label} NAMESPACE")

    # Mailboxes: CREATE, LIST variants, SUBSCRIBE, LSUB, RENAME, STATUS, DELETE.
    ok(m.create(f'"{box}"'), f"{label} CREATE")
    ok(m.create(f'"{box}/Sub"'), f"{label} CREATE child")
    listed = ok(m.list('""', '"*"'), f"{label} LIST")
    names = [line.decode() for line in listed]
    check(any(f'"{box}"' in n and "\\HasChildren" in n for n in names),
          f"{label} LIST shows {box} with \\HasChildren: {names}")
    check(any("\\Sent" in n and "Sent" in n for n in names), f"{label} SPECIAL-USE \\Sent")
    status, untagged, _ = raw(m, 'LIST (SPECIAL-USE) "" "*"')
    check(status == "OK" and all("\\HasNoChildren" in u or "\\HasChildren" in u
                                 for u in untagged) and len(untagged) >= 4,
          f"{label} LIST (SPECIAL-USE): {untagged}")
    status, untagged, _ = raw(m, 'LIST "" "INBOX" RETURN (STATUS (MESSAGES UIDNEXT))')
    check(status == "OK" and any(u.startswith("* STATUS") for u in untagged),
          f"{label} LIST-STATUS: {untagged}")
    ok(m.subscribe(f'"{box}"'), f"{label} SUBSCRIBE")
    subscribed = ok(m.lsub('""', '"*"'), f"{label} LSUB")
    check(any(box in line.decode() for line in subscribed), f"{label} LSUB lists {box}")
    ok(m.unsubscribe(f'"{box}"'), f"{label} UNSUBSCRIBE")
    ok(m.rename(f'"{box}/Sub"', f'"{box}/Renamed"'), f"{label} RENAME")
    ok(m.delete(f'"{box}/Renamed"'), f"{label} DELETE")

    # APPEND with flags and date; UIDPLUS APPENDUID.
    raws = [build(s, f, b, attachment=(i == 2)) for i, (s, f, b) in enumerate(MESSAGES)]
    for i, data in enumerate(raws):
        flags = "(\\Seen)" if i == 1 else None
        result = m.append(f'"{box}"', flags, imaplib.Time2Internaldate(1795300000 + i), data)
        ok(result, f"{label} APPEND {i}")
        check(b"APPENDUID" in result[1][0], f"{label} APPENDUID in {result[1]!r}")
    status = ok(m.status(f'"{box}"', "(MESSAGES UNSEEN UIDNEXT SIZE)"), f"{label} STATUS")
    check(b"MESSAGES 3" in status[0] and b"UNSEEN 2" in status[0], f"{label} STATUS {status!r}")

    # EXAMINE is read-only; SELECT read-write.
    ok(m.select(f'"{box}"', readonly=True), f"{label} EXAMINE")
    check(m.store("1", "+FLAGS", "(\\Flagged)")[0] == "NO", f"{label} STORE in EXAMINE is NO")
    ok(m.select(f'"{box}"'), f"{label} SELECT")
    check(m.untagged_responses.get("EXISTS", [b"0"])[-1] == b"3", f"{label} 3 EXISTS")

    # FETCH, cross-checked with the email parser.
    for seq, data in enumerate(raws, start=1):
        typ, fetched = m.fetch(str(seq), "(BODY.PEEK[] RFC822.SIZE BODYSTRUCTURE ENVELOPE)")
        check(typ == "OK", f"{label} FETCH {seq}")
        body = fetched[0][1]
        check(body == data, f"{label} FETCH {seq} BODY[] is the appended message")
        rest = fetched[0][0] + b" " + fetched[1]
        check(f"RFC822.SIZE {len(data)}".encode() in rest,
              f"{label} RFC822.SIZE {len(data)} in {rest[:300]!r}")
        parsed = email.message_from_bytes(body, policy=email.policy.default)
        check(str(parsed["Subject"]) == MESSAGES[seq - 1][0], f"{label} parsed subject {seq}")
        typ, header = m.fetch(str(seq), "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
        want = email.message_from_bytes(data, policy=email.policy.default)
        got = email.message_from_bytes(header[0][1], policy=email.policy.default)
        check(str(got["Subject"]) == str(want["Subject"]) and str(got["From"]) == str(want["From"]),
              f"{label} HEADER.FIELDS {seq}")
        typ, text = m.fetch(str(seq), "(BODY.PEEK[TEXT])")
        check(data.endswith(text[0][1]) and data[: len(data) - len(text[0][1])].endswith(b"\r\n\r\n"),
              f"{label} BODY[TEXT] is what follows the header {seq}")
    # A section: the attachment of message 3, decoded by the server (BINARY) and by Python.
    attachment = [p for p in email.message_from_bytes(raws[2], policy=email.policy.default)
                  .iter_attachments()][0]
    typ, part = m.fetch("3", "(BINARY.PEEK[2] BODY.PEEK[2.MIME] BODY.PEEK[1]<0.5>)")
    check(typ == "OK", f"{label} FETCH sections")
    items = [item for item in part if isinstance(item, tuple)]
    check(items[0][1] == attachment.get_content(), f"{label} BINARY[2] is the decoded PDF")
    check(b"application/pdf" in items[1][1], f"{label} BODY[2.MIME]")
    check(len(items[2][1]) == 5 and items[2][1] in raws[2], f"{label} partial BODY[1]<0.5>")
    typ, flags = m.fetch("1:*", "(FLAGS UID INTERNALDATE)")
    check(typ == "OK" and len(flags) == 3, f"{label} FETCH 1:* FLAGS")
    check(b"\\Seen" in flags[1] and b"\\Seen" not in flags[0], f"{label} flags from APPEND")

    # SEARCH: Vietnamese text with and without diacritics, in any case.
    for criteria, want in (
        (("SUBJECT", '"quyet dinh"'), [b"1"]),
        (("SUBJECT", '"QUYẾT ĐỊNH"'), [b"1"]),
        (("BODY", '"bo nhiem can bo"'), [b"1"]),
        (("FROM", '"nguyen van an"'), [b"1"]),
        (("TEXT", '"báo cáo"'), [b"3"]),
        (("UNSEEN",), [b"1", b"3"]),
        (("SEEN",), [b"2"]),
    ):
        m._encoding = "utf-8"
        typ, data = m.search("UTF-8", *criteria)
        check(typ == "OK" and data[0].split() == want, f"{label} SEARCH {criteria}: {data}")
    status, untagged, _ = raw(m, "SEARCH RETURN (MIN MAX COUNT) ALL")
    check(any("ESEARCH" in u and "COUNT 3" in u for u in untagged), f"{label} ESEARCH {untagged}")
    typ, sorted_ = m.sort("(SUBJECT)", "UTF-8", "ALL")
    check(typ == "OK" and sorted_[0].split() == [b"3", b"2", b"1"], f"{label} SORT {sorted_}")
    typ, sorted_ = m.sort("(DISPLAYFROM)", "UTF-8", "ALL")
    check(typ == "OK" and sorted_[0].split() == [b"3", b"1", b"2"],
          f"{label} SORT DISPLAYFROM {sorted_}")

    # STORE, non-PEEK FETCH sets \Seen, COPY/MOVE with COPYUID, EXPUNGE, UID EXPUNGE.
    typ, data = m.store("1", "+FLAGS", "(\\Flagged $Important)")
    check(typ == "OK" and b"\\Flagged" in data[0], f"{label} STORE {data}")
    typ, data = m.fetch("3", "(BODY[1])")
    check(any(b"\\Seen" in (d[0] if isinstance(d, tuple) else d) for d in data),
          f"{label} FETCH BODY[] sets \\Seen: {data}")
    typ, data = m.uid("FETCH", "1:*", "(UID)")
    uids = [re.search(rb"UID (\d+)", d).group(1).decode() for d in data]
    copied = ok(m.copy("1:2", "Archive"), f"{label} COPY")
    check(copied and b"[COPYUID " in copied[0], f"{label} COPYUID in {copied}")
    status, untagged, line = raw(m, "MOVE 2 Trash")
    check(status == "OK" and any("EXPUNGE" in u for u in untagged),
          f"{label} MOVE {untagged} {line}")
    status, untagged, line = raw(m, f"UID MOVE {uids[2]} Trash")
    check(status == "OK", f"{label} UID MOVE {line}")
    ok(m.store("1", "+FLAGS", "(\\Deleted)"), f"{label} STORE \\Deleted")
    status, untagged, line = raw(m, f"UID EXPUNGE {uids[0]}")
    check(status == "OK" and untagged == ["* 1 EXPUNGE"], f"{label} UID EXPUNGE {untagged}")
    ok(m.check(), f"{label} CHECK")
    ok(m.expunge(), f"{label} EXPUNGE")
    status, untagged, _ = raw(m, "UNSELECT")
    check(status == "OK", f"{label} UNSELECT")
    ok(m.select("Archive"), f"{label} SELECT Archive")
    ok(m.close(), f"{label} CLOSE")

    # QUOTA (RFC 9208).
    typ, data = m.getquotaroot("INBOX")
    check(typ == "OK" and any(b"STORAGE" in d for d in data[1]), f"{label} GETQUOTAROOT {data}")
    ok(m.getquota('""'), f"{label} GETQUOTA")

    ok(m.delete(f'"{box}"'), f"{label} DELETE {box}")


def idle_sees_other_session(m, other):
    """IDLE on `m`; an APPEND on `other` is announced within a second."""
    ok(m.select("INBOX"), "IDLE: SELECT")
    before = int(m.untagged_responses.get("EXISTS", [b"0"])[-1])
    tag = m._new_tag().decode()
    m.send(f"{tag} IDLE\r\n".encode())
    check(m._get_line().startswith(b"+"), "IDLE continuation")
    started = time.monotonic()
    ok(other.append("INBOX", None, None, build("Idle ping", "x <x@example.gov.vn>", "ping\r\n")),
       "IDLE: APPEND elsewhere")
    m.sock.settimeout(5)
    line = m._get_line()
    took = time.monotonic() - started
    check(line == f"* {before + 1} EXISTS".encode(), f"IDLE: got {line!r}")
    check(took < 1.0, f"IDLE: notified after {took:.3f} s")
    m.send(b"DONE\r\n")
    while True:
        line = m._get_line()
        if line.startswith(tag.encode()):
            check(b"OK" in line, f"IDLE: {line!r}")
            break
    m.sock.settimeout(None)


def main():
    # STARTTLS: LOGIN refused before TLS (LOGINDISABLED), then AUTHENTICATE PLAIN.
    plain = imaplib.IMAP4(HOST, IMAP_PORT)
    check("STARTTLS" in plain.capabilities and "LOGINDISABLED" in plain.capabilities,
          f"cleartext capabilities {plain.capabilities}")
    try:
        plain.login(USER, PASSWORD)
        check(False, "LOGIN before STARTTLS must fail")
    except imaplib.IMAP4.error:
        pass
    ok(plain.starttls(tls_context()), "STARTTLS")
    check("LOGINDISABLED" not in plain.capabilities, "LOGINDISABLED gone after STARTTLS")
    ok(plain.authenticate("PLAIN", lambda _: f"\0{USER}\0{PASSWORD}".encode()),
       "AUTHENTICATE PLAIN")
    ok(plain._simple_command("ENABLE", "CONDSTORE"), "ENABLE CONDSTORE")
    exercise(plain, "starttls")

    # Implicit TLS: LOGIN; SASL-IR AUTHENTICATE on a second connection.
    secure = imaplib.IMAP4_SSL(HOST, IMAPS_PORT, ssl_context=tls_context())
    ok(secure.login(USER, PASSWORD), "LOGIN over implicit TLS")
    exercise(secure, "imaps")
    second = imaplib.IMAP4_SSL(HOST, IMAPS_PORT, ssl_context=tls_context())
    ir = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    status, _, line = raw(second, f"AUTHENTICATE PLAIN {ir}")
    check(status == "OK", f"AUTHENTICATE PLAIN with SASL-IR: {line}")
    second.state = "AUTH"  # imaplib did not see the raw AUTHENTICATE
    idle_sees_other_session(secure, second)

    # A wrong password and another user's mailboxes.
    wrong = imaplib.IMAP4_SSL(HOST, IMAPS_PORT, ssl_context=tls_context())
    try:
        wrong.login(USER, "wrong-password")
        check(False, "a wrong password must fail")
    except imaplib.IMAP4.error as e:
        check("AUTHENTICATIONFAILED" in str(e), f"wrong password: {e}")
    other = imaplib.IMAP4_SSL(HOST, IMAPS_PORT, ssl_context=tls_context())
    ok(other.login(OTHER, OTHER_PASSWORD), "LOGIN other user")
    typ, data = other.status("INBOX", "(MESSAGES)")
    check(typ == "OK" and b"MESSAGES 0" in data[0], f"other user's INBOX is their own: {data}")
    ok(secure.create('"Alice only"'), "CREATE Alice only")
    check(other.select('"Alice only"')[0] == "NO", "another user cannot select the mailbox")
    listed = b" ".join(other.list('""', '"*"')[1])
    check(b"Alice only" not in listed, f"another user does not list the mailbox: {listed}")

    for conn in (plain, secure, second, other):
        typ, data = conn.logout()
        check(typ == "BYE", f"LOGOUT: {typ} {data}")
    if failures:
        print(f"{len(failures)} checks failed", flush=True)
        sys.exit(1)
    print("imaplib: all checks passed", flush=True)


main()
