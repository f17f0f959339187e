/**
 * Captures the Embedded Metric Format lines Powertools Metrics writes to stdout, with metrics switched on for the
 * capture (the suite runs with POWERTOOLS_METRICS_DISABLED=true).
 */
export interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [member: string]: unknown;
}

/** Start capturing; `stop()` restores stdout and the setting and returns the EMF lines written meanwhile. */
export function captureEmf(resetMetrics: () => void): { stop(): EmfLine[] } {
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  resetMetrics();
  const chunks: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  return {
    stop() {
      process.stdout.write = originalWrite;
      if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = previous;
      resetMetrics();
      return chunks
        .join('')
        .split('\n')
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as EmfLine);
    },
  };
}
