/** Helpers for testing functions in-process, without HTTP. */
package dev.kiln.function.testing;
