/**
 * IPv4 CIDR maths for the simulation: parsing blocks, carving subnets out of a VPC's
 * range and drawing host addresses the way AWS would hand them out. Addresses are plain
 * numbers (not 32-bit ints) so that arithmetic above 2^31 never goes negative.
 */
import type { Rng } from './random.ts';

/** A CIDR block as a 32-bit base address and a prefix length. */
export function parseCidr(cidr: string): { base: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = Number(match?.[5]);
  if (!match || octets.some((o) => o > 255) || prefix > 32)
    throw new Error(`Not an IPv4 CIDR block: ${cidr}`);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: address - (address % size), prefix };
}

export function formatIp(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

function parseIp(ip: string): number {
  return parseCidr(`${ip}/32`).base;
}

/** Whether `ip` lies inside `cidr`. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const { base, prefix } = parseCidr(cidr);
  const address = parseIp(ip);
  return address >= base && address < base + 2 ** (32 - prefix);
}

/** The `index`-th block of size /`prefix` inside `cidr`. */
export function subnetCidr(cidr: string, prefix: number, index: number): string {
  const parent = parseCidr(cidr);
  if (prefix < parent.prefix || (index + 1) * 2 ** (32 - prefix) > 2 ** (32 - parent.prefix)) {
    throw new Error(`Cannot carve subnet ${index} of /${prefix} from ${cidr}`);
  }
  return `${formatIp(parent.base + index * 2 ** (32 - prefix))}/${prefix}`;
}

/**
 * A host address in `cidr`, avoiding the 4 first and the last address (reserved by AWS in
 * every subnet) and, for looks, addresses ending in .0 or .255 (valid inside a /20, but odd to read).
 */
export function hostIn(rng: Rng, cidr: string): string {
  const { base, prefix } = parseCidr(cidr);
  const last = 2 ** (32 - prefix) - 2;
  let address = base + rng.int(4, last);
  if (last > 256 && (address % 256 === 0 || address % 256 === 255)) address += address % 256 === 0 ? 1 : -1;
  return formatIp(address);
}
