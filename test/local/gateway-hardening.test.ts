/**
 * The local gateway facing hostile or broken clients: `Link` URLs never follow the request's `Host` header, requests
 * Node's HTTP parser would refuse get a Webex error body with a trackingId, and a client that is cut off (too slow, or
 * gone mid-request) is a warning in the log, not an error.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextLink } from '../../functions/http/responses';
import type { ApiEvent } from '../../functions/http/types';
import { type GatewayHarness, rawRequest, startGatewayHarness } from './gateway-harness';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Send `text` as it is on a new connection and read the answer until the server closes it. */
function rawExchange(url: string, text: string | Buffer): Promise<RawAnswer> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(text);
  });
}

function expectWebexErrorBody(answer: RawAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json');
  const body = JSON.parse(answer.body) as { message: string; errors: unknown[]; trackingId: string };
  expect(body.message).toEqual(expect.any(String));
  expect(body.errors.length).toBeGreaterThan(0);
  expect(body.trackingId).toMatch(/^WBXPROV_/);
  expect(answer.headers.trackingid).toBe(body.trackingId);
}

const errorLines = (h: GatewayHarness) => h.logLines.filter((line) => line.level === 'error');

describe('local gateway hardening', () => {
  let harness: GatewayHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  describe('Link URLs', () => {
    it('are built from the configured base, never from the Host header', async () => {
      // Prepare
      harness = await startGatewayHarness();
      const h = harness;
      h.respond = ({ event }) => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json', link: nextLink(event as ApiEvent, { max: '1' }) ?? '' },
        body: '{"items":[]}',
      });
      const token = await h.idp.mint(['read']);

      // Act
      const response = await rawRequest(`${h.url}/v1/broadworks/subscribers?max=1`, {
        headers: { host: 'evil.example', authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https' },
      });

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.link).toBe(`<${h.url}/v1/broadworks/subscribers?max=1>; rel="next"`);
      expect(h.calls[0]?.event.requestContext.domainName).toBe(new URL(h.url).host);
    });

    it('follow the public URL the gateway is configured with', async () => {
      // Prepare
      harness = await startGatewayHarness({ publicUrl: 'https://api.example.com/' });
      const h = harness;
      h.respond = ({ event }) => ({
        statusCode: 200,
        headers: { link: nextLink(event as ApiEvent, { max: '2' }) ?? '' },
        body: '{}',
      });
      const token = await h.idp.mint(['read']);

      // Act
      const response = await rawRequest(`${h.url}/v1/broadworks/subscribers`, {
        headers: { host: 'evil.example', authorization: `Bearer ${token}` },
      });

      // Assess
      expect(response.headers.link).toBe('<https://api.example.com/v1/broadworks/subscribers?max=2>; rel="next"');
    });
  });

  describe("requests Node's HTTP parser refuses", () => {
    it('answers an HTTP/1.1 request without Host with 400 and a Webex error body', async () => {
      // Prepare
      harness = await startGatewayHarness();

      // Act
      const answer = await rawExchange(harness.url, 'GET /health HTTP/1.1\r\n\r\n');

      // Assess
      expectWebexErrorBody(answer, 400);
      expect(answer.headers.connection).toBe('close');
      expect(harness.calls).toHaveLength(0);
    });

    it('answers more header lines than it keeps with 431 and a Webex error body, never truncating them', async () => {
      // Prepare
      harness = await startGatewayHarness();
      const many = Array.from({ length: 2001 }, (_, i) => `x-h${i}: a\r\n`).join('');

      // Act
      const answer = await rawExchange(harness.url, `GET /health HTTP/1.1\r\nHost: x\r\n${many}\r\n`);

      // Assess
      expectWebexErrorBody(answer, 431);
    });

    it('answers headers too large for the parser with 431 and a Webex error body', async () => {
      // Prepare
      harness = await startGatewayHarness();
      const many = Array.from({ length: 5000 }, (_, i) => `x-header-${i}: value\r\n`).join('');

      // Act
      const answer = await rawExchange(harness.url, `GET /health HTTP/1.1\r\nHost: x\r\n${many}\r\n`);

      // Assess
      expectWebexErrorBody(answer, 431);
    });

    it('answers a request line that is not HTTP with 400 and a Webex error body', async () => {
      // Prepare
      harness = await startGatewayHarness();

      // Act
      const answer = await rawExchange(harness.url, 'HELLO\r\n\r\n');

      // Assess
      expectWebexErrorBody(answer, 400);
    });
  });

  describe('clients cut off', () => {
    it('answers a client too slow to send its request with 408 and logs a warning, not an error', async () => {
      // Prepare
      harness = await startGatewayHarness({ requestTimeoutMs: 200 });
      const h = harness;
      const token = await h.idp.mint(['write']);

      // Act: the headers promise 100 bytes of body, and only 6 ever come.
      const answer = await rawExchange(
        h.url,
        'POST /v1/broadworks/subscribers/validate HTTP/1.1\r\nHost: x\r\n' +
          `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1`,
      );

      // Assess
      expectWebexErrorBody(answer, 408);
      await vi.waitFor(() => expect(h.logLines.some((l) => l.message === 'slow client cut off')).toBe(true));
      expect(h.logLines.find((l) => l.message === 'slow client cut off')?.level).toBe('warn');
      expect(errorLines(h)).toEqual([]);
      expect(h.calls).toHaveLength(0);
    });
  });
});
