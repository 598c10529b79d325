/**
 * Placeholders for effects a machine names but must not implement (machines stay pure);
 * the composition root replaces them with `machine.provide({ actors: { … } })`, or for the
 * action slots (`effectAction`) with `machine.provide({ actions: { … } })`.
 */
import { fromPromise, type AnyActorRef } from 'xstate';

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

/**
 * An action slot for effect `name`, started by a state's entry with the effect's input as the
 * action's params. It reports back as the events `<name>.done` (with `output`) and
 * `<name>.failed` (with `error`); the composition root provides it with `startsEffect`.
 * For machines made per request (a pod's): an invoked promise effect does the same through a
 * child actor made and stopped per run, which cost ~80 µs of CPU and ~11 KB per pod ADD.
 */
export function effectAction<TInput>(name: string) {
  return (_args: unknown, _input: TInput): void => {
    throw new EffectNotProvidedError(name);
  };
}

/**
 * Implements an `effectAction` slot: runs `run(input)` and sends its outcome to the actor that
 * started it. A throw is reported as a failure, never out of the action (it would fail the
 * actor); an actor stopped meanwhile (shut down, or crashed) is told nothing, as it would not
 * be by an invoked effect.
 */
export function startsEffect<TInput, TOutput>(name: string, run: (input: TInput) => Promise<TOutput>) {
  return ({ self }: { self: AnyActorRef }, input: TInput): void => {
    let outcome: Promise<TOutput>;
    try {
      outcome = run(input);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    const report = (event: { type: string; output?: TOutput; error?: unknown }) => {
      if (self.getSnapshot().status === 'active') self.send(event);
    };
    outcome.then(
      (output) => report({ type: `${name}.done`, output }),
      (error: unknown) => report({ type: `${name}.failed`, error }),
    );
  };
}

/** The text of a rejected effect's error, for context fields and emitted events. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
