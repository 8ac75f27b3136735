/**
 * Testing functions in-process, without HTTP: {@link dev.kiln.function.testing.FunctionTester} delivers an event
 * through the runtime's own binding and reply code and returns an {@link dev.kiln.function.testing.Outcome}.
 */
package dev.kiln.function.testing;
