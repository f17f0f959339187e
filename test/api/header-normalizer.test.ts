import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { describe, expect, it } from 'vitest';
import { normalizeHeaderNames } from '../../functions/http/header-normalizer';

type Event = { headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown>; body?: string };

async function withMiddy(event: Event): Promise<Event> {
  const request = { event: structuredClone(event) };
  await (httpHeaderNormalizer().before as (r: typeof request) => Promise<void>)(request);
  return request.event;
}

function withOurs(event: Event): Event {
  const copy = structuredClone(event);
  normalizeHeaderNames(copy);
  return copy;
}

describe('header names in lower case', () => {
  it.each<[string, Event]>([
    ['mixed-case headers', { headers: { 'Content-Type': 'application/json', TrackingID: 'T1', accept: '*/*' } }],
    ['names differing only in case (the later wins)', { headers: { 'X-A': '1', 'x-a': '2', 'X-a': '3' } }],
    ['multi-value headers', { headers: { Accept: 'a' }, multiValueHeaders: { Accept: ['a', 'b'], 'X-B': ['c'] } }],
    ['no headers at all', { body: '{}' }],
    ['an empty header map', { headers: {} }],
  ])('does what @middy/http-header-normalizer did with %s', async (_name, event) => {
    // Act
    const expected = await withMiddy(event);
    const actual = withOurs(event);

    // Assess
    expect(actual).toStrictEqual(expected);
    expect(Object.keys(actual.headers ?? {})).toEqual(Object.keys(expected.headers ?? {}));
  });
});
