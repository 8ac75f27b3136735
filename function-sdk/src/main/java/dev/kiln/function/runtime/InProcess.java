package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import dev.kiln.function.testing.Outcome;
import io.cloudevents.CloudEvent;
import java.util.function.Function;

/**
 * The runtime's side of {@link dev.kiln.function.testing.FunctionTester}: the server's {@link Invoker} and
 * {@link Deadlines}, without HTTP. The tester reaches this package-private class by reflection, the one way into
 * the runtime from outside it, so that no runtime class needs to be public for tests (users would come to
 * depend on them). It is seen only through the JDK interfaces it implements.
 */
final class InProcess implements Function<CloudEvent, Outcome>, AutoCloseable {

    private final Deadlines deadlines = new Deadlines();
    private final Invoker invoker;

    InProcess(CloudFunction<?, ?> function, FunctionConfig config) {
        ClassPathCheck classPath = ClassPathCheck.start(null);
        this.invoker = new Invoker(function, config, Binding.of(function, classPath), classPath, deadlines);
    }

    @Override
    public Outcome apply(CloudEvent event) {
        Result result = invoker.invoke(event, false);
        return new Outcome(result.status(), result.reply(), result.message());
    }

    @Override
    public void close() {
        deadlines.close();
    }
}
