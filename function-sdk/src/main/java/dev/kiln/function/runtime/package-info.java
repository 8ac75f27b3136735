/**
 * The HTTP runtime: the JDK's HTTP server, CloudEvents binary/structured/batch codecs, typed binding,
 * health, graceful drain and Prometheus metrics. Nothing here is needed to write a function: every class but
 * the entry point, {@link dev.kiln.function.runtime.FunctionMain}, is package-private.
 */
package dev.kiln.function.runtime;
