/**
 * GET /console, /console/orders/{orderId}, /console/subscribers/{subscriberId} and /console/assets/{asset} — the
 * operator console (public: the page and its files hold no data; the script signs the operator in with OIDC
 * authorization code + PKCE at `JWT_ISSUER` as `CONSOLE_CLIENT_ID`, then calls this API with that token).
 */
import { getConfig } from '../composition/root';
import { CONSOLE_SCRIPT, CONSOLE_STYLE } from '../console/assets';
import { consoleCsp, renderConsolePage } from '../console/page';
import { NotFoundError } from '../domain/errors';
import { createHttpHandler } from '../http/handler';
import { html } from '../http/responses';

const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  'console.js': { type: 'text/javascript; charset=utf-8', body: CONSOLE_SCRIPT },
  'console.css': { type: 'text/css; charset=utf-8', body: CONSOLE_STYLE },
};

export const handler = createHttpHandler({
  operationId: 'getConsole',
  // The issuer is fixed per deployment (the function's environment); locally it is this origin, which 'self' covers.
  contentSecurityPolicy: consoleCsp(process.env.JWT_ISSUER),
  handle: async ({ event }) => {
    const asset = event.pathParameters?.asset;
    if (asset !== undefined) {
      const file = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
      if (!file) throw new NotFoundError(`No console asset ${asset}.`);
      return { statusCode: 200, headers: { 'Content-Type': file.type }, body: file.body };
    }
    const config = getConfig(['console']);
    const issuer = config.jwtIssuer as string;
    return html(200, renderConsolePage({ issuer, clientId: config.consoleClientId as string }));
  },
});
