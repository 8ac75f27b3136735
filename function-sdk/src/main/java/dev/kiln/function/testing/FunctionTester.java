package dev.kiln.function.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import dev.kiln.function.runtime.Deadlines;
import dev.kiln.function.runtime.Invoker;
import dev.kiln.function.runtime.Outcome;
import io.cloudevents.CloudEvent;
import java.util.Map;

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

    private final CloudFunction<?, ?> function;
    private final Invoker invoker;
    private final Deadlines deadlines = new Deadlines();

    private FunctionTester(CloudFunction<?, ?> function, FunctionConfig config) throws Exception {
        this.function = function;
        function.init(config);
        this.invoker = new Invoker(function, config, new ObjectMapper().findAndRegisterModules(), deadlines);
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
     * @return the outcome: status as HTTP would answer, and the reply for 200
     */
    public Outcome invoke(CloudEvent event) {
        return invoker.invoke(event, false);
    }

    /** Runs the close hook. */
    @Override
    public void close() throws Exception {
        deadlines.close();
        function.close();
    }
}
