/**
 * The Kiln function SDK: implement {@link dev.kiln.function.CloudFunction}, list the class in
 * {@code META-INF/services/dev.kiln.function.CloudFunction}, and the runtime
 * ({@code dev.kiln.function.runtime.FunctionMain}) serves it over HTTP as a CloudEvents sink.
 */
package dev.kiln.function;
