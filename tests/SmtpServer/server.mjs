// A real SMTP server (npm smtp-server) for the account-mail tests, on 127.0.0.1.
//   node server.mjs <node_modules dir> <port> <mail dir>
// Environment: SMTP_SECURE=true for TLS from the first byte (otherwise STARTTLS is offered); SMTP_KEY_FILE and
// SMTP_CERT_FILE (PEM) for the server's certificate; SMTP_USER and SMTP_PASSWORD to require that sign-in.
// Each accepted message is written to <mail dir> as <n>.eml (the raw message) with <n>.json beside it (the envelope,
// whether the session was encrypted, who signed in); the .eml appears last, so a reader that sees it sees both.
// A recipient whose address starts with "reject-" is refused (550), as a server refuses an unknown mailbox.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

const [modules, port, dir] = process.argv.slice(2);
// Resolved the way the package says (its "exports"), from the given node_modules.
const { SMTPServer } = createRequire(join(modules, 'package.json'))('smtp-server');

const user = process.env.SMTP_USER;
const file = name => (process.env[name] ? readFileSync(process.env[name]) : undefined);
let count = 0;

const server = new SMTPServer({
  secure: process.env.SMTP_SECURE === 'true',
  key: file('SMTP_KEY_FILE'),
  cert: file('SMTP_CERT_FILE'),
  authOptional: !user,
  disabledCommands: user ? [] : ['AUTH'],
  logger: false,
  onAuth(auth, session, callback) {
    if (auth.username === user && auth.password === process.env.SMTP_PASSWORD) return callback(null, { user: auth.username });
    return callback(new Error('Invalid username or password'));
  },
  onRcptTo(address, session, callback) {
    if (address.address.startsWith('reject-')) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('end', () => {
      const name = String(++count).padStart(4, '0');
      const envelope = {
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map(r => r.address),
        secure: Boolean(session.secure),
        user: session.user ? String(session.user) : null,
      };
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(envelope));
      writeFileSync(join(dir, `${name}.part`), Buffer.concat(chunks));
      renameSync(join(dir, `${name}.part`), join(dir, `${name}.eml`));
      callback();
    });
  },
});
server.on('error', error => console.error(`smtp-server: ${error.message}`));
server.listen(Number(port), '127.0.0.1', () => console.log(`smtp-server listening on 127.0.0.1:${port}`));
