/** DNS for webhook targets (docs/decisions.md §45): every address a name resolves to. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HostResolver } from '../domain/ports.ts';

export class DnsHostResolver implements HostResolver {
  async resolve(host: string): Promise<string[]> {
    if (isIP(host) !== 0) return [host];
    try {
      const answers = await lookup(host, { all: true, verbatim: true });
      return answers.map((a) => a.address);
    } catch {
      // NXDOMAIN and friends: no address (the rules refuse a name that resolves to nothing).
      return [];
    }
  }
}
