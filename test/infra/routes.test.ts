import { describe, expect, it } from 'vitest';
import { ROUTE_SCOPES, scopeOf } from '../../functions/catalog/route-scopes';
import { ROUTES } from '../../functions/catalog/routes';

describe('the route table and the route scopes the functions read', () => {
  it('list the same operations with the same scopes', () => {
    // Act
    const fromTable = Object.fromEntries(ROUTES.map((route) => [route.operationId, route.scope]));

    // Assess
    expect(fromTable).toEqual(ROUTE_SCOPES);
    expect(ROUTES).toHaveLength(Object.keys(ROUTE_SCOPES).length);
  });

  it('refuses an operation the table does not have', () => {
    // Act / Assess
    expect(scopeOf('getSubscriber')).toBe('read');
    expect(scopeOf('getApiDocs')).toBeNull();
    expect(() => scopeOf('toString')).toThrow(/No route with operationId toString/);
  });
});
