package dev.kiln.api.duck;

import com.fasterxml.jackson.annotation.JsonInclude;

/** How hard to try delivering an event, as Knative's {@code DeliverySpec}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeliverySpec {

    /** Backoff policy value: the wait grows linearly with the retry number. */
    public static final String LINEAR = "linear";
    /** Backoff policy value: the wait doubles with every retry. */
    public static final String EXPONENTIAL = "exponential";

    /** Number of retries after the first attempt (total attempts = retry + 1). */
    public Integer retry;

    /** {@code linear} or {@code exponential}. */
    public String backoffPolicy;

    /** Base delay between retries, as an ISO-8601 duration, e.g. {@code PT0.2S}. */
    public String backoffDelay;

    /** Timeout of a single delivery attempt, as an ISO-8601 duration, e.g. {@code PT10S}. */
    public String timeout;

    /** Where events go when every attempt failed; they keep their payload and gain knativeerror* extensions. */
    public Destination deadLetterSink;
}
