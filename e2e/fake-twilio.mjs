// A fake Twilio REST API for the browser tests: real HTTP, just enough of
// what twilio-go calls. e2e/run.mjs starts it before the server and hands the
// server its address as CRM_TWILIO_API_URL.
//
//   POST /2010-04-01/Accounts/{sid}/Messages.json  → 201 a queued message
//   POST /2010-04-01/Accounts/{sid}/Calls.json     → 201 a queued call
//   GET  /2010-04-01/Accounts/{sid}.json           → 200 the account
//   GET  /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json?PhoneNumber=…
//                                                  → 200 the account's numbers whose digits contain the filter
//   GET  /__requests                               → every request so far with the answer given (JSON), for assertions
//   PUT  /__accounts/{sid}/numbers                 → set the numbers the account owns: {"numbers": ["+15005550006"]}
//
// Every Twilio route wants HTTP basic auth with the account SID as user and
// the one known test token as password; anything else gets Twilio's 401.
//
//   node e2e/fake-twilio.mjs [port]   (standalone, for poking at it by hand)

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/**
 * The only auth token the fake accepts. Alphanumeric like a real one:
 * twilio-go refuses credentials with other characters before sending anything
 * ("Invalid Password. Illegal chars", error 21224).
 */
export const FAKE_TWILIO_TOKEN = 'e2eauthtoken0123456789abcdef';

const hex32 = () => randomBytes(16).toString('hex');

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function basicAuth(req) {
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Basic ')) return null;
  const raw = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  return i < 0 ? null : { user: raw.slice(0, i), password: raw.slice(i + 1) };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * startFakeTwilio listens on 127.0.0.1 (port 0: any free one) and resolves to
 * { url, port, requests, close }. requests is the live list of recorded calls.
 */
export function startFakeTwilio(port = 0) {
  const requests = [];
  /** numbers maps an account SID to the E.164 numbers it owns; a number is in one account at a time. */
  const numbers = new Map();
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake-twilio');
      const body = await readBody(req);
      if (url.pathname === '/__requests') {
        if (req.method === 'DELETE') {
          requests.length = 0;
          return send(res, 204, {});
        }
        return send(res, 200, requests);
      }
      const own = url.pathname.match(/^\/__accounts\/([^/]+)\/numbers$/);
      if (own && req.method === 'PUT') {
        const list = JSON.parse(body || '{}').numbers ?? [];
        for (const [sid, owned] of numbers)
          numbers.set(
            sid,
            owned.filter((n) => !list.includes(n)),
          );
        numbers.set(own[1], list);
        return send(res, 200, { numbers: list });
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      const auth = basicAuth(req);
      const entry = {
        method: req.method,
        path: url.pathname,
        query: url.search,
        user: auth?.user ?? '',
        form,
        at: new Date().toISOString(),
        status: 0,
      };
      requests.push(entry);
      const reply = (status, json) => {
        entry.status = status;
        entry.response = json;
        send(res, status, json);
      };

      const m = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+?)(\.json|\/Messages\.json|\/Calls\.json|\/IncomingPhoneNumbers\.json)$/);
      if (!m) return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      const [, sid, what] = m;
      if (!auth || auth.user !== sid || auth.password !== FAKE_TWILIO_TOKEN) {
        return reply(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      }
      const now = new Date().toUTCString();
      if (what === '.json' && req.method === 'GET') {
        return reply(200, { sid, status: 'active', friendly_name: 'Test', type: 'Full', date_created: now, date_updated: now });
      }
      if (what === '/IncomingPhoneNumbers.json' && req.method === 'GET') {
        const digits = (v) => v.replace(/\D/g, '');
        const filter = digits(url.searchParams.get('PhoneNumber') ?? '');
        const list = (numbers.get(sid) ?? [])
          .filter((n) => digits(n).includes(filter))
          .map((n) => ({
            sid: `PN${hex32()}`,
            account_sid: sid,
            phone_number: n,
            friendly_name: n,
            capabilities: { sms: true, voice: true, mms: true },
          }));
        const uri = `${url.pathname}${url.search}`;
        return reply(200, {
          incoming_phone_numbers: list,
          page: 0,
          page_size: 50,
          start: 0,
          end: Math.max(list.length - 1, 0),
          uri,
          first_page_uri: uri,
          next_page_uri: null,
          previous_page_uri: null,
        });
      }
      if (what === '/Messages.json' && req.method === 'POST') {
        if (!form.To || !form.From || (!form.Body && !form.MediaUrl)) {
          return reply(400, { code: 21602, message: 'Message body is required.', status: 400 });
        }
        return reply(201, {
          sid: `SM${hex32()}`,
          status: 'queued',
          account_sid: sid,
          to: form.To,
          from: form.From,
          body: form.Body ?? '',
          num_segments: '1',
          num_media: '0',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          date_created: now,
          date_updated: now,
          error_code: null,
          error_message: null,
          price: null,
          uri: `/2010-04-01/Accounts/${sid}/Messages.json`,
        });
      }
      if (what === '/Calls.json' && req.method === 'POST') {
        if (!form.To || !form.From) return reply(400, { code: 21201, message: 'No To number is specified', status: 400 });
        return reply(201, {
          sid: `CA${hex32()}`,
          status: 'queued',
          account_sid: sid,
          to: form.To,
          from: form.From,
          direction: 'outbound-api',
          api_version: '2010-04-01',
          date_created: now,
          date_updated: now,
          uri: `/2010-04-01/Accounts/${sid}/Calls.json`,
        });
      }
      return reply(405, { code: 20004, message: 'Method not allowed', status: 405 });
    } catch (err) {
      send(res, 500, { code: 20500, message: String(err), status: 500 });
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({
        port: p,
        url: `http://127.0.0.1:${p}`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const fake = await startFakeTwilio(Number(process.argv[2] ?? 0));
  console.log(`fake Twilio on ${fake.url}`);
}
