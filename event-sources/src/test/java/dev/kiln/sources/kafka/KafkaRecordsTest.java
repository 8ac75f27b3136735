package dev.kiln.sources.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaRecordsTest {

    static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>("orders", 3, 564, 1_700_000_000_000L, TimestampType.CREATE_TIME, -1, -1, key, value, headers, Optional.empty());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void binaryCloudEventRecordsPassThrough() {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", utf8("1.0"));
        h.add("ce_id", utf8("order-1"));
        h.add("ce_source", utf8("/shop"));
        h.add("ce_type", utf8("shop.order.created"));
        h.add("ce_region", utf8("eu"));
        h.add("content-type", utf8("application/json"));
        CloudEvent ce = KafkaRecords.toCloudEvent(record(utf8("k"), utf8("{\"n\":1}"), h), "default", "orders", "string");
        assertThat(ce.getId()).isEqualTo("order-1");
        assertThat(ce.getType()).isEqualTo("shop.order.created");
        assertThat(ce.getExtension("region")).isEqualTo("eu");
        assertThat(ce.getExtension("key")).as("a CloudEvent passes through unchanged").isNull();
        assertThat(ce.getData().toBytes()).isEqualTo(utf8("{\"n\":1}"));
    }

    /** Found by KafkaRecordsFuzz: this value became the delivery's Content-Type, which no HTTP stack sends. */
    @Test
    void aContentTypeThatHttpCannotCarryIsKeptAsAnExtension() {
        RecordHeaders plain = new RecordHeaders();
        plain.add("content-type", utf8("text/plain\r\nx: y"));
        CloudEvent mapped = KafkaRecords.toCloudEvent(record(null, utf8("v"), plain), "default", "orders", "string");
        assertThat(mapped.getDataContentType()).isNull();
        assertThat(mapped.getExtension("kafkaheadercontenttype")).isEqualTo("text/plain\r\nx: y");
        RecordHeaders ce = new RecordHeaders();
        ce.add("ce_specversion", utf8("1.0"));
        ce.add("ce_id", utf8("1"));
        ce.add("ce_source", utf8("/s"));
        ce.add("ce_type", utf8("t"));
        ce.add("content-type", utf8("application/json\u0000"));
        CloudEvent passed = KafkaRecords.toCloudEvent(record(null, utf8("{}"), ce), "default", "orders", "string");
        assertThat(passed.getId()).isEqualTo("1");
        assertThat(passed.getDataContentType()).isNull();
    }

    @Test
    void structuredCloudEventRecordsPassThrough() {
        RecordHeaders h = new RecordHeaders();
        h.add("content-type", utf8("application/cloudevents+json; charset=UTF-8"));
        String json = "{\"specversion\":\"1.0\",\"id\":\"s-1\",\"source\":\"/shop\",\"type\":\"shop.order.paid\",\"data\":{\"n\":2}}";
        CloudEvent ce = KafkaRecords.toCloudEvent(record(null, utf8(json), h), "default", "orders", "string");
        assertThat(ce.getId()).isEqualTo("s-1");
        assertThat(ce.getType()).isEqualTo("shop.order.paid");
    }

    @Test
    void otherRecordsMapAsKafkaSourceDoes() {
        RecordHeaders h = new RecordHeaders();
        h.add("Content-Type", utf8("Text/Plain"));
        h.add("X-Request-Id", utf8("r-9"));
        CloudEvent ce = KafkaRecords.toCloudEvent(record(utf8("customer-7"), utf8("hello"), h), "shop", "orders", "string");
        assertThat(ce.getId()).isEqualTo("partition:3/offset:564");
        assertThat(ce.getSubject()).isEqualTo("partition:3#564");
        assertThat(ce.getType()).isEqualTo("dev.knative.kafka.event");
        assertThat(ce.getSource()).hasToString("/apis/v1/namespaces/shop/kafkasources/orders#orders");
        assertThat(ce.getTime().toInstant()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(ce.getDataContentType()).isEqualTo("text/plain");
        assertThat(ce.getExtension("key")).isEqualTo("customer-7");
        assertThat(ce.getExtension("partitionkey")).isEqualTo("customer-7");
        assertThat(ce.getExtension("kafkaheaderxrequestid")).isEqualTo("r-9");
        assertThat(ce.getData().toBytes()).isEqualTo(utf8("hello"));
    }

    @Test
    void aRecordWithBrokenCloudEventHeadersIsMappedNotDropped() {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", utf8("9.9"));
        CloudEvent ce = KafkaRecords.toCloudEvent(record(null, utf8("x"), h), "default", "orders", "string");
        assertThat(ce.getType()).isEqualTo("dev.knative.kafka.event");
        assertThat(ce.getExtension("kafkaheadercespecversion")).isEqualTo("9.9");
    }

    @Test
    void nullValuesAndNullKeysLeaveNoDataAndNoKey() {
        CloudEvent ce = KafkaRecords.toCloudEvent(record(null, null, new RecordHeaders()), "default", "orders", "string");
        assertThat(ce.getData()).isNull();
        assertThat(ce.getExtension("key")).isNull();
    }

    @Test
    void keyTypes() {
        byte[] int4 = ByteBuffer.allocate(4).putInt(42).array();
        assertThat(KafkaRecords.toCloudEvent(record(int4, null, new RecordHeaders()), "d", "n", "int").getExtension("key")).isEqualTo("42");
        byte[] long8 = ByteBuffer.allocate(8).putLong(1L << 40).array();
        assertThat(KafkaRecords.toCloudEvent(record(long8, null, new RecordHeaders()), "d", "n", "int").getExtension("key"))
                .isEqualTo(Long.toString(1L << 40));
        byte[] double8 = ByteBuffer.allocate(8).putDouble(2.5).array();
        assertThat(KafkaRecords.toCloudEvent(record(double8, null, new RecordHeaders()), "d", "n", "float").getExtension("key")).isEqualTo("2.5");
        CloudEvent bytes = KafkaRecords.toCloudEvent(record(new byte[] {1, 2}, null, new RecordHeaders()), "d", "n", "byte-array");
        assertThat((byte[]) bytes.getExtension("key")).containsExactly(1, 2);
        assertThat(bytes.getExtension("partitionkey")).isEqualTo("AQI=");
    }
}
