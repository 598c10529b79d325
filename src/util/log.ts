/** JSON-line logging (pino) for every program; one root logger per process, children per part. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger writing JSON lines to stderr (stdout is reserved for program output). */
export function createLogger(name: string, level = process.env['IPNET_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}
