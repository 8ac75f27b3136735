package dev.kiln.function.testing;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import io.cloudevents.CloudEvent;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.function.Function;

/**
 * Invokes a function in-process, through the same binding and reply code as the HTTP runtime, so a unit
 * test needs no server:
 *
 * <pre>{@code
 * try (FunctionTester tester = FunctionTester.of(new Greeter())) {
 *     Outcome out = tester.invoke(event);
 *     assertEquals(200, out.status());
 * }
 * }</pre>
 */
public final class FunctionTester implements AutoCloseable {

    /** The runtime's in-process invoker: package-private there, so that users only ever see this class. */
    private static final String IN_PROCESS = "dev.kiln.function.runtime.InProcess";

    private final CloudFunction<?, ?> function;
    private final Function<CloudEvent, Outcome> invoker;

    @SuppressWarnings("unchecked")
    private FunctionTester(CloudFunction<?, ?> function, FunctionConfig config) throws Exception {
        this.function = function;
        // The invoker first, then the init hook: if building the invoker fails, the function was never started, so
        // there is nothing to close; if the hook fails, the invoker is closed. The other way round, a failure after
        // init left the function open, since the caller never gets a tester to close.
        Constructor<?> inProcess = Class.forName(IN_PROCESS).getDeclaredConstructor(CloudFunction.class, FunctionConfig.class);
        inProcess.setAccessible(true); // same jar, same module: always permitted
        try {
            this.invoker = (Function<CloudEvent, Outcome>) inProcess.newInstance(function, config);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        try {
            function.init(config);
        } catch (Exception | Error e) {
            ((AutoCloseable) invoker).close();
            throw e;
        }
    }

    /**
     * Creates a tester with the configuration an empty environment gives, and runs the init hook.
     *
     * @param function the function under test
     * @return the tester
     * @throws Exception if the init hook fails
     */
    public static FunctionTester of(CloudFunction<?, ?> function) throws Exception {
        return of(function, Map.of());
    }

    /**
     * Creates a tester with the configuration an environment gives, and runs the init hook.
     *
     * @param function the function under test
     * @param env environment variables, e.g. KILN_REPLY_TYPE
     * @return the tester
     * @throws Exception if the init hook fails
     */
    public static FunctionTester of(CloudFunction<?, ?> function, Map<String, String> env) throws Exception {
        return new FunctionTester(function, FunctionConfig.fromEnv(env, function.getClass()));
    }

    /**
     * @param event the event to deliver
     * @return the outcome: the status HTTP would answer, the reply for 200, the message for errors
     */
    public Outcome invoke(CloudEvent event) {
        return invoker.apply(event);
    }

    /** Runs the close hook. */
    @Override
    public void close() throws Exception {
        ((AutoCloseable) invoker).close();
        function.close();
    }
}
