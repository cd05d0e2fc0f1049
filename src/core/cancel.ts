/**
 * Cancellation on the request path. `CancelSignal` is the part of the platform `AbortSignal`
 * the hub uses (an `AbortSignal` fits it, and undici accepts it as a request signal);
 * `Cancellation` is a light implementation of it. Every request needs a client-abort signal
 * and every attempt one more with a timer: an `AbortController` with its listeners costs
 * ~10 µs, this class well under one.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Why it was aborted (a HubError on the hub's own signals); undefined until then. */
  readonly reason: unknown;
  /** Listeners run once, at the abort. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners?.splice(at, 1);
  }

  /** Aborts once; later calls are ignored. A listener that throws does not stop the others. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) {
      try {
        listener();
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
