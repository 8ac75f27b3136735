/**
 * Kiln's resource model: {@code kiln.dev/v1alpha1} Function and the {@code sources.kiln.dev/v1alpha1}
 * sources, with their defaults, validation and lifecycle.
 *
 * <p>Everything here is pure: no sockets, no files, no Kubernetes client. The controller (cluster mode)
 * and {@code kiln dev} (local mode) share this code, so a manifest means the same in both.
 */
package dev.kiln.api;
