package dev.kiln.local.functions;

import java.util.concurrent.CompletableFuture;

/** Starts one instance of a function version and completes when it answers readiness. */
@FunctionalInterface
interface Launcher {

    /** @return the instance once ready; failed when the process exits or never gets ready */
    CompletableFuture<Instance> launch();
}
