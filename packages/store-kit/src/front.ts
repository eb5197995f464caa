/**
 * The validating front of a repository: every backend's repository receives
 * arguments already parsed by the same parsers, so input validation (what is
 * accepted, what each field defaults to, which error names which field, in
 * which order arguments are checked) is one piece of code that no backend
 * repeats or can diverge from.
 */

/** What parsers may need of the store they validate for. */
export interface FrontContext {
  /** The store's embedding dimension (read when an embedding is parsed). */
  readonly embeddingDimension: number;
}

/**
 * For each method of the repository interface `R`, the function that parses
 * its arguments: it receives the store's {@link FrontContext} and the
 * method's arguments as given, throws a `ValidationError` or returns the
 * tuple of parsed arguments the backend's method receives.
 */
export type Parsers<R> = {
  readonly [K in keyof R]: R[K] extends (...args: infer A) => Promise<unknown>
    ? (context: FrontContext, ...args: A) => readonly unknown[]
    : never;
};

/**
 * What a backend implements for the repository `R` fronted by the parsers
 * `P`: every method of `R`, receiving its arguments parsed.
 */
export type BackendOf<R, P extends Parsers<R>> = {
  [K in keyof R]: (
    ...args: ReturnType<P[K]>
  ) => R[K] extends (...args: never[]) => infer Result ? Result : never;
};

/** A fronted repository's constructor: wraps one backend repository. */
export type Front<R, P extends Parsers<R>> = new (
  backend: BackendOf<R, P>,
  context: FrontContext,
) => R;

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * A constructor of `R` whose methods parse their arguments with `parsers`
 * and call the backend's method of the same name with the parsed values. A
 * parser's error is returned as a rejected promise, as the method's own
 * would be; nothing reaches the backend.
 *
 * @example
 * ```ts
 * const GoalFront = front<GoalRepository>()({
 *   get: (_, projectId, id) => [parseId(projectId, 'projectId'), parseId(id)] as const,
 *   …
 * });
 * const goals: GoalRepository = new GoalFront(new SqliteGoals(session), store);
 * ```
 */
export function front<R>(): <const P extends Parsers<R>>(parsers: P) => Front<R, P> {
  return (parsers) => {
    const table = Object.entries(
      parsers as object as Record<string, (context: FrontContext, ...args: unknown[]) => unknown[]>,
    );
    class Fronted {
      readonly #backend: Record<string, AnyMethod>;
      readonly #context: FrontContext;
      constructor(backend: object, context: FrontContext) {
        this.#backend = backend as Record<string, AnyMethod>;
        this.#context = context;
      }
      static {
        for (const [name, parse] of table) {
          Object.defineProperty(this.prototype, name, {
            configurable: true,
            writable: true,
            value: function (this: Fronted, ...args: unknown[]): Promise<unknown> {
              let parsed: unknown[];
              try {
                parsed = parse(this.#context, ...args);
              } catch (error) {
                return Promise.reject(error);
              }
              const backend = this.#backend;
              return (backend[name] as AnyMethod).apply(backend, parsed);
            },
          });
        }
      }
    }
    return Fronted as unknown as Front<R, typeof parsers>;
  };
}

/** The parsed argument `I` of the backend method `K` of `B`, for annotating a backend's method. */
export type ParsedArgument<B, K extends keyof B, I extends number> = B[K] extends (
  ...args: infer A
) => unknown
  ? A[I]
  : never;
