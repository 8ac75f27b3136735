/**
 * {@code kiln.dev/v1alpha1} Function: a function kept in Git, built into an image and run as a Knative
 * Service (cluster mode) or as child processes behind an activator (local mode).
 */
package dev.kiln.api.functions.v1alpha1;
