/**
 * Shapes shared by every Kiln kind, after Knative's duck types: conditions and the condition set that
 * derives {@code Ready}, destinations, addresses, delivery and CloudEvent overrides.
 */
package dev.kiln.api.duck;
