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
     * @throws IllegalArgumentException naming the variable, when a number is malformed
     */
    public static FunctionConfig fromEnv(Map<String, String> env, Class<?> functionClass) {
        String name = first(env.get("KILN_FUNCTION_NAME"), env.get("K_SERVICE"));
        if (name == null) {
            name = kebab(functionClass.getSimpleName());
        }
        return new FunctionConfig(name,
                (int) number(env, "PORT", 8080),
                first(env.get("KILN_REPLY_TYPE"), "dev.kiln.function." + name + ".reply"),
                first(env.get("KILN_REPLY_SOURCE"), "/functions/" + name),
                Duration.ofSeconds(number(env, "KILN_TIMEOUT_SECONDS", 300)),
                Duration.ofSeconds(number(env, "KILN_DRAIN_SECONDS", 30)),
                (int) number(env, "KILN_MAX_BODY_BYTES", 10 << 20),
                env);
    }

    /**
     * @param newPort the port to listen on (0 picks a free one)
     * @return this configuration with another port
     */
    public FunctionConfig withPort(int newPort) {
        return new FunctionConfig(name, newPort, replyType, replySource, timeout, drainTimeout, maxBodyBytes, env);
    }

    /**
     * @param key an environment variable
     * @return its value, or null
     */
    public String get(String key) {
        return env.get(key);
    }

    private static long number(Map<String, String> env, String key, long fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number from 0 to " + Integer.MAX_VALUE
                    + ", got \"" + value + "\"");
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** {@code GreeterFunction} → {@code greeter-function}: a dash before each upper-case letter that follows a lower-case one or a digit. */
    static String kebab(String className) {
        String s = className.isEmpty() ? "function" : className;
        StringBuilder out = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (i > 0 && c >= 'A' && c <= 'Z') {
                char before = s.charAt(i - 1);
                if (before >= 'a' && before <= 'z' || before >= '0' && before <= '9') {
                    out.append('-');
                }
            }
            out.append(c);
        }
        return out.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
