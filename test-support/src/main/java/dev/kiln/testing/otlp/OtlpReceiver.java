package dev.kiln.testing.otlp;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver for tests, as a collector's {@code otlphttp} receiver answers: {@code POST /v1/traces}
 * with an {@code application/x-protobuf} {@code ExportTraceServiceRequest} (gzip or not), decoded with OTLP's own
 * protobuf classes; 200 with an empty {@code ExportTraceServiceResponse}. Every span received is kept, with its
 * resource's {@code service.name}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /**
     * A received span.
     *
     * @param service its resource's {@code service.name}
     * @param traceId hex
     * @param spanId hex
     * @param parentSpanId hex, empty for a root
     * @param name the span's name
     * @param kind e.g. {@code SPAN_KIND_SERVER}
     * @param attributes its string, integer and boolean attributes, as strings
     */
    public record Span(String service, String traceId, String spanId, String parentSpanId, String name, String kind, Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();

    /** Listens on a free port of 127.0.0.1. */
    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/v1/traces", ex -> {
            try (ex) {
                if (!"POST".equals(ex.getRequestMethod())) {
                    ex.sendResponseHeaders(405, -1);
                    return;
                }
                InputStream body = ex.getRequestBody();
                if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
                for (ResourceSpans rs : request.getResourceSpansList()) {
                    String service = attributes(rs.getResource()).getOrDefault("service.name", "");
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                            Map<String, String> attributes = new LinkedHashMap<>();
                            s.getAttributesList().forEach(kv -> attributes.put(kv.getKey(), value(kv)));
                            spans.add(new Span(service, hex(s.getTraceId().toByteArray()), hex(s.getSpanId().toByteArray()),
                                    hex(s.getParentSpanId().toByteArray()), s.getName(), s.getKind().name(), attributes));
                        }
                    }
                }
                byte[] ok = io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                if (ok.length > 0) {
                    ex.getResponseBody().write(ok);
                }
            }
        });
        server.start();
    }

    /** @return the value for {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the exporter appends {@code /v1/traces}) */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return every span received so far */
    public List<Span> spans() {
        return new ArrayList<>(spans);
    }

    private static Map<String, String> attributes(Resource resource) {
        Map<String, String> m = new LinkedHashMap<>();
        resource.getAttributesList().forEach(kv -> m.put(kv.getKey(), value(kv)));
        return m;
    }

    private static String value(KeyValue kv) {
        var v = kv.getValue();
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString();
        };
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
