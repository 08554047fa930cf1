import { describe, expect, it } from 'vitest';
import {
  assertMayModify,
  effectiveRole,
  parseGroups,
  principalFromClaims,
} from '../../../functions/domain/access.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../../functions/domain/errors.ts';

describe('parseGroups', () => {
  it.each([
    ['Administrators,Developers', ['Administrators', 'Developers']],
    ['[Administrators Developers]', ['Administrators', 'Developers']],
    ['[ReadOnly]', ['ReadOnly']],
    ['', []],
    [undefined, []],
    [['Developers'], ['Developers']],
  ])('reads %j', (value, expected) => {
    expect(parseGroups(value)).toEqual(expected);
  });
});

describe('effectiveRole', () => {
  it('takes the most privileged group and defaults when there is none', () => {
    expect(effectiveRole(['ReadOnly', 'Administrators'], 'Developers')).toBe('Administrators');
    expect(effectiveRole(['ReadOnly', 'Developers'], 'Developers')).toBe('Developers');
    expect(effectiveRole(['Unknown'], 'Developers')).toBe('Developers');
    expect(effectiveRole([], 'ReadOnly')).toBe('ReadOnly');
  });
});

describe('principalFromClaims', () => {
  it('refuses missing subjects and access tokens', () => {
    expect(() => principalFromClaims(undefined, 'Developers')).toThrow(UnauthorizedError);
    expect(() => principalFromClaims({ sub: 'u', token_use: 'access' }, 'Developers')).toThrow(
      UnauthorizedError,
    );
  });

  it('builds the caller from string claims', () => {
    const p = principalFromClaims({ sub: 'u1', email: 'a@b.c', 'cognito:groups': 'ReadOnly' }, 'Developers');
    expect(p).toEqual({ userId: 'u1', email: 'a@b.c', name: null, groups: ['ReadOnly'], role: 'ReadOnly' });
  });
});

describe('assertMayModify', () => {
  const dev = principalFromClaims({ sub: 'dev' }, 'Developers');
  const readOnly = principalFromClaims({ sub: 'ro', 'cognito:groups': 'ReadOnly' }, 'Developers');
  const admin = principalFromClaims({ sub: 'adm', 'cognito:groups': 'Administrators' }, 'Developers');

  it('hides other people’s resources (404), refuses ReadOnly (403), lets admins through', () => {
    expect(() => assertMayModify(dev, 'someone', 'Project', 'p')).toThrow(NotFoundError);
    expect(() => assertMayModify(readOnly, 'someone', 'Project', 'p')).toThrow(ForbiddenError);
    expect(() => assertMayModify(admin, 'someone', 'Project', 'p')).not.toThrow();
    expect(() => assertMayModify(dev, 'dev', 'Project', 'p')).not.toThrow();
  });
});
