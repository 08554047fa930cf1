/**
 * Scheduled target (every minute in AWS; a timer in local mode): tears down ephemeral
 * environments whose TTL has passed. Placeholder until the sweeper lands.
 */
export const handler = async (): Promise<{ started: string[] }> => ({ started: [] });
