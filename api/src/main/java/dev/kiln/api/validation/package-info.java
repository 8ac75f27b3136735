/**
 * Validation building blocks: field errors that carry their path, and the checks that several kinds
 * share (names, URLs, durations, destinations, secret references, cron schedules, git revisions).
 */
package dev.kiln.api.validation;
