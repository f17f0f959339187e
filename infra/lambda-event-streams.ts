/**
 * What a Lambda bundle gets instead of `@smithy/core/event-streams`, the SDK's event-stream support: `infra/bundling.ts`
 * aliases that module to this one, in our functions' bundles and in the cold-start benchmark's standard function alike.
 *
 * Why: the SDK's protocol layer loads event-stream support with a dynamic `import()`, only for operations that stream
 * events (Bedrock, Transcribe, S3 Select, Kinesis SubscribeToShard...). A single-file esbuild bundle (NodejsFunction
 * builds one `index.mjs`, without code splitting) turns a dynamic import into lazily initialised code: the imported
 * module and every module it imports — about 150 modules of `@smithy/core` that the clients also import statically —
 * are wrapped in esbuild's `__esm` closures, which V8 parses once when the bundle loads and again when the closures
 * run. That costs our functions about 5 ms of module load (16 %, Node 20) for a capability none of them has: the
 * DynamoDB, Step Functions and Secrets Manager operations they call stream no events. With this module in its place,
 * nothing in the SDK is lazily initialised and the bundles are about 20 KB smaller.
 *
 * If a function ever called an event-stream operation, the SDK's `import()` of this module fails with the error below
 * (the request is not sent), naming the place to change. The local runtime, the CLIs and the tests run the sources and
 * keep the SDK's own module. `test/infra/bundle-event-streams.test.ts` checks both sides.
 */

/** An event-stream operation was called in a Lambda bundle, which carries no event-stream support. */
export class EventStreamsNotBundledError extends Error {
  override readonly name = 'EventStreamsNotBundledError';

  constructor() {
    super(
      'Event-stream operations are not in Lambda bundles: infra/bundling.ts replaces @smithy/core/event-streams. ' +
        'Remove that alias to call one.',
    );
  }
}

throw new EventStreamsNotBundledError();
