/**
 * The service-account use cases (docs/decisions.md §44) with in-memory stores and identities:
 * who may manage them, what reaches Cognito and the table, and that a failed record write
 * leaves no Cognito user behind.
 */
import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../../functions/app/service-account-identities.ts';
import { type Principal, principalFromClaims } from '../../../functions/domain/access.ts';
import { ForbiddenError, NotFoundError } from '../../../functions/domain/errors.ts';
import type { Page, ProjectRecord, ServiceAccountRecord } from '../../../functions/domain/model.ts';
import type {
  ProjectStore,
  ServiceAccountIdentities,
  ServiceAccountStore,
} from '../../../functions/domain/ports.ts';
import {
  createServiceAccount,
  deleteServiceAccount,
  listServiceAccounts,
  rotateServiceAccount,
  type ServiceAccountDeps,
} from '../../../functions/domain/use-cases/service-accounts.ts';

const project: ProjectRecord = {
  id: 'prj_01jd8x3k5m7n9p1q3r5s7t9v1w',
  name: 'payments',
  description: null,
  owner_id: 'owner',
  live_environments: 0,
  version: 1,
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
};

const person = (sub: string, group?: string): Principal =>
  principalFromClaims(
    { sub, email: `${sub}@example.com`, ...(group ? { 'cognito:groups': group } : {}) },
    'Developers',
  );
const owner = person('owner');
const stranger = person('stranger');
const admin = person('admin', 'Administrators');
const readOnly = person('viewer', 'ReadOnly');
const serviceAccount = principalFromClaims(
  {
    sub: 'sa',
    email: 'sa-01abc@service-accounts.invalid',
    'cognito:groups': 'ServiceAccounts',
    'custom:project_id': project.id,
    'custom:sa_role': 'deployer',
    'custom:sa_expires_at': '2999-01-01T00:00:00.000Z',
  },
  'Developers',
);

function fakes(options: { failRecord?: boolean } = {}) {
  const calls: string[] = [];
  const records = new Map<string, ServiceAccountRecord>();
  const users = new Set<string>();
  const projects = {
    get: async (id: string) => (id === project.id ? project : null),
  } as unknown as ProjectStore;
  const serviceAccounts: ServiceAccountStore = {
    create: async (account) => {
      calls.push(`record ${account.id}`);
      if (options.failRecord) throw new Error('table unavailable');
      records.set(account.id, account);
    },
    get: async (_projectId, id) => records.get(id) ?? null,
    listByProject: async (): Promise<Page<ServiceAccountRecord>> => ({
      items: [...records.values()],
      next_cursor: null,
    }),
    markRotated: async (account, at) => ({ ...account, rotated_at: at }),
    delete: async (account) => {
      calls.push(`unrecord ${account.id}`);
      records.delete(account.id);
    },
  };
  let n = 0;
  const identities: ServiceAccountIdentities = {
    newSecret: () => `Secret-${++n}-${'x'.repeat(32)}`,
    create: async (user) => {
      calls.push(`create ${user.username} ${user.projectId} ${user.role} ${user.expiresAt}`);
      users.add(user.username);
    },
    rotate: async (username) => {
      calls.push(`rotate ${username}`);
    },
    remove: async (username) => {
      calls.push(`remove ${username}`);
      users.delete(username);
    },
  };
  const deps: ServiceAccountDeps = { projects, serviceAccounts, identities };
  return { deps, calls, records, users };
}

const input = { name: 'ci', role: 'deployer' as const, expires_in_days: 30 };

describe('createServiceAccount', () => {
  it('creates the Cognito user with its project, role and expiry, then the record; the secret is not in it', async () => {
    // Arrange
    const { deps, calls, records } = fakes();
    const now = new Date('2026-12-01T10:00:00.000Z');
    // Act
    const { account, secret } = await createServiceAccount(deps, owner, project.id, input, now);
    // Assert
    expect(account).toEqual({
      id: expect.stringMatching(/^sa_[0-9a-z]{26}$/),
      project_id: project.id,
      name: 'ci',
      role: 'deployer',
      username: `${account.id.replace('sa_', 'sa-')}@service-accounts.invalid`,
      expires_at: '2026-12-31T10:00:00.000Z',
      created_at: '2026-12-01T10:00:00.000Z',
      created_by: 'owner',
      rotated_at: null,
    });
    expect(secret).toBe(`Secret-1-${'x'.repeat(32)}`);
    expect(calls).toEqual([
      `create ${account.username} ${project.id} deployer 2026-12-31T10:00:00.000Z`,
      `record ${account.id}`,
    ]);
    expect(JSON.stringify([...records.values()])).not.toContain(secret);
  });

  it('removes the Cognito user again when the record cannot be written', async () => {
    // Arrange
    const { deps, calls, users } = fakes({ failRecord: true });
    // Act
    const attempt = createServiceAccount(deps, admin, project.id, input);
    // Assert
    await expect(attempt).rejects.toThrow('table unavailable');
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['create', 'record', 'remove']);
    expect(users.size).toBe(0);
  });

  it.each([
    ['a ReadOnly user', readOnly, ForbiddenError],
    ['a service account, even of the project', serviceAccount, ForbiddenError],
    ['a developer who does not own the project', stranger, NotFoundError],
  ])('refuses %s, touching nothing', async (_who, principal, error) => {
    // Arrange
    const { deps, calls } = fakes();
    // Act / Assert
    await expect(createServiceAccount(deps, principal, project.id, input)).rejects.toThrow(error);
    expect(calls).toEqual([]);
  });
});

describe('reading, rotating and deleting', () => {
  it('lets ReadOnly list (no secrets), refuses a service account (403), hides the project from strangers (404)', async () => {
    // Arrange
    const { deps } = fakes();
    await createServiceAccount(deps, owner, project.id, input);
    // Act / Assert
    const page = await listServiceAccounts(deps, readOnly, project.id, { limit: 20 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).not.toHaveProperty('secret');
    await expect(listServiceAccounts(deps, serviceAccount, project.id, { limit: 20 })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(listServiceAccounts(deps, stranger, project.id, { limit: 20 })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('rotates with a new secret (and a sign-out), and deletes the user before the record', async () => {
    // Arrange
    const { deps, calls } = fakes();
    const { account, secret } = await createServiceAccount(deps, owner, project.id, input);
    calls.length = 0;
    // Act
    const rotated = await rotateServiceAccount(deps, owner, project.id, account.id);
    await deleteServiceAccount(deps, admin, project.id, account.id);
    // Assert
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.account.rotated_at).toEqual(expect.any(String));
    expect(calls).toEqual([
      `rotate ${account.username}`,
      `remove ${account.username}`,
      `unrecord ${account.id}`,
    ]);
    await expect(deleteServiceAccount(deps, admin, project.id, account.id)).rejects.toThrow(NotFoundError);
  });
});

describe('generateSecret', () => {
  it('is 48 characters with upper, lower, digit and symbol, and never the same twice', () => {
    // Act
    const secrets = Array.from({ length: 200 }, generateSecret);
    // Assert
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9\-_.~+=]{48}$/);
      expect(secret).toMatch(/[A-Z]/);
      expect(secret).toMatch(/[a-z]/);
      expect(secret).toMatch(/[0-9]/);
      expect(secret).toMatch(/[-_.~+=]/);
    }
    expect(new Set(secrets).size).toBe(200);
  });
});
