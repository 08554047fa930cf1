/** `/auth/login` signs a service account in through its own app client (docs/decisions.md §44). */
import { describe, expect, it } from 'vitest';
import { loginClientId } from '../../../functions/api/handlers/login.ts';

describe('loginClientId', () => {
  it.each([
    ['sa-01abc@service-accounts.invalid', 'unitsaclient'],
    ['SA-01ABC@Service-Accounts.Invalid', 'unitsaclient'],
    ['developer@example.com', 'unitclient'],
    // Only the domain itself, not a look-alike.
    ['someone@service-accounts.invalid.example.com', 'unitclient'],
    ['someone@not-service-accounts.invalid', 'unitclient'],
  ])('takes %s through %s', (email, client) => {
    expect(loginClientId(email)).toBe(client);
  });
});
