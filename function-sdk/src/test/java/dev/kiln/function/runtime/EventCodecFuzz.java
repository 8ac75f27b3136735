package dev.kiln.function.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's CloudEvent decoding (binary, structured, batch) on bytes nobody checked. Contract: an event list, or an
 * {@link HttpError} with a 4xx status; never another exception (the server would answer 500).
 */
class EventCodecFuzz {

    static final EventCodec CODEC = codec();

    /** The codec as the server builds it, for a function that takes any CloudEvent. */
    static EventCodec codec() {
        ClassPathCheck classPath = ClassPathCheck.start(new ClassPathFacts(List.of(), false, List.of()));
        dev.kiln.function.CloudFunction<io.cloudevents.CloudEvent, io.cloudevents.CloudEvent> echo = (in, ctx) -> in;
        return new EventCodec(Binding.of(echo, classPath), classPath);
    }
    static final String[] CONTENT_TYPES = {"application/json", EventCodec.STRUCTURED, EventCodec.BATCH, "application/cloudevents",
            "application/cloudevents+xml", "text/plain", ""};
    static final String[] CE_HEADERS = {"ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-subject",
            "ce-dataschema", "ce-datacontenttype", "ce-ext", "ce-knativebrokerttl", "ce-traceparent", "content-type"};

    @FuzzTest
    void decodesOrAnswers4xx(FuzzedDataProvider data) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(data.pickValue(CONTENT_TYPES) + (data.consumeBoolean() ? data.consumeString(20) : "")));
        int n = data.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            String name = data.consumeBoolean() ? data.pickValue(CE_HEADERS) : "ce-" + data.consumeString(10);
            headers.put(name, List.of(data.consumeString(40)));
        }
        byte[] body = data.consumeRemainingAsBytes();
        try {
            EventCodec.Request request = CODEC.decode(headers, body);
            assertThat(request.events()).isNotNull();
        } catch (HttpError e) {
            assertThat(e.status).as(e.getMessage()).isBetween(400, 499);
        }
    }
}
