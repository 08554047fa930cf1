import { describe, expect, it } from 'vitest';
import {
  actorOf,
  assertMayModify,
  assertNotServiceAccount,
  assertVisible,
  canSee,
  effectiveRole,
  isServiceAccount,
  parseGroups,
  principalFromClaims,
  seesEverything,
  serviceAccountIdOf,
  serviceAccountUsername,
} from '../../../functions/domain/access.ts';
import { mayApprove } from '../../../functions/domain/approvals.ts';
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
    const someones = { ownerId: 'someone', projectId: 'prj_a' };
    expect(() => assertMayModify(dev, someones, 'Project', 'p')).toThrow(NotFoundError);
    expect(() => assertMayModify(readOnly, someones, 'Project', 'p')).toThrow(ForbiddenError);
    expect(() => assertMayModify(admin, someones, 'Project', 'p')).not.toThrow();
    expect(() => assertMayModify(dev, { ownerId: 'dev', projectId: 'prj_a' }, 'Project', 'p')).not.toThrow();
  });
});

describe('service accounts', () => {
  const future = new Date(Date.now() + 86_400_000).toISOString();
  const past = new Date(Date.now() - 1000).toISOString();
  const saClaims = (overrides: Record<string, unknown> = {}) => ({
    sub: 'sa-sub',
    email: 'sa-01jd8x3k5m7n9p1q3r5s7t9v1w@service-accounts.invalid',
    'cognito:groups': 'ServiceAccounts',
    'custom:project_id': 'prj_mine',
    'custom:sa_role': 'deployer',
    'custom:sa_expires_at': future,
    ...overrides,
  });
  const deployer = principalFromClaims(saClaims(), 'Developers');
  const viewer = principalFromClaims(saClaims({ 'custom:sa_role': 'viewer' }), 'Developers');
  const inProject = { ownerId: 'someone', projectId: 'prj_mine' };
  const elsewhere = { ownerId: 'someone', projectId: 'prj_other' };

  it('builds a principal confined to its project, with the role of its kind', () => {
    // Assert
    expect(deployer).toEqual({
      userId: 'sa-sub',
      email: 'sa-01jd8x3k5m7n9p1q3r5s7t9v1w@service-accounts.invalid',
      name: null,
      groups: ['ServiceAccounts'],
      role: 'Developers',
      serviceAccount: { id: 'sa_01jd8x3k5m7n9p1q3r5s7t9v1w', projectId: 'prj_mine', role: 'deployer' },
    });
    expect(viewer.role).toBe('ReadOnly');
    expect(isServiceAccount(deployer)).toBe(true);
    expect(isServiceAccount(principalFromClaims({ sub: 'dev' }, 'Developers'))).toBe(false);
  });

  it('refuses an expired service account (401)', () => {
    // Act / Assert
    expect(() => principalFromClaims(saClaims({ 'custom:sa_expires_at': past }), 'Developers')).toThrow(
      new UnauthorizedError('The service account expired'),
    );
  });

  it.each([
    ['no project', { 'custom:project_id': undefined }],
    ['an unknown role', { 'custom:sa_role': 'admin' }],
    ['no expiry', { 'custom:sa_expires_at': undefined }],
    ['an expiry that is no date', { 'custom:sa_expires_at': 'soon' }],
    ['a username of another form', { email: 'someone@example.com' }],
  ])('refuses a token of the group with %s (401)', (_case, overrides) => {
    expect(() => principalFromClaims(saClaims(overrides), 'Developers')).toThrow(UnauthorizedError);
  });

  it('sees only its project, whoever owns what is in it, and never everything', () => {
    // Assert
    expect(seesEverything(viewer)).toBe(false);
    expect(canSee(viewer, inProject)).toBe(true);
    expect(canSee(viewer, elsewhere)).toBe(false);
    // A record that does not name its project is not enough for a service account.
    expect(canSee(deployer, { ownerId: 'someone', projectId: null })).toBe(false);
    expect(() => assertVisible(deployer, elsewhere, 'Environment', 'env_x')).toThrow(NotFoundError);
  });

  it('lets a deployer change its project’s resources, refuses a viewer (403) and hides the rest (404)', () => {
    // Assert
    expect(() => assertMayModify(deployer, inProject, 'Environment', 'e')).not.toThrow();
    expect(() => assertMayModify(viewer, inProject, 'Environment', 'e')).toThrow(ForbiddenError);
    expect(() => assertMayModify(deployer, elsewhere, 'Environment', 'e')).toThrow(NotFoundError);
    expect(() => assertMayModify(viewer, elsewhere, 'Environment', 'e')).toThrow(NotFoundError);
  });

  it('is refused what only people may do, and named by its username on what it starts', () => {
    // Assert
    expect(() => assertNotServiceAccount(deployer, 'create projects')).toThrow(
      new ForbiddenError('A service account cannot create projects'),
    );
    expect(() =>
      assertNotServiceAccount(principalFromClaims({ sub: 'dev' }, 'Developers'), 'x'),
    ).not.toThrow();
    expect(actorOf(deployer)).toBe('sa-01jd8x3k5m7n9p1q3r5s7t9v1w@service-accounts.invalid');
    expect(actorOf(principalFromClaims({ sub: 'dev', email: 'd@example.com' }, 'Developers'))).toBe('dev');
  });

  it('never approves, even when a project names it as an approver', () => {
    // Arrange
    const policy = { operations: ['destroy' as const], approvers: [deployer.userId] };
    // Assert
    expect(mayApprove(deployer, policy)).toBe(false);
    expect(
      mayApprove(principalFromClaims({ sub: 'dev' }, 'Developers'), { ...policy, approvers: ['dev'] }),
    ).toBe(true);
  });

  it('maps ids to usernames and back', () => {
    expect(serviceAccountUsername('sa_01abc')).toBe('sa-01abc@service-accounts.invalid');
    expect(serviceAccountIdOf('sa-01abc@service-accounts.invalid')).toBe('sa_01abc');
    expect(serviceAccountIdOf('sa-01abc@example.com')).toBeNull();
  });
});
