/**
 * {@code sources.kiln.dev/v1alpha1}: GitHubSource, GitLabSource, KafkaSource and CronSource. Each turns
 * outside happenings into CloudEvents sent to a sink, drop-in compatible with the matching Knative source.
 */
package dev.kiln.api.sources.v1alpha1;
