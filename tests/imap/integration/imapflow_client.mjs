// Node's imapflow against a running govmaild: connect over implicit TLS, list, fetch, and IDLE
// notified within one second of a delivery over SMTP (or, where the daemon has no SMTP listener,
// of an APPEND by another connection).
//
//     NODE_PATH=<dir>/node_modules node imapflow_client.mjs HOST IMAPS_PORT SMTP_PORT|none USER PASSWORD
//
// Exits 0 when every check passed; otherwise prints each failed check and exits 1.

import { createRequire } from 'node:module';
import net from 'node:net';

const require = createRequire(import.meta.url);
const { ImapFlow } = require('imapflow');

const [host, imapsPort, smtpPort, user, pass] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => {
    if (!ok) {
        failures.push(what);
        console.log('FAIL:', what);
    }
};

function client() {
    return new ImapFlow({
        host,
        port: Number(imapsPort),
        secure: true,
        auth: { user, pass },
        // The development certificate on loopback: nothing to verify it against.
        tls: { rejectUnauthorized: false },
        logger: false,
    });
}

// One message over SMTP (the MX listener accepts mail for local domains without AUTH).
function deliver(subject) {
    return new Promise((resolve, reject) => {
        const socket = net.connect(Number(smtpPort), host);
        const steps = [
            'EHLO imapflow.test',
            'MAIL FROM:<sender@example.org>',
            `RCPT TO:<${user}>`,
            'DATA',
            `From: sender@example.org\r\nTo: ${user}\r\nSubject: ${subject}\r\n` +
                'Message-ID: <' + subject.replace(/\W/g, '') + '@example.org>\r\n\r\nping\r\n.',
            'QUIT',
        ];
        let buffered = '';
        let sentAt = 0;
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => {
            buffered += chunk;
            // A complete reply: its last line has a space after the code.
            const lines = buffered.split('\r\n');
            const last = lines[lines.length - 2];
            if (last === undefined || !/^\d{3} /.test(last)) return;
            buffered = '';
            if (!/^[23]/.test(last)) {
                reject(new Error(`SMTP: ${last}`));
                socket.destroy();
                return;
            }
            const step = steps.shift();
            if (step === undefined) {
                socket.end();
                return;
            }
            if (step.endsWith('\r\n.')) sentAt = Date.now();
            if (step === 'QUIT') resolve(sentAt);
            socket.write(step + '\r\n');
        });
        socket.on('error', reject);
    });
}

async function main() {
    const imap = client();
    await imap.connect();
    const listed = await imap.list();
    const paths = listed.map((box) => box.path);
    check(paths.includes('INBOX') && paths.includes('Sent'), `LIST: ${paths}`);
    check(listed.some((box) => box.specialUse === '\\Sent'), 'LIST: \\Sent special use');

    await imap.append('INBOX', 'From: a@example.gov.vn\r\nSubject: Thư thử nghiệm\r\n\r\nNội dung\r\n',
        ['\\Seen']);
    const lock = await imap.getMailboxLock('INBOX');
    try {
        const last = await imap.fetchOne('*', { envelope: true, source: true, flags: true, uid: true });
        check(last.envelope.subject === 'Thư thử nghiệm', `FETCH envelope: ${last.envelope.subject}`);
        check(last.source.toString().includes('Nội dung'), 'FETCH source');
        check(last.flags.has('\\Seen'), `FETCH flags: ${[...last.flags]}`);
        let count = 0;
        for await (const msg of imap.fetch('1:*', { uid: true, size: true })) {
            check(msg.size > 0, `FETCH size of ${msg.seq}`);
            ++count;
        }
        check(count === imap.mailbox.exists, `FETCH 1:* gave ${count} of ${imap.mailbox.exists}`);

        // IDLE: imapflow idles on its own once the mailbox is open and nothing else runs.
        const before = imap.mailbox.exists;
        const notified = new Promise((resolve) => {
            imap.on('exists', (data) => {
                if (data.count > before) resolve(Date.now());
            });
        });
        imap.idle();
        await new Promise((r) => setTimeout(r, 200));  // IDLE is up
        let sentAt;
        if (smtpPort !== 'none') {
            sentAt = await deliver(`idle-${Date.now()}`);
        } else {
            const other = client();
            await other.connect();
            sentAt = Date.now();
            await other.append('INBOX', 'Subject: idle ping\r\n\r\nping\r\n');
            await other.logout();
        }
        const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 5000).unref());
        const at = await Promise.race([notified, timeout]);
        check(at !== null, 'IDLE: no EXISTS within 5 s');
        if (at !== null) {
            const took = at - sentAt;
            console.log(`IDLE notified ${took} ms after the delivery ` +
                (smtpPort !== 'none' ? '(SMTP)' : '(APPEND)'));
            check(took < 1000, `IDLE: notified after ${took} ms`);
        }
    } finally {
        lock.release();
    }
    await imap.logout();
    if (failures.length) {
        console.log(`${failures.length} checks failed`);
        process.exit(1);
    }
    console.log('imapflow: all checks passed');
}

main().catch((e) => {
    console.log('FAIL:', e.stack || e);
    process.exit(1);
});
