package dev.kiln.function.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The {@link ClassPathFacts} a running function needs (validators, Jackson modules): training's when they are
 * current, otherwise looked up on a daemon thread from start-up, beside the init hook and the server's start.
 * Everything that depends on them waits for the answer at first use.
 */
final class ClassPathCheck {

    private final FutureTask<ClassPathFacts> facts;

    private ClassPathCheck(FutureTask<ClassPathFacts> facts) {
        this.facts = facts;
    }

    /**
     * @param trained the facts training wrote, or null
     * @return a check answered by them, or one looking the class path up on a daemon thread
     */
    static ClassPathCheck start(ClassPathFacts trained) {
        ClassPathCheck check = new ClassPathCheck(new FutureTask<>(new LookUp(trained, Thread.currentThread().getContextClassLoader())));
        if (trained != null) {
            check.facts.run();
        } else {
            Thread t = new Thread(check.facts, "kiln-classpath");
            t.setDaemon(true);
            t.start();
        }
        return check;
    }

    /** @return the facts; waits for the lookup */
    ClassPathFacts facts() {
        try {
            return facts.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking the class path up", e);
        }
    }

    /** @return the facts when already known (training's), without waiting for a lookup; else null */
    ClassPathFacts factsIfKnown() {
        return facts.isDone() ? facts() : null;
    }

    /** @return whether events must be made by the SDK's builder, which runs the class path's validators */
    boolean validators() {
        return facts().validators();
    }

    private static final class LookUp implements Callable<ClassPathFacts> {
        private final ClassPathFacts trained;
        private final ClassLoader loader;

        LookUp(ClassPathFacts trained, ClassLoader loader) {
            this.trained = trained;
            this.loader = loader;
        }

        @Override
        public ClassPathFacts call() {
            return trained != null ? trained : ClassPathFacts.lookUp(loader, false);
        }
    }
}
