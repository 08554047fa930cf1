/** Facts several stack kinds derive from the template parameters, so they always agree. */
import type { ResolvedParameters } from '../parameters.ts';

/** The database port: the security group and the RDS instance must open the same one. */
export const dbPort = (p: ResolvedParameters): number => (p.db_engine === 'postgres' ? 5432 : 3306);

/** Graviton instance types: images, AMIs and build hosts follow the instance architecture. */
export const isArm = (p: ResolvedParameters): boolean => p.instance_type.startsWith('t4g');
