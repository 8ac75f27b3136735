package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.FunctionConfig;
import dev.kiln.function.testing.Outcome;
import io.cloudevents.CloudEvent;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The runtime's side of {@link dev.kiln.function.testing.FunctionTester}: the server's {@link Invoker} and
 * {@link Deadlines}, without HTTP. The tester reaches this package-private class by reflection, the one way into
 * the runtime from outside it, so that no runtime class needs to be public for tests (users would come to
 * depend on them). It is seen only through the JDK interfaces it implements.
 */
final class InProcess implements Function<CloudEvent, Outcome>, AutoCloseable {

    /**
     * One class-path lookup per class loader, shared by every tester of a test run: each tester used to start a
     * lookup thread of its own, opening every jar again. A finished lookup holds no reference to its loader (the
     * task is dropped once run), so the weak keys let a test framework's loaders go.
     */
    private static final Map<ClassLoader, ClassPathCheck> CHECKS = Collections.synchronizedMap(new WeakHashMap<>());

    private final Deadlines deadlines = new Deadlines();
    private final Invoker invoker;

    InProcess(CloudFunction<?, ?> function, FunctionConfig config) {
        ClassPathCheck classPath = classPath();
        this.invoker = new Invoker(function, config, Binding.of(function, classPath), classPath, deadlines);
    }

    /** @return the lookup of the thread's context class loader's class path, started by the first tester */
    static ClassPathCheck classPath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader == null ? ClassPathCheck.start(null) : CHECKS.computeIfAbsent(loader, l -> ClassPathCheck.start(null));
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
