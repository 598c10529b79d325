/**
 * Placeholders for effects a machine names but must not implement (machines stay pure);
 * the composition root replaces them with `machine.provide({ actors: { … } })`.
 */
import { fromPromise } from 'xstate';

/** Raised when a machine runs without its effect provided: a wiring mistake, not a runtime fault. */
export class EffectNotProvidedError extends Error {
  constructor(readonly effect: string) {
    super(`effect '${effect}' is not provided at the composition root`);
  }
}

/** A typed promise-effect slot named `name`. */
export function effect<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new EffectNotProvidedError(name);
  });
}

/** The text of a rejected effect's error, for context fields and emitted events. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
