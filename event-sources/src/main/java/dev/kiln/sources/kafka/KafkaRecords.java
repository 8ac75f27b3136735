package dev.kiln.sources.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A Kafka record as a CloudEvent, as Knative's KafkaSource does it. A record that is a CloudEvent (binary
 * {@code ce_} headers, or structured {@code content-type: application/cloudevents+json}) passes through
 * unchanged. Any other record becomes {@code dev.knative.kafka.event} with id {@code partition:P/offset:O},
 * subject {@code partition:P#O}, source {@code /apis/v1/namespaces/<ns>/kafkasources/<name>#<topic>}, the
 * record's timestamp as time, its {@code content-type} header (lower-cased) as datacontenttype, its key as the
 * {@code key} and {@code partitionkey} extensions, and every other header as {@code kafkaheader<name>}.
 */
public final class KafkaRecords {

    /** The type of records that are not CloudEvents. */
    public static final String TYPE = "dev.knative.kafka.event";

    private KafkaRecords() {
    }

    /**
     * @param record the record, key and value as bytes
     * @param namespace the source's namespace
     * @param name the source's name
     * @param keyType how to read keys: {@code string} (UTF-8), {@code int} (4 or 8 bytes big-endian), {@code float}
     *     (4 or 8 bytes IEEE 754) or {@code byte-array}
     * @return the event
     */
    public static CloudEvent toCloudEvent(ConsumerRecord<byte[], byte[]> record, String namespace, String name, String keyType) {
        if (looksLikeCloudEvent(record)) {
            try {
                return sendable(KafkaMessageFactory.createReader(record).toEvent());
            } catch (RuntimeException e) {
                // Not a valid CloudEvent after all: mapped below, as KafkaSource's InvalidCloudEventInterceptor does.
            }
        }
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId("partition:" + record.partition() + "/offset:" + record.offset())
                .withType(TYPE)
                .withSource(URI.create("/apis/v1/namespaces/" + namespace + "/kafkasources/" + name + "#" + record.topic()))
                .withSubject("partition:" + record.partition() + "#" + record.offset());
        if (record.timestamp() >= 0) {
            b.withTime(Instant.ofEpochMilli(record.timestamp()).atOffset(ZoneOffset.UTC));
        }
        String contentType = null;
        for (Header h : record.headers()) {
            if (h.key().equalsIgnoreCase("content-type") && h.value() != null && mediaType(new String(h.value(), StandardCharsets.UTF_8))) {
                contentType = new String(h.value(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                continue;
            }
            String ext = "kafkaheader" + h.key().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            b.withExtension(ext, h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        if (record.value() != null) {
            b.withData(contentType, record.value());
        } else if (contentType != null) {
            b.withDataContentType(contentType);
        }
        if (record.key() != null) {
            key(b, record.key(), keyType);
        }
        return b.build();
    }

    /**
     * A content type becomes the HTTP {@code Content-Type} of the delivery, which cannot be percent-encoded: one
     * with characters an HTTP stack refuses would make the record fail on every attempt, and its partition stop.
     * Such a value is kept as the {@code kafkaheadercontenttype} extension instead (extensions are encoded).
     */
    private static boolean mediaType(String value) {
        return !value.isBlank() && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    private static CloudEvent sendable(CloudEvent event) {
        String contentType = event.getDataContentType();
        if (contentType == null || mediaType(contentType)) {
            return event;
        }
        return CloudEventBuilder.from(event).withDataContentType(null).withExtension("kafkaheadercontenttype", contentType).build();
    }

    private static boolean looksLikeCloudEvent(ConsumerRecord<byte[], byte[]> record) {
        for (Header h : record.headers()) {
            if (h.key().equalsIgnoreCase("ce_specversion")) {
                return true;
            }
            if (h.key().equalsIgnoreCase("content-type") && h.value() != null
                    && new String(h.value(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
                return true;
            }
        }
        return false;
    }

    private static void key(CloudEventBuilder b, byte[] key, String keyType) {
        switch (keyType == null ? "string" : keyType) {
            case "int" -> {
                String v = key.length == 4 ? Integer.toString(ByteBuffer.wrap(key).getInt())
                        : key.length == 8 ? Long.toString(ByteBuffer.wrap(key).getLong()) : null;
                keyExtensions(b, v != null ? v : new String(key, StandardCharsets.UTF_8));
            }
            case "float" -> {
                String v = key.length == 4 ? Float.toString(ByteBuffer.wrap(key).getFloat())
                        : key.length == 8 ? Double.toString(ByteBuffer.wrap(key).getDouble()) : null;
                keyExtensions(b, v != null ? v : new String(key, StandardCharsets.UTF_8));
            }
            case "byte-array" -> {
                b.withExtension("key", key);
                b.withExtension("partitionkey", Base64.getEncoder().encodeToString(key));
            }
            default -> keyExtensions(b, new String(key, StandardCharsets.UTF_8));
        }
    }

    private static void keyExtensions(CloudEventBuilder b, String value) {
        b.withExtension("key", value);
        b.withExtension("partitionkey", value);
    }
}
