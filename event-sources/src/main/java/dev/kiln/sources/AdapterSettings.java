package dev.kiln.sources;

import dev.kiln.sources.send.CeOverrides;
import dev.kiln.sources.send.SendPolicy;
import java.net.URI;

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
 * @param maxBodyBytes {@code MAX_BODY_BYTES}: the largest webhook body (default 25 MiB, GitHub's cap)
 */
public record AdapterSettings(String kind, String namespace, String name, URI sink, URI deadLetterSink, CeOverrides overrides,
        SendPolicy send, String host, int port, long maxBodyBytes) {

    /** GitHub does not deliver payloads over 25 MB; anything bigger is not a real delivery. */
    public static final int MAX_BODY_BYTES = 25 << 20;

    /** Reads the common settings; problems are recorded on {@code env}. */
    public static AdapterSettings from(String kind, Env env) {
        URI sink = uri(env, "K_SINK", env.required("K_SINK", "the URL events are sent to (a Broker, a Service)"));
        URI dls = uri(env, "K_DEAD_LETTER_SINK", env.optional("K_DEAD_LETTER_SINK", null));
        return new AdapterSettings(kind, env.optional("NAMESPACE", "default"), env.optional("NAME", kind), sink, dls,
                CeOverrides.from(env), SendPolicy.from(env), env.optional("HOST", "0.0.0.0"), env.integer("PORT", 8080, 0),
                env.integer("MAX_BODY_BYTES", MAX_BODY_BYTES, 1));
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
