package dev.kiln.function;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A function's configuration, read from the environment as Knative and {@code kiln dev} set it.
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><td>{@code PORT}</td><td>HTTP port (default 8080)</td></tr>
 *   <tr><td>{@code K_SERVICE}, {@code KILN_FUNCTION_NAME}</td><td>the function's name (default: from the class name)</td></tr>
 *   <tr><td>{@code KILN_REPLY_TYPE}</td><td>default reply type (default {@code dev.kiln.function.<name>.reply})</td></tr>
 *   <tr><td>{@code KILN_REPLY_SOURCE}</td><td>default reply source (default {@code /functions/<name>})</td></tr>
 *   <tr><td>{@code KILN_TIMEOUT_SECONDS}</td><td>per-invocation deadline (default 300)</td></tr>
 *   <tr><td>{@code KILN_DRAIN_SECONDS}</td><td>longest wait for in-flight requests on SIGTERM (default 30)</td></tr>
 *   <tr><td>{@code KILN_MAX_BODY_BYTES}</td><td>largest request body; larger gets 413 (default 10 MiB)</td></tr>
 * </table>
 *
 * @param name the function's name
 * @param port the HTTP port
 * @param replyType the default reply type
 * @param replySource the default reply source
 * @param timeout the per-invocation deadline
 * @param drainTimeout the longest wait for in-flight requests on shutdown
 * @param maxBodyBytes the largest accepted request body
 * @param env the whole environment, for the function's own settings
 */
public record FunctionConfig(String name, int port, String replyType, String replySource, Duration timeout,
        Duration drainTimeout, int maxBodyBytes, Map<String, String> env) {

    /** Validates the record. */
    public FunctionConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(replyType, "replyType");
        Objects.requireNonNull(replySource, "replySource");
        env = Map.copyOf(env);
    }

    /**
     * Reads the configuration from an environment.
     *
     * @param env environment variables
     * @param functionClass the function's class, whose name is the default function name
     * @return the configuration
     */
    public static FunctionConfig fromEnv(Map<String, String> env, Class<?> functionClass) {
        String name = first(env.get("KILN_FUNCTION_NAME"), env.get("K_SERVICE"), kebab(functionClass.getSimpleName()));
        return new FunctionConfig(name,
                Integer.parseInt(first(env.get("PORT"), "8080")),
                first(env.get("KILN_REPLY_TYPE"), "dev.kiln.function." + name + ".reply"),
                first(env.get("KILN_REPLY_SOURCE"), "/functions/" + name),
                Duration.ofSeconds(Long.parseLong(first(env.get("KILN_TIMEOUT_SECONDS"), "300"))),
                Duration.ofSeconds(Long.parseLong(first(env.get("KILN_DRAIN_SECONDS"), "30"))),
                Integer.parseInt(first(env.get("KILN_MAX_BODY_BYTES"), String.valueOf(10 << 20))),
                env);
    }

    /**
     * @param key an environment variable
     * @return its value, or null
     */
    public String get(String key) {
        return env.get(key);
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String kebab(String className) {
        String s = className.isEmpty() ? "function" : className;
        return s.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
