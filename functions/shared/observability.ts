/**
 * Structured logging (Powertools Logger), one instance per container. Log level comes
 * from POWERTOOLS_LOG_LEVEL; the service name from POWERTOOLS_SERVICE_NAME.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'env-provisioning' });
