/**
 * Ports of the local runtime: each from the options, else its environment variable, else its default; and a clear error
 * naming the variable to change when a port is taken.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ComponentName = 'api' | 'dynamodb' | 'simulator' | 'stepFunctions';

export const PORT_SETTINGS: Record<ComponentName, { envVar: string; defaultPort: number; label: string }> = {
  api: { envVar: 'PORT', defaultPort: 3000, label: 'API gateway' },
  dynamodb: { envVar: 'DYNAMODB_PORT', defaultPort: 8000, label: 'DynamoDB (dynalite)' },
  simulator: { envVar: 'SIMULATOR_PORT', defaultPort: 3001, label: 'Webex simulator' },
  stepFunctions: { envVar: 'SFN_PORT', defaultPort: 8083, label: 'Step Functions' },
};

export type PortOptions = Partial<Record<ComponentName, number>>;

export class InvalidPortError extends Error {
  constructor(component: ComponentName, value: string) {
    const { envVar, label } = PORT_SETTINGS[component];
    super(`${envVar}=${JSON.stringify(value)} is not a port for the ${label}: use a whole number from 0 to 65535`);
    this.name = 'InvalidPortError';
  }
}

export class PortInUseError extends Error {
  readonly component: ComponentName;
  readonly port: number;
  constructor(component: ComponentName, port: number, host: string) {
    const { envVar, label } = PORT_SETTINGS[component];
    super(
      `Port ${port} on ${host} is already in use, so the ${label} cannot start. ` +
        `Stop whatever uses it, or pick another port with ${envVar} (for example ${envVar}=${port + 100} npm start).`,
    );
    this.name = 'PortInUseError';
    this.component = component;
    this.port = port;
  }
}

export function resolvePort(
  component: ComponentName,
  explicit: number | undefined,
  env: Record<string, string | undefined>,
): number {
  const { envVar, defaultPort } = PORT_SETTINGS[component];
  if (explicit !== undefined) {
    if (!Number.isInteger(explicit) || explicit < 0 || explicit > 65535) {
      throw new InvalidPortError(component, String(explicit));
    }
    return explicit;
  }
  const raw = env[envVar]?.trim();
  if (raw === undefined || raw === '') return defaultPort;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new InvalidPortError(component, raw);
  return Number(raw);
}

export function resolvePorts(
  options: PortOptions,
  env: Record<string, string | undefined>,
): Record<ComponentName, number> {
  return {
    api: resolvePort('api', options.api, env),
    dynamodb: resolvePort('dynamodb', options.dynamodb, env),
    simulator: resolvePort('simulator', options.simulator, env),
    stepFunctions: resolvePort('stepFunctions', options.stepFunctions, env),
  };
}

export function isAddressInUse(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as { code?: unknown }).code === 'EADDRINUSE';
}

/** `server.listen` as a promise: the bound port, or PortInUseError for a taken port. */
export function listen(server: Server, component: ComponentName, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(isAddressInUse(error) ? new PortInUseError(component, port, host) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
