package dev.kiln.api.sources.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.api.duck.DeliverySpec;
import java.util.ArrayList;
import java.util.List;

/** Which Kafka topics to read, from where, and in what order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaSourceSpec extends SourceSpec {

    /** initialOffset value: start at the oldest record when the group has no committed offset. */
    public static final String EARLIEST = "earliest";
    /** initialOffset value: start at new records when the group has no committed offset. */
    public static final String LATEST = "latest";
    /** ordering value: per partition, one event in flight at a time. */
    public static final String ORDERED = "ordered";
    /** ordering value: events in flight concurrently; offsets still committed contiguously. */
    public static final String UNORDERED = "unordered";

    /** Kafka bootstrap servers as host:port. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> bootstrapServers = new ArrayList<>();

    /** Topics to consume. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public List<String> topics = new ArrayList<>();

    /** Consumer group (default: kiln-kafka-source.NAMESPACE.NAME). Changing it restarts from initialOffset. */
    public String consumerGroup;

    /** Where a group without committed offsets starts: earliest or latest (default). */
    public String initialOffset;

    /** ordered (default: per partition, one event in flight) or unordered. */
    public String ordering;

    /** How record keys become the key extension: string (default), int, float or byte-array. */
    public String keyType;

    /** Retries, backoff and dead-letter sink for events the sink refuses. */
    public DeliverySpec delivery;
}
