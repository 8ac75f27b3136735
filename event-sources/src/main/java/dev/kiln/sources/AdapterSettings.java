package dev.kiln.sources;

import dev.kiln.sources.send.CeOverrides;
import dev.kiln.sources.send.SendPolicy;
import dev.kiln.http.BodyGate;
import java.net.URI;
import java.time.Duration;

/**
 * What every adapter reads from its environment.
 *
 * @param kind github, gitlab, kafka or cron
 * @param namespace {@code NAMESPACE}: the source's namespace (default {@code default})
 * @param name {@code NAME}: the source's name (default: the kind)
 * @param sink {@code K_SINK}: where events go
 * @param deadLetterSink {@code K_DEAD_LETTER_SINK}: where events the sink refused go (Kafka only), or null
 * @param overrides {@code K_CE_OVERRIDES}
 * @param send {@code SEND_*}: retries and timeouts
 * @param host {@code HOST}: the interface the HTTP server binds (default all: a cluster workload)
 * @param port {@code PORT}: webhooks, health and metrics (default 8080)
 * @param bodies {@code MAX_BODY_BYTES} (default 25 MiB, GitHub's cap), {@code MAX_HELD_BYTES} (default an eighth of
 *     the heap), {@code MAX_CONCURRENT_REQUESTS} (default 16) and {@code BODY_TIMEOUT} (default 30 s): what a webhook
 *     sender nobody vouched for yet may cost (see {@link BodyGate})
 */
public record AdapterSettings(String kind, String namespace, String name, URI sink, URI deadLetterSink, CeOverrides overrides,
        SendPolicy send, String host, int port, BodyGate.Limits bodies) {

    /** GitHub does not deliver payloads over 25 MB; anything bigger is not a real delivery. */
    public static final int MAX_BODY_BYTES = 25 << 20;

    /** Webhook requests read or answered at once, per adapter: GitHub and GitLab deliver one event per request. */
    public static final int MAX_CONCURRENT_REQUESTS = 16;
    /** How long a sender has to send its whole body: GitHub and GitLab give up on an answer after 10 s anyway. */
    public static final Duration BODY_TIMEOUT = Duration.ofSeconds(30);

    /** Reads the common settings; problems are recorded on {@code env}. */
    public static AdapterSettings from(String kind, Env env) {
        URI sink = uri(env, "K_SINK", env.required("K_SINK", "the URL events are sent to (a Broker, a Service)"));
        URI dls = uri(env, "K_DEAD_LETTER_SINK", env.optional("K_DEAD_LETTER_SINK", null));
        return new AdapterSettings(kind, env.optional("NAMESPACE", "default"), env.optional("NAME", kind), sink, dls,
                CeOverrides.from(env), SendPolicy.from(env), env.optional("HOST", "0.0.0.0"), env.integer("PORT", 8080, 0),
                new BodyGate.Limits(env.integer("MAX_BODY_BYTES", MAX_BODY_BYTES, 1),
                        env.integer("MAX_HELD_BYTES", (int) Math.min(Integer.MAX_VALUE, BodyGate.Limits.heldBytesForThisHeap()), 1),
                        env.integer("MAX_CONCURRENT_REQUESTS", MAX_CONCURRENT_REQUESTS, 1), bodyTimeout(env)));
    }

    private static Duration bodyTimeout(Env env) {
        Duration timeout = env.duration("BODY_TIMEOUT", BODY_TIMEOUT);
        if (timeout.isZero()) {
            env.problem("BODY_TIMEOUT=PT0S: a sender needs some time to send its body");
            return BODY_TIMEOUT;
        }
        return timeout;
    }

    private static URI uri(Env env, String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            URI u = new URI(value);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        env.problem(name + "=" + value + ": must be an absolute http(s) URL");
        return null;
    }
}
