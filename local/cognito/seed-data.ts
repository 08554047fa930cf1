/** The groups and users every local Cognito starts with. */

/** The groups of the product's roles (DESIGN.md §4), with Cognito precedence (lower wins). */
export const GROUPS = [
  { name: 'Administrators', precedence: 1, description: 'Everything, on everyone’s resources' },
  { name: 'Developers', precedence: 2, description: 'Create, change, deploy and delete their own resources' },
  { name: 'ReadOnly', precedence: 3, description: 'Read everyone’s resources, change nothing' },
  {
    name: 'ServiceAccounts',
    precedence: 4,
    description: 'Pipelines’ identities, confined to one project by custom attributes (created by the API)',
  },
] as const;

/** One of the product's role groups. */
export type GroupName = (typeof GROUPS)[number]['name'];

/** The service accounts' custom attributes (lib/auth.ts's `SERVICE_ACCOUNT_ATTRIBUTES`; `custom:` in tokens). */
export const SERVICE_ACCOUNT_ATTRIBUTES = ['project_id', 'sa_role', 'sa_expires_at'] as const;

/** The password of every seeded user: meets the pool policy (12+, upper, lower, digit, symbol). */
export const LOCAL_PASSWORD = 'LocalPassw0rd!';

/** A user local mode creates on start, confirmed and in one group. */
export interface SeedUser {
  email: string;
  password: string;
  group: GroupName;
  name: string;
}

/** One confirmed user per group, documented in the README and printed by `npm start`. */
export const SEED_USERS: readonly SeedUser[] = [
  { email: 'admin@example.com', password: LOCAL_PASSWORD, group: 'Administrators', name: 'Local Admin' },
  { email: 'developer@example.com', password: LOCAL_PASSWORD, group: 'Developers', name: 'Local Developer' },
  { email: 'readonly@example.com', password: LOCAL_PASSWORD, group: 'ReadOnly', name: 'Local Viewer' },
];
