import { describe, expect, it } from 'vitest';
import {
  nextPageQuery,
  parseLinkHeader,
  parseRetryAfterSeconds,
} from '../../../../../functions/adapters/webex/headers';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

describe('parseRetryAfterSeconds', () => {
  it('reads whole seconds', () => {
    // Act
    const seconds = parseRetryAfterSeconds(' 120 ', NOW);

    // Assess
    expect(seconds).toBe(120);
  });

  it('reads an IMF-fixdate against the clock', () => {
    // Prepare
    const at = new Date(NOW + 30_000).toUTCString();

    // Act
    const seconds = parseRetryAfterSeconds(at, NOW);

    // Assess
    expect(seconds).toBe(30);
  });

  it('reads an HTTP-date against the response Date header when there is one', () => {
    // Prepare: our clock is an hour ahead of Webex's
    const webexNow = NOW - 3_600_000;

    // Act
    const seconds = parseRetryAfterSeconds(
      new Date(webexNow + 10_000).toUTCString(),
      NOW,
      new Date(webexNow).toUTCString(),
    );

    // Assess
    expect(seconds).toBe(10);
  });

  it('reads the obsolete RFC 850 date form', () => {
    // Act
    const seconds = parseRetryAfterSeconds('Sunday, 01-Jun-25 12:00:05 GMT', NOW);

    // Assess
    expect(seconds).toBe(5);
  });

  it('waits 0 for a date in the past', () => {
    // Act
    const seconds = parseRetryAfterSeconds(new Date(NOW - 60_000).toUTCString(), NOW);

    // Assess
    expect(seconds).toBe(0);
  });

  it.each([undefined, null, '', 'soon', '-5', '1.5', '2025-06-01'])('does not guess from %j', (value) => {
    // Act
    const seconds = parseRetryAfterSeconds(value, NOW);

    // Assess
    expect(seconds).toBeUndefined();
  });
});

describe('parseLinkHeader', () => {
  it('reads several links with quoted, unquoted and multi-valued rel', () => {
    // Act
    const links = parseLinkHeader(
      '<https://a.example/1>; rel="prev", <https://a.example/2>; title="x"; rel=next, <https://a.example/9>; rel="last first"',
    );

    // Assess
    expect(links).toEqual([
      { url: 'https://a.example/1', rels: ['prev'] },
      { url: 'https://a.example/2', rels: ['next'] },
      { url: 'https://a.example/9', rels: ['last', 'first'] },
    ]);
  });

  it('reads nothing from an absent header', () => {
    // Act
    const links = parseLinkHeader(null);

    // Assess
    expect(links).toEqual([]);
  });
});

describe('nextPageQuery', () => {
  it('returns the query of the next link, resolved against the request URL', () => {
    // Act
    const query = nextPageQuery(
      '</v1/broadworks/subscribers?max=10&cursor=abc>; rel="next"',
      'https://webexapis.com/v1/x',
    );

    // Assess
    expect(query).toEqual({ max: '10', cursor: 'abc' });
  });

  it('returns undefined on the last page', () => {
    // Act
    const query = nextPageQuery('<https://webexapis.com/v1/broadworks/subscribers?cursor=a>; rel="prev"', 'https://x/');

    // Assess
    expect(query).toBeUndefined();
  });

  it('throws on a next link that is not a URL rather than mistaking it for the last page', () => {
    // Act
    const read = () => nextPageQuery('<http://[bad>; rel="next"', 'https://webexapis.com/v1');

    // Assess
    expect(read).toThrow(TypeError);
  });
});
