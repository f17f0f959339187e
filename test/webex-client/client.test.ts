import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebexHttpClient } from '../../functions/adapters/webex/client';
import {
  ConfigurationError,
  UpstreamError,
  UpstreamProtocolError,
  UpstreamUnavailableError,
  ValidationError,
} from '../../functions/domain/errors';
import { type ScriptedServer, startScriptedServer } from './scripted-server';
import { fixedCredentials, SUBSCRIBER_ID, silentLogger, webexSubscriber } from './support';
import { createTestClock } from './test-clock';

describe('WebexHttpClient', () => {
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
      logger: silentLogger,
    });

  describe('requests', () => {
    it('sends the bearer token, our TrackingID, Accept and a JSON body', async () => {
      // Prepare
      server.script({ status: 200, body: webexSubscriber(), headers: { TrackingID: 'WEBEX_1' } });
      const body = {
        provisioningId: 'prov-1',
        userId: 'bw-user-1@example.com',
        spEnterpriseId: 'Reseller1+acme',
        firstName: 'Ada',
        lastName: 'Lovelace',
        package: 'standard' as const,
        primaryPhoneNumber: '+1 555 0100',
      };

      // Act
      await newClient().provision(body, { trackingId: 'our-tracking-1' });

      // Assess
      const [request] = server.requests;
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/v1/broadworks/subscribers');
      expect(request?.headers.authorization).toBe('Bearer access-token-1');
      expect(request?.headers.trackingid).toBe('our-tracking-1');
      expect(request?.headers.accept).toBe('application/json');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request?.body ?? '')).toEqual(body);
    });

    it('sends no body and no Content-Type on GET, DELETE and Resend consent', async () => {
      // Prepare
      server.script({ status: 200, body: webexSubscriber() }, { status: 204 }, { status: 204 });
      const client = newClient();

      // Act
      await client.get(SUBSCRIBER_ID, { trackingId: 't1' });
      await client.remove(SUBSCRIBER_ID, { trackingId: 't2' });
      await client.consentMove(SUBSCRIBER_ID, { trackingId: 't3' });

      // Assess
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET /v1/broadworks/subscribers/${SUBSCRIBER_ID}`,
        `DELETE /v1/broadworks/subscribers/${SUBSCRIBER_ID}`,
        `POST /v1/subscribers/${SUBSCRIBER_ID}/emails/consentMove`,
      ]);
      for (const request of server.requests) {
        expect(request.body).toBe('');
        expect(request.headers['content-type']).toBeUndefined();
      }
    });

    it('sends the list filters as query parameters', async () => {
      // Prepare
      server.script({ status: 200, body: { items: [] } });

      // Act
      await newClient().list(
        { spEnterpriseId: 'Reseller1+acme', status: 'provisioned,error', max: '10' },
        { trackingId: 't1' },
      );

      // Assess
      const url = new URL(server.requests[0]?.url ?? '', server.origin);
      expect(url.pathname).toBe('/v1/broadworks/subscribers');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        spEnterpriseId: 'Reseller1+acme',
        status: 'provisioned,error',
        max: '10',
      });
    });

    it('refuses a subscriber id that is not a Webex id before calling Webex', async () => {
      // Prepare
      const client = newClient();

      // Act
      const failure = client.get('../../admin', { trackingId: 't1' });

      // Assess
      await expect(failure).rejects.toBeInstanceOf(ValidationError);
      await expect(failure).rejects.toMatchObject({ errors: [{ errorCode: 1002, fieldName: 'subscriberId' }] });
      expect(server.requests).toHaveLength(0);
    });

    it('refuses to send a token that a header cannot carry', async () => {
      // Prepare
      const client = new WebexHttpClient({
        credentials: fixedCredentials(server.baseUrl, ['bad\ntoken']),
        clock: createTestClock(),
        logger: silentLogger,
      });

      // Act
      const failure = client.get(SUBSCRIBER_ID, { trackingId: 't1' });

      // Assess
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('results', () => {
    it('reads a subscriber with selfActivated "false" as the boolean false and no undefined members', async () => {
      // Prepare
      server.script({ status: 200, body: webexSubscriber({ status: 'provisioned', personId: 'person-1' }) });

      // Act
      const result = await newClient().get(SUBSCRIBER_ID, { trackingId: 't1' });

      // Assess
      expect(result.value.selfActivated).toBe(false);
      expect(result.value).toMatchObject({ id: SUBSCRIBER_ID, status: 'provisioned', personId: 'person-1' });
      expect(Object.keys(result.value)).not.toContain('errors');
      expect(Object.values(result.value)).not.toContain(undefined);
    });

    it('reads the TrackingID Webex answered with', async () => {
      // Prepare
      server.script({ status: 200, body: webexSubscriber(), headers: { TrackingID: 'ROUTER_ABC' } });

      // Act
      const result = await newClient().get(SUBSCRIBER_ID, { trackingId: 't1' });

      // Assess
      expect(result.webexTrackingId).toBe('ROUTER_ABC');
    });

    it('returns each operation typed', async () => {
      // Prepare
      server.script(
        { status: 200, body: { items: [webexSubscriber(), webexSubscriber({ id: 'other', selfActivated: true })] } },
        { status: 200, body: webexSubscriber({ status: 'updating' }) },
        { status: 204 },
        {
          status: 200,
          body: {
            message: 'success',
            info: { infoCode: 100, description: 'Provisioning preCheck validation successful.' },
          },
        },
        { status: 204 },
      );
      const client = newClient();

      // Act
      const list = await client.list({}, { trackingId: 't1' });
      const updated = await client.update(SUBSCRIBER_ID, { firstName: 'Ada' }, { trackingId: 't2' });
      const removed = await client.remove(SUBSCRIBER_ID, { trackingId: 't3' });
      const precheck = await client.precheck({ email: 'ada@example.com' }, { trackingId: 't4' });
      const consent = await client.consentMove(SUBSCRIBER_ID, { trackingId: 't5' });

      // Assess
      expect(list.value.items.map((s) => [s.id, s.selfActivated])).toEqual([
        [SUBSCRIBER_ID, false],
        ['other', true],
      ]);
      expect(list.value.nextQuery).toBeUndefined();
      expect(updated.value.status).toBe('updating');
      expect(server.requests[1]?.method).toBe('PUT');
      expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({ firstName: 'Ada' });
      expect(removed.value).toBeUndefined();
      expect(precheck.value).toEqual({
        message: 'success',
        info: [{ infoCode: 100, description: 'Provisioning preCheck validation successful.' }],
      });
      expect(server.requests[3]?.url).toBe('/v1/broadworks/subscribers/validate');
      expect(consent.value).toBeUndefined();
    });

    it('turns a success body that does not match the contract into UpstreamProtocolError 502', async () => {
      // Prepare
      server.script(
        { status: 200, body: { id: 'x', status: 'teleported' }, headers: { TrackingID: 'W1' } },
        { status: 200, body: '<html>oops</html>', headers: { 'Content-Type': 'text/html' } },
      );
      const client = newClient();

      // Act
      const badStatus = client.get(SUBSCRIBER_ID, { trackingId: 't1' }).catch((e: unknown) => e);
      const notJson = await client.list({}, { trackingId: 't2' }).catch((e: unknown) => e);

      // Assess
      expect(await badStatus).toBeInstanceOf(UpstreamProtocolError);
      expect(await badStatus).toMatchObject({ status: 502, webexTrackingId: 'W1' });
      expect(notJson).toBeInstanceOf(UpstreamProtocolError);
    });

    it('does not follow a redirect (the bearer token never leaves for another place)', async () => {
      // Prepare
      server.script({ status: 302, headers: { Location: 'http://127.0.0.1:1/steal' } });

      // Act
      const failure = await newClient()
        .get(SUBSCRIBER_ID, { trackingId: 't1' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamProtocolError);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('errors', () => {
    it('keeps status, error codes, field names and trackingId of a Webex error body', async () => {
      // Prepare
      server.script({
        status: 400,
        headers: { TrackingID: 'ROUTER_400' },
        body: {
          message: 'Missing mandatory parameter.',
          errors: [{ description: 'firstName is required', errorCode: 1001, fieldName: 'firstName' }],
          trackingId: 'ROUTER_400',
        },
      });

      // Act
      const failure = await newClient()
        .provision(
          {
            provisioningId: 'p',
            userId: 'u',
            spEnterpriseId: 's',
            firstName: 'f',
            lastName: 'l',
            package: 'basic',
            extension: '1',
          },
          { trackingId: 't1' },
        )
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).not.toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({
        status: 400,
        message: 'Missing mandatory parameter.',
        webexTrackingId: 'ROUTER_400',
        errors: [{ description: 'firstName is required', errorCode: 1001, fieldName: 'firstName' }],
      });
    });

    it('takes the trackingId from the body when the header is missing, and copes with an item lacking a description', async () => {
      // Prepare
      server.script({
        status: 409,
        body: {
          message: 'The BroadWorks UserID is already associated with an existing user.',
          errors: [{ errorCode: 10022 }],
          trackingId: 'BODY_ID',
        },
      });

      // Act
      const failure = await newClient()
        .get(SUBSCRIBER_ID, { trackingId: 't1' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toMatchObject({
        status: 409,
        webexTrackingId: 'BODY_ID',
        errors: [
          { errorCode: 10022, description: 'The BroadWorks UserID is already associated with an existing user.' },
        ],
      });
    });

    it('maps an error that is not a Webex body to UpstreamError with the status and no items', async () => {
      // Prepare
      server.script({ status: 403, body: 'Forbidden', headers: { 'Content-Type': 'text/plain' } });

      // Act
      const failure = await newClient()
        .get(SUBSCRIBER_ID, { trackingId: 't1' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ status: 403, errors: [] });
    });
  });
});
