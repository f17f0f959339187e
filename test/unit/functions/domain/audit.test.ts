import { describe, expect, it } from 'vitest';
import { auditId, describeChanges } from '../../../../functions/domain/audit';
import type { FieldDigester } from '../../../../functions/domain/ports/audit';

const digester: FieldDigester = { digest: (v) => `hmac-sha256:${v.length.toString(16).padStart(16, '0')}` };

describe('auditId', () => {
  it('is the same for the same parts and differs when any part differs', () => {
    // Act
    const a = auditId('req-1', 'provision');
    const b = auditId('req-1', 'provision');
    const c = auditId('req-1', 'update');
    const d = auditId('req-1p', 'rovision');

    // Assess
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).not.toBe(d);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('describeChanges', () => {
  it('keeps non-personal values, digests personal ones and marks removals', () => {
    // Act
    const changes = describeChanges(
      { firstName: 'John', package: 'premium', mobilePhoneNumber: '', customerInfo: { primaryEmail: 'a@b.co' } },
      digester,
    );

    // Assess
    expect(changes).toEqual([
      { field: 'customerInfo.primaryEmail', digest: 'hmac-sha256:0000000000000006' },
      { field: 'firstName', digest: 'hmac-sha256:0000000000000004' },
      { field: 'mobilePhoneNumber', removed: true },
      { field: 'package', value: 'premium' },
    ]);
    expect(JSON.stringify(changes)).not.toContain('John');
  });
});
