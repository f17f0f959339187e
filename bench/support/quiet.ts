/**
 * Imported first by the benchmarks that run handlers in-process: no log lines and no EMF metric lines on stdout (the
 * root logger reads LOG_LEVEL when its module is first imported, before any benchmark code runs).
 */
process.env.LOG_LEVEL = 'silent';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
