import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebexHttpClient } from '../../functions/adapters/webex/client';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { UpstreamProtocolError } from '../../functions/domain/errors';
import { type ScriptedAnswer, type ScriptedServer, startScriptedServer } from './scripted-server';
import { fixedCredentials, sequence, silentLogger, webexSubscriber } from './support';
import { createTestClock } from './test-clock';

describe('WebexHttpClient paging', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    server = await startScriptedServer();
  });

  afterEach(async () => {
    await server.close();
  });

  const newClient = () =>
    new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock: createTestClock(),
      random: sequence(0),
      logger: silentLogger,
    });

  const page = (ids: string[], link?: string): ScriptedAnswer => ({
    status: 200,
    body: { items: ids.map((id) => webexSubscriber({ id })) },
    headers: link ? { Link: link } : undefined,
  });

  it('returns the next link of a page as nextQuery', async () => {
    // Prepare
    server.script(
      page(['a'], `<https://webexapis.com/v1/broadworks/subscribers?max=1&cursor=Y3Vyc29y%3D>; rel="next"`),
    );

    // Act
    const result = await newClient().list({ max: '1' }, { trackingId: 't' });

    // Assess
    expect(result.value.nextQuery).toEqual({ max: '1', cursor: 'Y3Vyc29y=' });
  });

  it('follows the next link across three pages with listAll', async () => {
    // Prepare: page 2 carries several links in one header; its next link is relative
    server.script(
      page(['a', 'b'], `<${server.baseUrl}/broadworks/subscribers?max=2&status=provisioned&cursor=p2>; rel="next"`),
      page(
        ['c', 'd'],
        `<${server.baseUrl}/broadworks/subscribers?max=2&status=provisioned&cursor=p1>; rel="prev", </v1/broadworks/subscribers?max=2&status=provisioned&cursor=p3>; rel="next"`,
      ),
      page(['e'], `<${server.baseUrl}/broadworks/subscribers?max=2&status=provisioned&cursor=p2>; rel="prev"`),
    );
    const seen: Subscriber[] = [];

    // Act
    for await (const subscriber of newClient().listAll({ max: '2', status: 'provisioned' }, { trackingId: 't' })) {
      seen.push(subscriber);
    }

    // Assess
    expect(seen.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(seen.every((s) => s.selfActivated === false)).toBe(true);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/broadworks/subscribers?max=2&status=provisioned',
      '/v1/broadworks/subscribers?max=2&status=provisioned&cursor=p2',
      '/v1/broadworks/subscribers?max=2&status=provisioned&cursor=p3',
    ]);
  });

  it('retries a failed page on its own and goes on', async () => {
    // Prepare
    server.script(
      page(['a'], `<${server.baseUrl}/broadworks/subscribers?cursor=p2>; rel="next"`),
      { status: 503 },
      page(['b']),
    );
    const seen: string[] = [];

    // Act
    for await (const subscriber of newClient().listAll({}, { trackingId: 't' })) seen.push(subscriber.id);

    // Assess
    expect(seen).toEqual(['a', 'b']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/broadworks/subscribers',
      '/v1/broadworks/subscribers?cursor=p2',
      '/v1/broadworks/subscribers?cursor=p2',
    ]);
  });

  it('stops with UpstreamProtocolError when Webex sends the same next link again', async () => {
    // Prepare
    const loop = `<${server.baseUrl}/broadworks/subscribers?cursor=same>; rel="next"`;
    server.script(page(['a'], loop), page(['b'], loop));
    const seen: string[] = [];

    // Act
    const failure = await (async () => {
      for await (const subscriber of newClient().listAll({}, { trackingId: 't' })) seen.push(subscriber.id);
    })().catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamProtocolError);
    expect(seen).toEqual(['a', 'b']);
    expect(server.requests).toHaveLength(2);
  });

  it('sends the token only to the configured base URL, whatever host the next link names', async () => {
    // Prepare
    server.script(
      page(['a'], '<https://elsewhere.example/v1/broadworks/subscribers?cursor=p2>; rel="next"'),
      page(['b']),
    );
    const seen: string[] = [];

    // Act
    for await (const subscriber of newClient().listAll({}, { trackingId: 't' })) seen.push(subscriber.id);

    // Assess
    expect(seen).toEqual(['a', 'b']);
    expect(server.requests[1]?.url).toBe('/v1/broadworks/subscribers?cursor=p2');
  });
});
