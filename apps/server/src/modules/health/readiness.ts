import { ServiceUnavailableException } from '@nestjs/common';
import type {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
} from '@nestjs/terminus';

/**
 * Runs the readiness checks. Terminus answers a failure with its result object, which the
 * error filter reduced to "Service Unavailable Exception"; this names what is down instead,
 * in the API's error shape (`503 { statusCode, error, message }`).
 */
export async function checkReadiness(
  health: HealthCheckService,
  indicators: HealthIndicatorFunction[],
): Promise<HealthCheckResult> {
  try {
    return await health.check(indicators);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    const result = error.getResponse() as Partial<HealthCheckResult>;
    const down = Object.entries(result.error ?? {}).map(([name, info]) =>
      typeof info?.message === 'string' ? `${name} is down (${info.message})` : `${name} is down`,
    );
    throw new ServiceUnavailableException(
      `Not ready: ${down.length > 0 ? down.join('; ') : (result.status ?? 'unknown')}`,
    );
  }
}
