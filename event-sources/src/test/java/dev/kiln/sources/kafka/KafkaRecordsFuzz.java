package dev.kiln.sources.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.http.CeHeaderValues;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Kafka record mapping on records nobody checked: any headers (broken {@code ce_} ones included), keys and values.
 * Contract: every record becomes a CloudEvent (a record whose {@code ce_} headers are broken is mapped as a plain
 * record, never dropped), and that event, as Kiln's senders write it, has only headers an HTTP stack sends: one
 * that it refuses would make the record fail forever, and the partition stop behind it. (Found by this target:
 * a key with a control character became a raw {@code ce-key} header; senders now percent-encode, as the binding
 * says.)
 */
class KafkaRecordsFuzz {

    static final String[] KEYS = {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type", "ce_subject"};
    static final String[] KEY_TYPES = {"string", "int", "float", "byte-array"};

    @FuzzTest
    void mapsEveryRecordToASendableEvent(FuzzedDataProvider data) {
        RecordHeaders headers = new RecordHeaders();
        int n = data.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            String key = data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeString(12);
            headers.add(key, data.consumeBoolean() ? null : data.consumeBytes(40));
        }
        byte[] key = data.consumeBoolean() ? null : data.consumeBytes(16);
        byte[] value = data.consumeBoolean() ? null : data.consumeRemainingAsBytes();
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 3, 42L, data.consumeLong(), TimestampType.CREATE_TIME,
                -1, -1, key, value, headers, Optional.empty());
        CloudEvent event = KafkaRecords.toCloudEvent(record, "ns", "src", data.pickValue(KEY_TYPES));
        assertThat(event.getId()).isNotEmpty();
        Map<String, String> sent = new HashMap<>();
        HttpMessageFactory.createWriter(CeHeaderValues.encoding(sent::put), body -> { }).writeBinary(event);
        sent.forEach((name, v) -> {
            assertThat(name).as("header name").matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            assertThat(v).as("value of " + name).matches("[\\x20-\\x7e]*");
        });
    }
}
